from django.urls import path

from outcomes import views
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
    # Outcomes: the framework page, activities, "you said, we did", evaluations, case studies
    path("outcomes/", views.outcomes_page, name="outcomes_page"),
    path("outcomes/priority-groups/", views.priority_group_list, name="priority_group_list"),
    path("outcomes/priority-groups/new/", views.priority_group_edit, name="priority_group_add"),
    path("outcomes/priority-groups/<int:pk>/", views.priority_group_edit, name="priority_group_edit"),
    path("outcomes/requests/<int:pk>/", views.request_outcomes, name="request_outcomes"),
    path("outcomes/requests/<int:pk>/record/", views.request_outcome_record, name="request_outcome_record"),
    path(
        "outcomes/requests/<int:pk>/suggestions/new/",
        views.request_suggestion_add,
        name="request_suggestion_add",
    ),
    path("outcomes/requests/<int:pk>/feedback/", views.request_feedback, name="request_feedback"),
    path("outcomes/requests/<int:pk>/case-studies/new/", views.case_study_create, name="case_study_create"),
    path("outcomes/feedback/<int:pk>/letters/", views.feedback_letters, name="feedback_letters"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/held/", views.activity_held, name="activity_held"),
    path("activities/<int:pk>/attendees/", views.activity_attendees, name="activity_attendees"),
    path(
        "activities/<int:pk>/suggestions/new/", views.activity_suggestion_add, name="activity_suggestion_add"
    ),
    path("activities/<int:pk>/feedback/", views.activity_feedback, name="activity_feedback"),
    path("activities/<int:pk>/evaluation-letters/", views.activity_letters, name="activity_letters"),
    path("suggestions/", views.suggestion_list, name="suggestion_list"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("case-studies/", views.case_study_list, name="case_study_list"),
    path("case-studies/<int:pk>/", views.case_study_detail, name="case_study_detail"),
    path("case-studies/<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path("case-studies/<int:pk>/<slug:action>/", views.case_study_move, name="case_study_move"),
    path("evaluate/done/", views.evaluate_thanks, name="evaluate_thanks"),
    path("evaluate/<str:token>/", views.evaluate, name="evaluate"),
]
