"""Queries do not grow with data: every list page runs the same number of SQL queries
for 5 rows as for 50 (each row made as rich as the page shows it: roles, services,
interests, conversations, history)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppe import audit
from tests import factories as f

pytestmark = pytest.mark.django_db


def _people(n, ctx):
    service, interest = f.ServiceFactory(), f.InterestFactory()
    for _ in range(n):
        person = f.PersonFactory()
        person.services.add(service)
        person.interests.add(interest)
        f.PatientPartnerFactory(person=person)
        f.HospitalImproverFactory(person=person)
        f.ConversationFactory(person=person, staff=ctx["ppi"])


def _organisations(n, ctx):
    for _ in range(n):
        organisation = f.OrganisationFactory()
        f.ConversationFactory(person=None, organisation=organisation, staff=ctx["ppi"])


def _rounds(n, ctx):
    for _ in range(n):
        f.ApplicationFactory(round=f.RecruitmentRoundFactory())


def _requests(n, ctx):
    from involvement_requests.models import Status

    f.default_ladder()
    cmg, priority = f.ClinicalManagementGroupFactory(), f.QualityPriorityFactory()
    for i in range(n):
        f.InvolvementRequestFactory(
            complete=True,
            status=[Status.SUBMITTED, Status.ACCEPTED, Status.IN_ASSESSMENT][i % 3],
            submitted_by=ctx["qi"],
            cmg=cmg,
            priority=priority,
            open_to_public=True,
        )


def _audit_events(n, ctx):
    for _ in range(n):
        person = f.PersonFactory()
        audit.record(None, "view", person, user=ctx["ppi"])


def _reports(n, ctx):
    from outcomes.models import ReportVersion
    from outcomes.report.quarters import Quarter

    start = ReportVersion.objects.count()
    for i in range(start, start + n):
        f.ReportVersionFactory(quarter=Quarter(2015 + i // 4, i % 4 + 1).slug, number=1)


def _activities(n, ctx):
    f.default_ladder()
    organisation = f.OrganisationFactory()
    for _ in range(n):
        activity = f.ActivityFactory()
        activity.attendees.add(f.PersonFactory())
        activity.organisations.add(organisation)
        f.SuggestionFactory(activity=activity)
        f.EvaluationResponseFactory(activity=activity)


def _suggestions(n, ctx):
    f.default_ladder()
    for _ in range(n):
        f.SuggestionFactory()


def _case_studies(n, ctx):
    f.default_ladder()
    for _ in range(n):
        f.CaseStudyFactory(status="published", request__submitted_by=ctx["qi"])


def _claims(n, ctx):
    for _ in range(n):
        f.ExpenseClaimFactory(recorded_by=ctx["ppi"])


def _sessions(n, ctx):
    for _ in range(n):
        f.PaymentSessionFactory(recorded_by=ctx["ppi"])


LIST_PAGES = [
    ("outcomes:activity_list", "ppi", _activities),
    ("outcomes:suggestion_list", "ppi", _suggestions),
    ("outcomes:case_study_list", "board", _case_studies),
    ("people_bank:payments:claim_list", "ppi", _claims),
    ("people_bank:payments:index", "ppi", _sessions),
    ("people_bank:person_list", "ppi", _people),
    ("people_bank:organisation_list", "ppi", _organisations),
    ("people_bank:round_list", "ppi", _rounds),
    ("people_bank:due", "ppi", lambda n, ctx: [f.PatientPartnerFactory() for _ in range(n)]),
    ("involvement_requests:queue", "ppi", _requests),
    ("involvement_requests:list", "qi", _requests),
    ("involvement_requests:bulletin", "ppi", _requests),
    ("audit_log", "ppi", _audit_events),
    ("outcomes:report_index", "ppi", _reports),
]


@pytest.mark.parametrize(("url_name", "role", "make"), LIST_PAGES, ids=[page[0] for page in LIST_PAGES])
def test_a_list_page_runs_the_same_queries_for_5_rows_as_for_50(url_name, role, make, role_users, client):
    client.force_login(role_users[role])
    url = reverse(url_name)
    make(5, role_users)
    client.get(url)  # warm per-process caches (content types, site settings)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    make(45, role_users)
    client.get(url)  # and again: new rows make the kept counts (queue tabs) be worked out afresh
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(fifty) == len(five), [q["sql"][:120] for q in fifty.captured_queries]
