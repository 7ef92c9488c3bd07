from django.urls import path

from involvement_requests import views

app_name = "involvement_requests"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/new/", views.request_create, name="create"),
    path("requests/queue/", views.queue, name="queue"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="edit"),
    path("requests/<int:pk>/assess/", views.request_assess, name="assess"),
    path("requests/<int:pk>/decline/", views.request_decline, name="decline"),
    path("requests/<int:pk>/close/", views.request_close, name="close"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    # Matching, allocation and invitations (before the catch-all move below).
    path("requests/<int:pk>/match/", views.request_match, name="match"),
    path("requests/<int:pk>/people/", views.request_people, name="people"),
    path("requests/<int:pk>/allocate/", views.request_allocate, name="allocate"),
    path("requests/<int:pk>/invite/", views.request_invite, name="invite"),
    path("requests/<int:pk>/organisations/", views.request_invite_organisations, name="invite_organisations"),
    path(
        "requests/<int:pk>/invitations/<int:invitation>/remind/",
        views.invitation_remind,
        name="invitation_remind",
    ),
    path("requests/<int:pk>/<slug:action>/", views.request_move, name="move"),
    # The personal link emailed to an invited Hospital Improver: no sign-in.
    path("invitations/answered/<slug:answer>/", views.invitation_done, name="invitation_done"),
    path("invitations/<str:token>/", views.invitation_respond, name="invitation_respond"),
    path("opportunities/", views.bulletin, name="bulletin"),
    path("reference/", views.reference_home, name="reference"),
    path("reference/rungs/<int:pk>/delete/", views.rung_delete, name="rung_delete"),
    path("reference/<slug:kind>/new/", views.reference_edit, name="reference_add"),
    path("reference/<slug:kind>/<int:pk>/", views.reference_edit, name="reference_edit"),
]
