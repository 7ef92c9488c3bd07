import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from ppe import audit
from ppe.middleware import SESSION_STARTED_KEY, SESSION_TOUCHED_KEY


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The username typed is kept as the subject: it may not be an account at all.
    audit.record(
        request,
        audit.Action.SIGN_IN_FAILED,
        subject_type="auth.user",
        subject_id=str(credentials.get("username", ""))[:64],
    )


@receiver(user_logged_in)
def start_the_session_clock(sender, request, user, **kwargs):
    # Signing in saves the session anyway: start the 12-hour clock and count it as the
    # latest renewal of the idle limit, so the next pages need not write the session.
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_TOUCHED_KEY] = now
