"""Who may do what: the one place that decides.

Views declare the permission they need (`AccessMixin.permission` or `@requires(...)`),
templates ask `{% if user|can:"people.view" %}`, and object-level questions ("is this
request one of theirs?") are answered by each app's selectors, which take the user.
Nothing else looks at group names.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    PPI_TEAM = "PPI team"
    QI_LEAD = "QI lead"
    BOARD = "Board member"


PPI = frozenset({Role.PPI_TEAM})
STAFF = frozenset({Role.PPI_TEAM, Role.QI_LEAD, Role.BOARD})

# permission -> roles that hold it. Add a line here for every new kind of action.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard.view": STAFF,
    "people.view": PPI,
    "people.edit": PPI,
    "people.export": PPI,
    "equality.view": PPI,
    "reference.edit": PPI,
    "audit.view": PPI,
    "security.manage": PPI,
    "requests.submit": frozenset({Role.QI_LEAD, Role.PPI_TEAM}),
    "requests.view_own": frozenset({Role.QI_LEAD, Role.PPI_TEAM}),
    "requests.assess": PPI,
    "payments.manage": PPI,
    "outcomes.record": frozenset({Role.QI_LEAD, Role.PPI_TEAM}),
    "outcomes.manage": PPI,
    "case_studies.view_published": STAFF,
    # The outcomes framework's aggregates (no person's data): every staff role.
    "outcomes.view": STAFF,
    "reports.generate": PPI,
    "reports.view_published": frozenset({Role.BOARD, Role.PPI_TEAM}),
}


# Every signed-in request asks for the user's roles. They are kept in the cache, forgotten
# as soon as a membership or a group changes (ppe/signals.py), and at most this long.
ROLES_CACHE_SECONDS = 5 * 60


def roles_cache_key(user_id: int) -> str:
    return f"ppe:roles:{user_id}"


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ppe_roles", None)
    if cached is None:
        key = roles_cache_key(user.pk)
        names = cache.get(key)
        if names is None:
            names = frozenset(user.groups.values_list("name", flat=True))
            cache.set(key, names, timeout=ROLES_CACHE_SECONDS)
        cached = frozenset(role for role in Role if role.value in names)
        user._ppe_roles = cached
    return cached


def forget_roles(user_ids) -> None:
    cache.delete_many([roles_cache_key(user_id) for user_id in user_ids])


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def can(user, permission: str) -> bool:
    return allows(roles_of(user), permission, superuser=is_superuser(user))


def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def allows(roles: frozenset[Role], permission: str, *, superuser: bool = False) -> bool:
    """Whether these roles (or a superuser) hold the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: declare it in ppe.access.PERMISSIONS")
    return superuser or bool(roles & PERMISSIONS[permission])


def primary_role(user) -> Role | None:
    """The role whose home page a user lands on, the most privileged first."""
    held = roles_of(user)
    for role in (Role.PPI_TEAM, Role.QI_LEAD, Role.BOARD):
        if role in held:
            return role
    if getattr(user, "is_superuser", False):
        return Role.PPI_TEAM
    return None


def check(request, permission: str):
    """Return a response to send instead of the page, or None when the user may go on."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, permission):
        raise PermissionDenied
    return None


class AccessMixin:
    """For class-based views: set `permission` to a key of PERMISSIONS."""

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission:
            raise TypeError(f"{type(self).__name__} must declare a permission")
        refusal = check(request, self.permission)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


def requires(permission: str):
    """For function views: `@requires("people.view")`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check(request, permission)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public(view):
    """Mark a view as open to anyone without signing in; every other page needs a login."""
    return login_not_required(view)
