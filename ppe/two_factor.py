"""Optional two-factor sign-in with an authenticator app, which the PPI team can require
for its own members.

Sign-in is then two steps: the password (as before, with its lockout), then a six-digit
code. Between the two the session holds only the id of the user waiting to finish."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, login
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ppe import audit, auth, totp
from ppe.access import Role, has_role, public, requires
from ppe.form_pack import NHSFormMixin
from ppe.forms import LoginForm
from ppe.models import SecurityPolicy, TwoFactorDevice

PENDING_USER = "ppe_2fa_user"
PENDING_SINCE = "ppe_2fa_since"
PENDING_NEXT = "ppe_2fa_next"
PENDING_FAILURES = "ppe_2fa_failures"
SETUP_KEY = "ppe_2fa_setup_key"
PENDING_SECONDS = 5 * 60
MAX_CODE_FAILURES = 5


class CodeForm(NHSFormMixin, forms.Form):
    submit_label = "Continue"
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "nhsuk-input--width-10"}
        ),
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != totp.DIGITS:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class PolicyForm(NHSFormMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = SecurityPolicy
        fields = ["require_two_factor_for_ppi_team"]


# The signed-in user arrives with the policy and whether they have a device, read with
# them (ppe.auth): (policy, has_device). Any other user object asks.


def two_factor_required(user) -> bool:
    known = getattr(user, "_ppe_two_factor", None)
    policy = known[0] if known is not None else SecurityPolicy.two_factor_required_for_ppi_team()
    return policy and has_role(user, Role.PPI_TEAM)


def must_set_up_two_factor(user) -> bool:
    """A PPI team member without an authenticator while the policy requires one."""
    if not two_factor_required(user):
        return False
    known = getattr(user, "_ppe_two_factor", None)
    return not (known[1] if known is not None else TwoFactorDevice.objects.filter(user=user).exists())


class SignInView(LoginView):
    """The password step. A user with an authenticator goes on to the code step."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not TwoFactorDevice.objects.filter(user=user).exists():
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_SINCE] = int(time.time())
        self.request.session[PENDING_NEXT] = self.get_success_url()
        self.request.session[PENDING_FAILURES] = 0
        self.request.session[BACKEND_SESSION_KEY + "_pending"] = user.backend
        return redirect("two_factor_verify")


@public
def verify(request):
    session = request.session
    user_id = session.get(PENDING_USER)
    if not user_id or int(time.time()) - session.get(PENDING_SINCE, 0) > PENDING_SECONDS:
        messages.info(request, "Sign in again to continue.")
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TwoFactorDevice.objects.select_for_update().select_related("user").get(user_id=user_id)
            step = totp.matching_step(
                device.secret, form.cleaned_data["code"], last_used_step=device.last_used_step
            )
            if step is not None:
                device.last_used_step = step
                device.save(update_fields=["last_used_step"])
        if step is not None:
            backend = session.get(BACKEND_SESSION_KEY + "_pending", auth.BACKEND)
            target = session.get(PENDING_NEXT) or reverse("home")
            for key in (
                PENDING_USER,
                PENDING_SINCE,
                PENDING_NEXT,
                PENDING_FAILURES,
                BACKEND_SESSION_KEY + "_pending",
            ):
                session.pop(key, None)
            login(request, device.user, backend=backend)
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("home")
            return redirect(target)
        session[PENDING_FAILURES] = session.get(PENDING_FAILURES, 0) + 1
        audit.record(
            request,
            audit.Action.SIGN_IN_FAILED,
            subject_type="auth.user",
            subject_id=user_id,
            detail="wrong security code",
        )
        if session[PENDING_FAILURES] >= MAX_CODE_FAILURES:
            session.flush()
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("login")
        form.add_error("code", "The code is not right. Check your app and try again")
    return render(request, "registration/two_factor_verify.html", {"form": form})


def _issuer() -> str:
    return settings.SERVICE_NAME


@requires("dashboard.view")
def setup(request):
    existing = TwoFactorDevice.objects.filter(user=request.user).first()
    secret = request.session.get(SETUP_KEY)
    if not secret:
        secret = request.session[SETUP_KEY] = totp.new_secret()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"])
        if step is None:
            form.add_error(
                "code", "The code is not right. Check the key you typed into your app and try again"
            )
        else:
            TwoFactorDevice.objects.update_or_create(
                user=request.user,
                defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": step},
            )
            request.session.pop(SETUP_KEY, None)
            audit.record(request, audit.Action.CHANGE, request.user, detail="two-factor set up")
            messages.success(
                request, "Two-factor sign-in is on. You will be asked for a code when you sign in."
            )
            return redirect("home")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "existing": existing,
            "secret": totp.grouped(secret),
            "uri": totp.provisioning_uri(secret, account=request.user.get_username(), issuer=_issuer()),
            "required": two_factor_required(request.user),
        },
    )


@require_POST
@requires("dashboard.view")
def disable(request):
    if two_factor_required(request.user):
        messages.error(request, "The PPI team requires two-factor sign-in, so you cannot turn it off.")
        return redirect("two_factor_setup")
    TwoFactorDevice.objects.filter(user=request.user).delete()
    audit.record(request, audit.Action.CHANGE, request.user, detail="two-factor turned off")
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("home")


@requires("security.manage")
def policy(request):
    current = SecurityPolicy.current()
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        audit.record(request, audit.Action.CHANGE, saved)
        messages.success(request, "Security policy saved.")
        return redirect("security_policy")
    without = (
        User.objects.filter(groups__name=Role.PPI_TEAM.value, is_active=True, two_factor__isnull=True)
        .order_by("last_name", "first_name")
        .only("first_name", "last_name", "username")
    )
    return render(request, "registration/security_policy.html", {"form": form, "without": without})


class TwoFactorRequiredMiddleware:
    """When the PPI team requires it, its members set up an authenticator before anything else."""

    ALLOWED_NAMES = {"two_factor_setup", "logout", "healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            user.is_authenticated
            and request.resolver_match.url_name not in self.ALLOWED_NAMES
            and must_set_up_two_factor(user)
        ):
            return redirect("two_factor_setup")
        return None
