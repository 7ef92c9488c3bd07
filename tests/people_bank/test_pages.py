"""The PPI team's People Bank pages: what they show, what they refuse, and how many
queries they cost."""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people_bank.models import ConsentRecord, EqualityMonitoring, Person
from ppe.models import AuditEvent
from tests.factories import (
    ConversationFactory,
    HospitalImproverFactory,
    InterestFactory,
    OrganisationFactory,
    PatientPartnerFactory,
    PersonFactory,
    ServiceFactory,
)
from tests.people_bank.form_data import nhs_date

pytestmark = pytest.mark.django_db
LIST = reverse("people_bank:person_list")


def _queries(client, url) -> int:
    client.get(url)  # warm the per-user caches (roles, security policy)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _people(n: int) -> None:
    for _ in range(n):
        person = PatientPartnerFactory().person
        HospitalImproverFactory(person=person)
        ConversationFactory(person=person)


def test_the_people_list_costs_the_same_queries_for_5_rows_and_50(ppi_client):
    _people(5)
    few = _queries(ppi_client, LIST + "?q=e&role=partner&sort=-last_contact")
    _people(45)
    many = _queries(ppi_client, LIST + "?q=e&role=partner&sort=-last_contact")
    assert few == many


def test_a_person_page_costs_the_same_queries_however_long_their_history(ppi_client, ppi_user):
    partner = PatientPartnerFactory()
    url = reverse("people_bank:person_detail", args=[partner.person_id])
    ConversationFactory(person=partner.person, staff=ppi_user)
    few = _queries(ppi_client, url)
    for _ in range(20):
        ConversationFactory(person=partner.person, staff=ppi_user)
    assert _queries(ppi_client, url) == few


def test_the_organisation_list_costs_the_same_queries_for_5_rows_and_50(ppi_client, ppi_user):
    for _ in range(5):
        OrganisationFactory(owner=ppi_user)
    few = _queries(ppi_client, reverse("people_bank:organisation_list"))
    for _ in range(45):
        OrganisationFactory(owner=ppi_user)
    assert _queries(ppi_client, reverse("people_bank:organisation_list")) == few


def test_search_finds_people_by_name_email_or_postcode(ppi_client):
    PersonFactory(first_name="Aaliyah", last_name="Okafor", email="aa@example.com", postcode="LE2 7AB")
    PersonFactory(first_name="Bob", last_name="Smith")
    for term in ("okaf", "AALIYAH okafor", "le2 7ab", "aa@exam"):
        html = ppi_client.get(LIST, {"q": term}).content.decode()
        assert "Aaliyah Okafor" in html and "Bob Smith" not in html, term


def test_filters_by_role_service_interest_and_availability(ppi_client):
    service, interest = ServiceFactory(), InterestFactory()
    wanted = PatientPartnerFactory(
        person__first_name="Wanted", person__online=True, person__days="mon,tue"
    ).person
    wanted.services.add(service)
    wanted.interests.add(interest)
    PersonFactory(first_name="Other", online=True)
    query = {
        "role": "partner",
        "services": [service.pk],
        "interests": [interest.pk],
        "availability": "online",
        "day": "tue",
    }
    html = ppi_client.get(LIST, query).content.decode()
    assert "Wanted" in html and "Other" not in html


def test_no_contact_for_six_months_finds_the_quiet_and_the_never_contacted(ppi_client):
    PersonFactory(first_name="Never")
    PersonFactory(first_name="Quiet", last_contact_at=timezone.now() - datetime.timedelta(days=200))
    PersonFactory(first_name="Recent", last_contact_at=timezone.now() - datetime.timedelta(days=3))
    html = ppi_client.get(LIST, {"last_contact": "stale"}).content.decode()
    assert "Never" in html and "Quiet" in html and "Recent" not in html


def test_a_bad_filter_value_gets_a_400_not_a_500(ppi_client):
    assert ppi_client.get(LIST, {"status": "vanished"}).status_code == 400
    assert ppi_client.get(LIST, {"page": "many"}).status_code == 200


