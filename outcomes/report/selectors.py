"""Reads for the Board report pages."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth import get_user_model
from django.http import Http404

from outcomes.models import ReportStatus, ReportVersion
from outcomes.report.quarters import Quarter, QuarterError
from ppe.access import Role, can


def _listed():
    # Lists never show the frozen figures, which run to hundreds of kilobytes a version.
    return ReportVersion.objects.defer("figures")


def published_reports() -> list[dict]:
    """Published versions grouped by quarter, newest quarter first."""
    versions = _listed().filter(status=ReportStatus.PUBLISHED).select_related("published_by")
    return [
        {"quarter": Quarter.parse(slug), "versions": list(group)}
        for slug, group in groupby(versions.order_by("-quarter", "-number"), key=lambda v: v.quarter)
    ]


def all_versions():
    return _listed().select_related("requested_by", "published_by").order_by("-quarter", "-number")


def latest_version() -> ReportVersion | None:
    return _listed().order_by("-requested_at", "-id").first()


def version_for(user, quarter: str, number: int, *, need_file: bool = False) -> ReportVersion:
    """The version a user may see, or 404: Board members see published versions only, so
    a draft is, to them, a report that does not exist."""
    try:
        Quarter.parse(quarter)
    except QuarterError as exc:
        raise Http404(str(exc)) from exc
    versions = ReportVersion.objects.select_related("requested_by", "published_by")
    if not can(user, "reports.generate"):
        versions = versions.filter(status=ReportStatus.PUBLISHED)
    if need_file:
        versions = versions.filter(status__in=[ReportStatus.DONE, ReportStatus.PUBLISHED])
    try:
        return versions.get(quarter=quarter, number=number)
    except ReportVersion.DoesNotExist as exc:
        raise Http404("There is no such report version.") from exc


def board_members():
    """Active users holding the Board role: the people told about a published report."""
    return get_user_model().objects.filter(is_active=True, groups__name=Role.BOARD.value).exclude(email="")
