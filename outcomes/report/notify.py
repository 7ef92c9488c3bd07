from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ReportStatus, ReportVersion
from outcomes.report.selectors import board_members


def email_board_members(*, version_id: int) -> int:
    """Tell each Board member a report is published: a link, never the file."""
    claimed = ReportVersion.objects.filter(
        pk=version_id, status=ReportStatus.PUBLISHED, board_notified_at__isnull=True
    ).update(board_notified_at=timezone.now())
    if not claimed:
        return 0
    version = ReportVersion.objects.get(pk=version_id)
    context = {
        "version": version,
        "quarter": version.quarter_value,
        "link": settings.SITE_URL + reverse("outcomes:report_index"),
        "trust_name": settings.TRUST_NAME,
    }
    subject = f"Board PPI report for {version.quarter_value.label} is published"
    body = render_to_string("outcomes/report/email_published.txt", context)
    sent = 0
    for member in board_members():
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email])
    return sent