def test_the_list_pages_without_counting_every_row(ppi_client):
    from people_bank.views import PAGE_SIZE

    for i in range(PAGE_SIZE + 5):
        PersonFactory(last_name=f"Person{i:02d}")
    last = f"Person{PAGE_SIZE + 4:02d}"
    first = ppi_client.get(LIST).content.decode()
    assert "Next" in first and last not in first
    second = ppi_client.get(LIST, {"page": 2}).content.decode()
    assert last in second and "Previous" in second


def test_the_csv_export_never_holds_equality_data_and_defuses_formulas(ppi_client):
    person = PersonFactory(first_name="=HYPERLINK(1)", last_name="Patel")
    EqualityMonitoring.objects.create(person=person, religion="hindu")
    response = ppi_client.get(reverse("people_bank:person_export"))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert "hindu" not in body.lower() and "Hindu" not in body
    assert AuditEvent.objects.filter(action="export", detail="people list csv").exists()


def test_the_csv_export_follows_the_filters(ppi_client):
    PatientPartnerFactory(person__last_name="Partnered")
    PersonFactory(last_name="Plain")
    body = b"".join(
        ppi_client.get(reverse("people_bank:person_export"), {"role": "partner"}).streaming_content
    )
    assert b"Partnered" in body and b"Plain" not in body


def test_qi_leads_and_board_members_cannot_open_a_person(qi_client, board_client):
    url = reverse("people_bank:person_detail", args=[PersonFactory().pk])
    assert qi_client.get(url).status_code == 403
    assert board_client.get(url).status_code == 403


def test_qi_leads_cannot_post_equality_answers(qi_client):
    person = PersonFactory()
    response = qi_client.post(reverse("people_bank:equality", args=[person.pk]), {"religion": "sikh"})
    assert response.status_code == 403
    assert not EqualityMonitoring.objects.exists()


def test_viewing_and_changing_equality_answers_is_audited(ppi_client):
    person = PersonFactory()
    url = reverse("people_bank:equality", args=[person.pk])
    ppi_client.get(url)
    ppi_client.post(url, {"religion": "sikh", "ethnicity": "asian_indian"})
    assert EqualityMonitoring.objects.get(person=person).religion == "sikh"
    actions = set(AuditEvent.objects.filter(detail="equality").values_list("action", flat=True))
    assert actions == {"view", "change"}


def test_a_person_page_never_shows_equality_answers(ppi_client):
    person = PersonFactory()
    EqualityMonitoring.objects.create(person=person, religion="jewish")
    html = ppi_client.get(reverse("people_bank:person_detail", args=[person.pk])).content.decode()
    assert "Jewish" not in html


def test_adding_a_person_with_a_known_email_is_explained(ppi_client):
    PersonFactory(email="known@example.com")
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": "Known@Example.com",
        "preferred_contact": "email",
        "joined_on_0": "1",
        "joined_on_1": "2",
        "joined_on_2": "2024",
    }
    response = ppi_client.post(reverse("people_bank:person_create"), data)
    assert response.status_code == 400
    assert "already has this email address" in response.content.decode()
    assert Person.objects.count() == 1


def test_a_joined_date_in_the_future_is_refused(ppi_client):
    future = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": "a@example.com",
        "preferred_contact": "email",
        **nhs_date("joined_on", future),
    }
    response = ppi_client.post(reverse("people_bank:person_create"), data)
    assert response.status_code == 400 and "must be today or in the past" in response.content.decode()
    assert not Person.objects.exists()


def test_the_team_logs_a_conversation_and_sees_it_on_the_timeline(ppi_client):
    person = PersonFactory()
    today = timezone.localdate()
    data = {
        **nhs_date("happened_on", today),
        "channel": "phone",
        "summary": "Keen on the catering panel",
        "insight": "Menus hard to read",
    }
    response = ppi_client.post(reverse("people_bank:person_conversation_add", args=[person.pk]), data)
    assert response.status_code == 302
    html = ppi_client.get(reverse("people_bank:person_detail", args=[person.pk])).content.decode()
    assert "Keen on the catering panel" in html and "Menus hard to read" in html


def test_a_follow_up_date_without_a_follow_up_is_explained(ppi_client):
    person = PersonFactory()
    today = timezone.localdate()
    data = {
        **nhs_date("happened_on", today),
        "channel": "phone",
        "summary": "Hello",
        **nhs_date("follow_up_due", datetime.date(2030, 1, 1)),
    }
    response = ppi_client.post(reverse("people_bank:person_conversation_add", args=[person.pk]), data)
    assert response.status_code == 400 and "Enter what the follow-up is" in response.content.decode()


