"""Cross-cutting request handling: security headers, session lifetime, forms sent twice."""

import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

# Everything from our own host: hospital networks are often closed, and nothing a page
# shows should leak to, or depend on, a third party.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreForSignedInMiddleware:
    """Pages seen while signed in may hold personal data: no browser or proxy keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


SESSION_STARTED_KEY = "ppe_signed_in_at"
SESSION_TOUCHED_KEY = "ppe_touched_at"
# Renewing the idle limit writes the session row; once a minute is precise enough for a
# 30-minute limit and spares a database write on every page.
SESSION_TOUCH_SECONDS = 60


class SessionLifetimeMiddleware:
    """A session ends after SESSION_COOKIE_AGE (30 minutes) without a request, and 12
    hours after sign-in however busy it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('login')}?expired=1")
            if now - request.session.get(SESSION_TOUCHED_KEY, 0) >= SESSION_TOUCH_SECONDS:
                request.session[SESSION_TOUCHED_KEY] = now  # saving renews the expiry
        return self.get_response(request)


SUBMISSION_FIELD = "_submission"


class SubmitOnceMiddleware:
    """A POST carrying a submission key is acted on once.

    The key is claimed before the view runs (a unique insert, so two racing requests cannot
    both claim it). When the view succeeds with a redirect, the key remembers where it led
    and a repeat is sent there; when the form comes back with errors, the key is released
    so the corrected form can be sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        from ppe.models import FormSubmission

        try:
            with transaction.atomic():
                FormSubmission.objects.create(key=key, path=request.path[:300])
        except IntegrityError:
            earlier = FormSubmission.objects.filter(key=key).first()
            if earlier is not None and earlier.result_url:
                messages.info(request, "You sent this form twice. It has been saved once.")
                return redirect(earlier.result_url)
            return render(request, "409.html", status=409)
        try:
            response = self.get_response(request)
        except Exception:
            FormSubmission.objects.filter(key=key).delete()
            raise
        if response.status_code in (301, 302, 303) and response.has_header("Location"):
            FormSubmission.objects.filter(key=key).update(result_url=response["Location"][:500])
        else:
            FormSubmission.objects.filter(key=key).delete()
        return response

    @staticmethod
    def _key(request) -> uuid.UUID | None:
        if request.method != "POST":
            return None
        raw = request.POST.get(SUBMISSION_FIELD)
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            return None
