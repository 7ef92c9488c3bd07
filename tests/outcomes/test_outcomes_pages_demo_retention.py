"""The outcomes page, the demo data, retention of evaluation comments, and the Board crawl."""

import datetime
import random
import subprocess

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from involvement_requests import demo as requests_demo
from involvement_requests.models import InvolvementRequest, Status
from outcomes import demo, selectors
from outcomes.models import (
    Activity,
    ActivityStatus,
    CaseStudy,
    CaseStudyStatus,
    EvaluationResponse,
    FeedbackUpdate,
    RequestOutcome,
    Suggestion,
)
from outcomes.report.quarters import Quarter
from people_bank import demo as people_demo
from people_bank.models import Person
from ppe import retention
from ppe.demo import create_demo_users
from tests.factories import ActivityFactory, EvaluationResponseFactory, PersonFactory, SuggestionFactory
from tests.ppe.test_board_crawl import crawl

pytestmark = pytest.mark.django_db
SIZES = {
    "people": 80,
    "organisations": 6,
    "conversations": 50,
    "requests": 60,
    "activities": 120,
    "suggestions": 300,
    "evaluations": 300,
}


def _seed_all():
    create_demo_users()
    people_demo.seed(rng=random.Random(3), sizes=SIZES, log=lambda line: None)
    requests_demo.seed(rng=random.Random(4), sizes=SIZES, log=lambda line: None)
    demo.seed(rng=random.Random(5), sizes=SIZES, log=lambda line: None)


def test_the_outcomes_page_shows_a_quarter_with_svg_charts_to_every_staff_role(
    ppi_client, qi_client, board_client
):
    quarter = Quarter.containing(timezone.localdate())
    ActivityFactory(held_on=quarter.start, people_reached=37)
    for client in (ppi_client, qi_client, board_client):
        page = client.get(reverse("outcomes:outcomes_page"), {"quarter": quarter.slug}).content.decode()
        assert f"Outcomes for {quarter.label}" in page
        assert page.count("<svg xmlns") == 3 and "People reached" in page
        assert ">37<" in page


def test_a_malformed_quarter_says_so_and_shows_the_current_one(ppi_client):
    page = ppi_client.get(reverse("outcomes:outcomes_page"), {"quarter": "<b>2026-Q9"}).content.decode()
    assert "is not a quarter" in page and "<b>2026-Q9" not in page
    assert Quarter.containing(timezone.localdate()).label in page


def test_demo_outcomes_are_realistic_and_keep_the_rules():
    _seed_all()
    assert Activity.objects.count() == 120
    assert Suggestion.objects.count() == 300 and EvaluationResponse.objects.count() == 300
    today = timezone.localdate()
    assert not Activity.objects.filter(status=ActivityStatus.HELD, held_on__gt=today).exists()
    assert Activity.objects.filter(status=ActivityStatus.PLANNED).exists()
    assert CaseStudy.objects.filter(status=CaseStudyStatus.PUBLISHED).exists()
    assert CaseStudy.objects.filter(status=CaseStudyStatus.DRAFT).exists()
    # Every closed request could have closed: outcomes recorded and feedback sent.
    for request in InvolvementRequest.objects.filter(status=Status.CLOSED):
        assert selectors.close_check(request) is None
    assert RequestOutcome.objects.count() == FeedbackUpdate.objects.filter(request__isnull=False).count()
    demo.seed(rng=random.Random(5), sizes=SIZES, log=lambda line: None)
    assert Activity.objects.count() == 120


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode, reason="no pdftotext"
)
def test_a_board_member_reaches_outcomes_and_case_studies_but_no_named_person():
    _seed_all()
    client = Client()
    client.force_login(User.objects.get(username="board"))
    pages = crawl(client)
    assert any(path.startswith("/outcomes/") for path in pages)
    assert any(path.startswith("/case-studies/") and path != "/case-studies/" for path in pages)
    staff_names = {u.get_full_name() for u in User.objects.all()}
    people = list(Person.objects.all())
    names = {f"{p.first_name} {p.last_name}" for p in people} - staff_names
    everything = "\n".join(pages.values())
    assert [n for n in names if n in everything] == []
    assert [p.email for p in people if p.email and p.email in everything] == []


def test_evaluation_comments_are_cleared_after_the_retention_period_and_scores_kept(settings):
    person = PersonFactory()
    old = EvaluationResponseFactory(
        person=person,
        comments="The room was cold.",
        heard=5,
        submitted_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    days = settings.RETENTION_DAYS["evaluation_free_text"]
    assert (
        retention.apply_all(now=timezone.now() + datetime.timedelta(days=days - 20))["evaluation comments"]
        == 0
    )
    result = retention.apply_all(now=timezone.now() + datetime.timedelta(days=days))
    assert result["evaluation comments"] == 1
    old.refresh_from_db()
    assert (old.comments, old.person, old.heard) == ("", None, 5)
    assert old.comments_cleared_at is not None


def test_the_ppi_dashboard_panel_counts_new_suggestions(ppi_client):
    SuggestionFactory()
    page = ppi_client.get("/").content.decode()
    assert "1 suggestion waiting to be investigated" in page


def test_a_qi_leads_home_lists_their_requests_waiting_for_outcomes(qi_client, qi_user, other_qi_user):
    from tests.factories import InvolvementRequestFactory

    own = InvolvementRequestFactory(
        submitted_by=qi_user, complete=True, status="evaluation", title="Own project"
    )
    InvolvementRequestFactory(
        submitted_by=other_qi_user, complete=True, status="evaluation", title="Their project"
    )
    page = qi_client.get("/").content.decode()
    assert f"{own.reference} Own project" in page and "Before closing the request" in page
    assert "Their project" not in page
