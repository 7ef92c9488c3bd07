from django.contrib import admin
from django.urls import include, path

from ppe import two_factor, views

handler500 = "ppe.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", two_factor.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/turn-off/", two_factor.disable, name="two_factor_disable"),
    path("accounts/security-policy/", two_factor.policy, name="security_policy"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("audit/", views.audit_log, name="audit_log"),
    path("admin/", admin.site.urls),
    path("", include("people_bank.urls")),
    # Patient Involvement Requests
    path("", include("involvement_requests.urls")),
    # Board report (outcomes)
    path("", include("outcomes.urls")),
]
