from django.urls import path

from people_bank.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/new/", views.session_bulk, name="session_bulk"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("people/<int:pk>/", views.person_payments, name="person"),
    path("people/<int:pk>/choice/", views.payment_choice, name="payment_choice"),
    path("people/<int:pk>/statement/", views.statement, name="statement"),
    path("people/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("people/<int:pk>/claims/new/", views.claim_create, name="claim_create"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/lines/", views.claim_line_add, name="claim_line_add"),
    path("claims/<int:pk>/lines/<int:line>/remove/", views.claim_line_remove, name="claim_line_remove"),
    path("claims/<int:pk>/receipts/", views.receipt_upload, name="receipt_upload"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/paid/", views.claim_paid, name="claim_paid"),
    path("claims/<int:pk>/reverse/", views.claim_reverse, name="claim_reverse"),
    path("receipts/<int:pk>/", views.receipt_download, name="receipt_download"),
    path("months/", views.export_list, name="export_list"),
    path("months/<str:period>/", views.month, name="month"),
    path("months/<str:period>/export.csv", views.export_download, name="export_download"),
    path("rates/", views.rates, name="rates"),
]
