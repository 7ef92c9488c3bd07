from django.urls import include, path

from people_bank import views

app_name = "people_bank"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export.csv", views.person_export, name="person_export"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/due/", views.due, name="due"),
    path("people/representation/", views.representation_page, name="representation"),
    path("people/representation/reference/", views.reference_edit, name="reference_edit"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/status/", views.person_status, name="person_status"),
    path("people/<int:pk>/consent/", views.consent, name="consent"),
    path("people/<int:pk>/equality/", views.equality, name="equality"),
    path("people/<int:pk>/conversations/new/", views.conversation_add, name="person_conversation_add"),
    path("people/<int:pk>/partner/", views.partner_appoint, name="partner_appoint"),
    path("people/<int:pk>/review/", views.partner_review, name="partner_review"),
    path("people/<int:pk>/training/", views.training_add, name="training_add"),
    path("people/<int:pk>/confirm/", views.improver_confirm, name="improver_confirm"),
    path("people/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("people/<int:pk>/subject-access.json", views.subject_access_json, name="subject_access_json"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
    path("conversations/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_create, name="organisation_edit"),
    path("organisations/<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("organisations/<int:pk>/agreements/new/", views.agreement_add, name="agreement_add"),
    path(
        "organisations/<int:org>/conversations/new/",
        views.conversation_add,
        name="organisation_conversation_add",
    ),
    path("recruitment/", views.round_list, name="round_list"),
    path("recruitment/new/", views.round_create, name="round_create"),
    path("recruitment/<int:pk>/", views.round_detail, name="round_detail"),
    path("recruitment/<int:pk>/applications/new/", views.application_add, name="application_add"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    # Payments: sessions, expenses and the finance export (PPI team only).
    path("payments/", include("people_bank.payments.urls")),
    # Public: no sign-in.
    path("join/hospital-improver/", views.improver_sign_up, name="improver_sign_up"),
    path("join/hospital-improver/thank-you/", views.improver_thanks, name="improver_thanks"),
    path("join/patient-partner/<int:pk>/", views.partner_apply, name="partner_apply"),
    path("join/patient-partner/thank-you/", views.partner_thanks, name="partner_thanks"),
]
