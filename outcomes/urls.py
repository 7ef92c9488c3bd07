from django.urls import path

from outcomes.report import views as report_views

app_name = "outcomes"

urlpatterns = [
    path("reports/", report_views.report_index, name="report_index"),
    path("reports/request/", report_views.report_request, name="report_request"),
    path("reports/<str:quarter>/v<int:number>/", report_views.report_status, name="report_status"),
    path("reports/<str:quarter>/v<int:number>/publish/", report_views.report_publish, name="report_publish"),
    path(
        "reports/<str:quarter>/v<int:number>/download/", report_views.report_download, name="report_download"
    ),
    path(
        "reports/<str:quarter>/v<int:number>/appendix.csv",
        report_views.report_appendix,
        name="report_appendix",
    ),
]