def test_withdrawing_consent_on_the_consent_page_stops_invitations(ppi_client):
    person = PersonFactory(can_be_invited=True)
    data = {"kind": "invitations", "given": "no", "method": "phone"}
    assert ppi_client.post(reverse("people_bank:consent", args=[person.pk]), data).status_code == 302
    person.refresh_from_db()
    assert person.can_be_invited is False
    assert ConsentRecord.objects.get(person=person).recorded_by is not None


def test_subject_access_export_holds_everything_and_is_audited(ppi_client):
    person = PersonFactory(first_name="Hui")
    ConversationFactory(person=person, summary="Talked about the ward")
    EqualityMonitoring.objects.create(person=person, carer="yes")
    data = json.loads(ppi_client.get(reverse("people_bank:subject_access_json", args=[person.pk])).content)
    assert data["person"]["first_name"] == "Hui"
    assert data["conversations"][0]["summary"] == "Talked about the ward"
    assert data["equality_monitoring"]["carer"] == "Yes"
    page = ppi_client.get(reverse("people_bank:subject_access", args=[person.pk])).content.decode()
    assert "Talked about the ward" in page
    assert AuditEvent.objects.filter(action="export", subject_id=str(person.pk)).count() == 2


def test_erasing_from_the_page_says_what_is_kept_and_anonymises(ppi_client):
    person = PersonFactory(first_name="Siobhan")
    url = reverse("people_bank:person_erase", args=[person.pk])
    assert "payment records" in ppi_client.get(url).content.decode()
    ppi_client.post(url)
    person.refresh_from_db()
    assert person.erased_at and person.first_name == "Erased"


def _csv(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode(encoding), content_type="text/csv")


def test_importing_a_good_csv_adds_everyone(ppi_client):
    service = ServiceFactory(name="Cardiology")
    text = (
        "first_name,last_name,joined_on,email,services\n"
        "Ada,Obi,2024-01-02,ada@example.com,Cardiology\n"
        "Ben,Ng,2024-03-04,ben@example.com,\n"
    )
    response = ppi_client.post(reverse("people_bank:person_import"), {"file": _csv(text)})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert list(Person.objects.get(email="ada@example.com").services.all()) == [service]


def test_a_csv_with_missing_columns_imports_nothing_and_says_which(ppi_client):
    response = ppi_client.post(
        reverse("people_bank:person_import"), {"file": _csv("first_name,email\nAda,a@example.com\n")}
    )
    assert response.status_code == 400
    assert "missing the column(s): last_name, joined_on" in response.content.decode()
    assert not Person.objects.exists()


def test_a_csv_in_the_wrong_encoding_is_explained(ppi_client):
    text = "first_name,last_name,joined_on\nZoë,Brontë,2024-01-01\n"
    response = ppi_client.post(reverse("people_bank:person_import"), {"file": _csv(text, "cp1252")})
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Person.objects.exists()


