"""Sign-off, downloads and who sees what."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from outcomes.models import ReportStatus, ReportVersion
from ppe.access import Role
from ppe.models import AuditEvent
from tests.factories import ReportVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, version, number=None):
    return reverse(f"outcomes:{name}", args=[version.quarter, number or version.number])


def test_a_board_member_downloads_a_published_report_and_it_is_audited(board_client, board_user):
    version = ReportVersionFactory()
    response = board_client.get(url("report_download", version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment;" in response["Content-Disposition"]
        and f"-v{version.number}.pdf" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="download")
    assert (event.user, event.subject_type, event.subject_id) == (
        board_user,
        "outcomes.reportversion",
        str(version.pk),
    )


@pytest.mark.parametrize("name", ["report_download", "report_appendix"])
def test_a_board_member_asking_for_a_draft_gets_not_found_never_the_file(board_client, name):
    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    response = board_client.get(url(name, draft))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


@pytest.mark.parametrize("client_name", ["board_client", "ppi_client"])
def test_a_version_that_does_not_exist_is_not_found(request, client_name):
    client = request.getfixturevalue(client_name)
    version = ReportVersionFactory()
    assert client.get(url("report_download", version, number=version.number + 5)).status_code == 404
    assert client.get(reverse("outcomes:report_download", args=["2026-Q9", 1])).status_code == 404


def test_a_qi_lead_cannot_download_even_a_published_report(qi_client):
    assert qi_client.get(url("report_download", ReportVersionFactory())).status_code == 403


def test_the_ppi_team_can_download_a_draft_but_not_a_failed_run(ppi_client):
    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    assert ppi_client.get(url("report_download", draft)).status_code == 200
    failed = ReportVersion.objects.create(
        quarter=draft.quarter, number=draft.number + 1, status="failed", error="x"
    )
    assert ppi_client.get(url("report_download", failed)).status_code == 404


def test_board_members_see_only_published_reports_by_quarter(board_client):
    published = ReportVersionFactory()
    ReportVersionFactory(quarter=published.quarter, status=ReportStatus.DONE, published_at=None)
    page = board_client.get(reverse("outcomes:report_index")).content.decode()
    assert published.quarter_value.label in page
    assert page.count("/download/") == 1
    assert "Prepare a report" not in page and "All versions" not in page


def test_the_csv_appendix_comes_from_the_frozen_figures(ppi_client):
    version = ReportVersionFactory()
    version.figures["sections"][1].update(
        empty=False, figures=[{"key": "requests_received", "label": "Requests received", "value": 7}]
    )
    version.save()
    response = ppi_client.get(url("report_appendix", version))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Figure or table", "Row", "Measure", "Value"]
    assert ["Patient Involvement Requests", "Requests received", "", "value", "7"] in rows
    assert ["Exceptions", "", "", "", "Nothing this quarter."] in rows
    assert AuditEvent.objects.filter(action="download", detail="csv appendix").count() == 1


def test_text_in_the_csv_appendix_cannot_run_as_a_spreadsheet_formula(ppi_client):
    version = ReportVersionFactory()
    version.figures["sections"][1].update(
        empty=False,
        tables=[
            {
                "title": "Requests received by CMG",
                "columns": ["CMG", "Received"],
                "rows": [['=HYPERLINK("http://evil.example","x")', 3], ["@SUM(1)", -2]],
            }
        ],
    )
    version.save()
    rows = list(csv.reader(io.StringIO(ppi_client.get(url("report_appendix", version)).content.decode())))
    cells = [row[2] for row in rows if row[1] == "Requests received by CMG"]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'@SUM(1)" in cells
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)
    assert ["Patient Involvement Requests", "Requests received by CMG", "'@SUM(1)", "Received", "-2"] in rows


def test_publishing_a_draft_records_who_and_when_and_emails_the_board_a_link(
    ppi_client, ppi_user, board_user, django_capture_on_commit_callbacks
):
    UserFactory(username="board.two", role=Role.BOARD)
    UserFactory(username="not.board", role=Role.QI_LEAD)
    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = ppi_client.post(url("report_publish", draft), follow=True)
    assert "is published" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (ReportStatus.PUBLISHED, ppi_user)
    assert draft.published_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["board.member@example.nhs.uk", "board.two@example.nhs.uk"]
    message = mail.outbox[0]
    assert message.attachments == []
    assert "http://" in message.body and reverse("outcomes:report_index") in message.body


def test_the_published_pdf_says_published_on_its_cover_not_draft(
    ppi_client, board_client, tmp_path, django_capture_on_commit_callbacks
):
    from tests.outcomes.test_report_pdf import pdf_text

    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    draft_file = draft.file.name
    with django_capture_on_commit_callbacks(execute=True):
        ppi_client.post(url("report_publish", draft))
    draft.refresh_from_db()
    pdf = b"".join(board_client.get(url("report_download", draft)).streaming_content)
    cover = pdf_text(pdf, tmp_path).split("\f")[0]
    assert f"Published {draft.published_at:%-d %B %Y}" in cover
    assert "DRAFT" not in cover
    assert draft.file.name != draft_file and not draft.file.storage.exists(draft_file)


def test_the_publication_email_goes_once_even_if_the_task_runs_twice(board_user):
    from outcomes.tasks import email_board_report_published

    version = ReportVersionFactory()
    assert email_board_report_published.delay(version.pk).get() == 1
    assert email_board_report_published.delay(version.pk).get() == 0
    assert len(mail.outbox) == 1


def test_a_version_that_is_not_finished_cannot_be_published(ppi_client):
    queued = ReportVersion.objects.create(quarter="2025-Q4", number=1)
    response = ppi_client.post(url("report_publish", queued), follow=True)
    assert "Only a finished draft can be published; version 1 is queued." in response.content.decode()
    queued.refresh_from_db()
    assert queued.status == ReportStatus.QUEUED and not mail.outbox


def test_a_board_member_cannot_publish(board_client):
    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    assert board_client.post(url("report_publish", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DONE


def test_board_home_lists_published_reports_and_ppi_home_shows_the_latest_status(board_client, ppi_client):
    published = ReportVersionFactory()
    board_home = board_client.get(reverse("home")).content.decode()
    assert f"{published.quarter_value.label} report (version {published.number}, PDF)" in board_home
    ReportVersion.objects.create(quarter=published.quarter, number=published.number + 1)
    ppi_home = ppi_client.get(reverse("home")).content.decode()
    assert f"version {published.number + 1}" in ppi_home and "Queued" in ppi_home


def test_board_reports_are_in_the_header_for_ppi_and_board_only(board_client, ppi_client, qi_client):
    link = reverse("outcomes:report_index")
    assert link in board_client.get(reverse("home")).content.decode()
    assert link in ppi_client.get(reverse("home")).content.decode()
    assert link not in qi_client.get(reverse("home")).content.decode()


def test_the_preview_is_drawn_from_the_frozen_figures(ppi_client):
    draft = ReportVersionFactory(status=ReportStatus.DONE, published_at=None)
    draft.figures["sections"][-1].update(empty=False, message="", items=["Frozen exception line"])
    draft.save()
    page = ppi_client.get(url("report_status", draft)).content.decode()
    assert "Frozen exception line" in page
    assert "Publish to the Board" in page


@pytest.mark.parametrize("client_name", ["ppi_client", "board_client"])
def test_the_reports_page_runs_the_same_queries_for_few_or_many_versions(request, client_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = request.getfixturevalue(client_name)
    ReportVersionFactory.create_batch(2)
    client.get(reverse("outcomes:report_index"))  # warm the per-user caches (roles, policy)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("outcomes:report_index")).status_code == 200
    ReportVersionFactory.create_batch(12)
    ReportVersionFactory.create_batch(5, status=ReportStatus.DONE, published_at=None)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("outcomes:report_index")).content.decode().count("/download/") == 14
    assert len(few) == len(many)
