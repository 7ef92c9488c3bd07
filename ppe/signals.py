import time

from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from ppe import audit
from ppe.access import forget_roles
from ppe.cache import forget_now_and_on_commit
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


# Roles are cached per user (ppe.access.roles_of): any change to who is in which group, or
# to a group itself, forgets the roles of everyone it touches, now and again once the change
# is committed (so that a request reading the old rows meanwhile cannot keep them).
def _forget_now_and_on_commit(user_ids) -> None:
    user_ids = list(user_ids)
    if user_ids:
        forget_now_and_on_commit(lambda: forget_roles(user_ids))


@receiver(m2m_changed, sender=User.groups.through)
def forget_roles_on_membership_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # Emptying a group: its members are known only before the rows go.
        instance._ppe_members_before_clear = list(instance.user_set.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _forget_now_and_on_commit([instance.pk])
    elif action == "post_clear":
        _forget_now_and_on_commit(getattr(instance, "_ppe_members_before_clear", []))
    else:
        _forget_now_and_on_commit(pk_set or [])


@receiver(pre_delete, sender=Group)
def remember_members_of_a_group_going(sender, instance, **kwargs):
    instance._ppe_members_before_delete = list(instance.user_set.values_list("pk", flat=True))


@receiver(post_delete, sender=Group)
def forget_roles_of_a_deleted_group(sender, instance, **kwargs):
    _forget_now_and_on_commit(getattr(instance, "_ppe_members_before_delete", []))


@receiver(post_save, sender=Group)
def forget_roles_of_a_renamed_group(sender, instance, created, **kwargs):
    if not created:
        _forget_now_and_on_commit(instance.user_set.values_list("pk", flat=True))
