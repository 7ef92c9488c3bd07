import logging
import sys

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ppe import dashboard
from ppe.access import Role, primary_role, public, requires

log = logging.getLogger(__name__)

ROLE_HOME_TEMPLATES = {
    Role.PPI_TEAM: "home/ppi_team.html",
    Role.QI_LEAD: "home/qi_lead.html",
    Role.BOARD: "home/board.html",
}


@requires("dashboard.view")
def home(request):
    role = primary_role(request.user)
    return render(
        request,
        ROLE_HOME_TEMPLATES[role],
        {"role": role, "panels": dashboard.panels_for(role, request)},
    )


def _database_answers() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        connection.close_if_unusable_or_obsolete()
        return f"{type(exc).__name__}"
    return None


def _broker_answers() -> str | None:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}"
    return None


@public
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["broker"] = _broker_answers()
    failed = {name: why for name, why in checks.items() if why}
    body = {name: ("failed: " + why if why else "ok") for name, why in checks.items()}
    if not settings.REDIS_URL:
        body["broker"] = "not configured (tasks run in-process)"
    if not checks["database"]:
        from ppe.models import PendingTask

        body["tasks_waiting_for_broker"] = PendingTask.objects.count()
    return JsonResponse(body, status=503 if failed else 200)


def server_error(request):
    """A database that cannot be reached is an outage to wait out (503), not a bug (500).

    Rendered without the request: the context processors would ask the database again."""
    exc = sys.exc_info()[1]
    context = {"service_name": settings.SERVICE_NAME, "trust_name": settings.TRUST_NAME}
    if isinstance(exc, (OperationalError, InterfaceError)):
        log.error("database unavailable: %s", exc)
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html", context), status=500)


@requires("audit.view")
def audit_log(request):
    """The PPI team searches who looked at or changed what."""
    from ppe.filters import AuditEventFilter
    from ppe.models import AuditEvent
    from ppe.paging import page_without_count

    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    if not filterset.is_bound:
        events, status = AuditEvent.objects.all(), 200
    elif filterset.is_valid():
        events, status = filterset.qs, 200
    else:  # the form says what is wrong; no events are listed against filters it could not read
        events, status = AuditEvent.objects.none(), 400
    page = page_without_count(events.order_by("-at", "-id"), request.GET.get("page"))
    return render(request, "audit/log.html", {"filter": filterset, "page": page}, status=status)