def test_one_bad_row_means_nothing_is_imported_and_each_reason_is_listed(ppi_client):
    PersonFactory(email="taken@example.com")
    text = (
        "first_name,last_name,joined_on,email,phone,preferred_contact\n"
        "Good,Row,2024-01-01,good@example.com,,email\n"
        "Bad,Date,01/02/2024,bad@example.com,,email\n"
        "Dup,One,2024-01-01,twice@example.com,,email\n"
        "Dup,Two,2024-01-01,twice@example.com,,email\n"
        "Known,Email,2024-01-01,taken@example.com,,email\n"
        "Text,Me,2024-01-01,t@example.com,,phone\n"
        "Future,Join,2999-01-01,f@example.com,,email\n"
    )
    response = ppi_client.post(reverse("people_bank:person_import"), {"file": _csv(text)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "is not a date like 2024-03-31" in html
    assert "the same email as row 4" in html
    assert "already has this email" in html
    assert "preferred contact is phone but there is no phone number" in html
    assert "joined on is in the future" in html
    assert Person.objects.count() == 1  # only the one that was there before


def test_the_dashboard_shows_reviews_due_and_my_overdue_follow_ups(ppi_client, ppi_user):
    ConversationFactory(
        staff=ppi_user,
        follow_up="Ring back about parking",
        follow_up_due=timezone.localdate() - datetime.timedelta(days=2),
    )
    html = ppi_client.get(reverse("home")).content.decode()
    assert "People Bank" in html and "Ring back about parking" in html


def test_reviews_due_come_soonest_first_fifty_to_a_page(ppi_client):
    from tests.factories import PatientPartnerFactory

    today = timezone.localdate()
    for n in range(52):  # reviews due in 1..52 days, tenure ends well beyond 90 days
        PatientPartnerFactory(
            person__last_name=f"Partner{n:02d}",
            started_on=today - datetime.timedelta(days=3 * 365 - 1 - n),
            review_due_on=today + datetime.timedelta(days=1 + n),
            tenure_ends_on=today + datetime.timedelta(days=400),
        )
    first = ppi_client.get(reverse("people_bank:due")).content.decode()
    assert "52 due. Showing 1 to 50" in first
    assert first.index("Partner00") < first.index("Partner49") and "Partner50" not in first
    assert 'href="?page=2"' in first
    second = ppi_client.get(reverse("people_bank:due"), {"page": "2"}).content.decode()
    assert "Showing 51 to 52" in second and "Partner51" in second and "Partner00" not in second
    assert ppi_client.get(reverse("people_bank:due"), {"page": "x"}).status_code == 200


def test_the_home_panel_counts_change_at_once_when_a_sign_up_is_confirmed_or_erased(ppi_client, ppi_user):
    from people_bank import services

    first, second = HospitalImproverFactory(), HospitalImproverFactory()
    PatientPartnerFactory(review_due_on=timezone.localdate() + datetime.timedelta(days=10))
    page = ppi_client.get("/").content.decode()  # the counts are now kept
    assert "2 Hospital Improver sign-ups to confirm" in page
    assert "1 review or tenure end in the next 90 days" in page
    services.improver_confirm(improver=first, by=ppi_user)
    assert "1 Hospital Improver sign-up to confirm" in ppi_client.get("/").content.decode()
    services.person_erase(person=second.person, by=ppi_user)
    assert "0 Hospital Improver sign-ups to confirm" in ppi_client.get("/").content.decode()
    PatientPartnerFactory(tenure_ends_on=timezone.localdate() + datetime.timedelta(days=20))
    assert "2 reviews or tenure ends in the next 90 days" in ppi_client.get("/").content.decode()


@pytest.mark.parametrize("url_name", ["people_bank:person_list", "people_bank:due", "audit_log"])
def test_a_page_number_too_large_for_the_database_is_an_empty_page_not_an_error(ppi_client, url_name):
    response = ppi_client.get(reverse(url_name), {"page": "9" * 30})
    assert response.status_code == 200


def test_the_dashboard_links_each_reminder_and_follow_up_with_its_date(ppi_client, ppi_user):
    from people_bank.models import TenureReminder
    from tests.factories import OrganisationFactory, PatientPartnerFactory

    due = datetime.date(2030, 3, 4)
    partner = PatientPartnerFactory(
        person__first_name="Ada", person__preferred_name="", person__last_name="Byrne"
    )
    TenureReminder.objects.create(partner=partner, kind="tenure_end", due_on=due, days_before=30)
    person_call = ConversationFactory(
        staff=ppi_user,
        follow_up="Send the minutes",
        follow_up_due=timezone.localdate() - datetime.timedelta(days=2),
    )
    organisation = OrganisationFactory(name="Carers Together")
    organisation_call = ConversationFactory(
        staff=ppi_user,
        person=None,
        organisation=organisation,
        follow_up="Book the hall",
        follow_up_due=datetime.date(2020, 1, 7),
    )

    html = ppi_client.get(reverse("home")).content.decode()

    person_link = reverse("people_bank:person_detail", args=[partner.person_id])
    assert f'<a href="{person_link}">Ada Byrne</a>: tenure ends on 4 Mar 2030' in html
    organisation_link = reverse("people_bank:organisation_detail", args=[organisation.pk])
    assert f'<a href="{organisation_link}">Carers Together</a>: Book the hall (due 7 Jan 2020)' in html
    for call in (person_call, organisation_call):
        assert f'action="{reverse("people_bank:follow_up_done", args=[call.pk])}"' in html
