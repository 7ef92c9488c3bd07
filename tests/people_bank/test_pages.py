"""The PPI team's People Bank pages: what they show, what they refuse, and how many
queries they cost."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people_bank.models import (
    AccessNeed,
    Agreement,
    ConsentRecord,
    EqualityMonitoring,
    OrganisationContact,
    Person,
    TrainingRecord,
)
from ppe.models import AuditEvent
from tests.factories import (
    ClinicalManagementGroupFactory,
    ConversationFactory,
    HospitalImproverFactory,
    InterestFactory,
    OrganisationFactory,
    PatientPartnerFactory,
    PersonFactory,
    ServiceFactory,
    UserFactory,
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


def test_a_person_page_lists_services_issues_needs_and_training_in_their_order(ppi_client):
    partner = PatientPartnerFactory()
    person = partner.person
    heart, eyes = ClinicalManagementGroupFactory(name="Heart"), ClinicalManagementGroupFactory(name="Eyes")
    person.services.add(
        ServiceFactory(name="Vascular", cmg=heart),
        ServiceFactory(name="Cardiology", cmg=heart),
        ServiceFactory(name="Retina", cmg=eyes),
    )
    person.interests.add(InterestFactory(name="Parking"), InterestFactory(name="Food"))
    person.access_needs.add(
        AccessNeed.objects.create(name="Step-free access"), AccessNeed.objects.create(name="BSL")
    )
    TrainingRecord.objects.create(partner=partner, course="Induction", completed_on=datetime.date(2025, 1, 6))
    TrainingRecord.objects.create(
        partner=partner,
        course="Safeguarding",
        completed_on=datetime.date(2025, 3, 2),
        expires_on=datetime.date(2028, 3, 2),
    )
    someone_else = PatientPartnerFactory()
    someone_else.person.interests.add(InterestFactory(name="Noise"))
    TrainingRecord.objects.create(
        partner=someone_else, course="Chairing", completed_on=datetime.date(2025, 2, 1)
    )
    for channels in ("phone", "email,post"):  # the latest statement is the one shown
        ConsentRecord.objects.create(
            person=person, kind="invitations", given=True, channels=channels, method="phone"
        )

    html = ppi_client.get(reverse("people_bank:person_detail", args=[person.pk])).content.decode()

    assert "Retina (Eyes)<br>Cardiology (Heart)<br>Vascular (Heart)" in html
    assert ">Food, Parking<" in html and ">BSL, Step-free access<" in html
    assert html.index("Safeguarding") < html.index("Induction") and "Chairing" not in html
    assert '2 Mar 2025</td><td class="nhsuk-table__cell">2 Mar 2028' in html and "Does not expire" in html
    assert "Yes, by email, post<" in html and "Noise" not in html


def test_a_person_with_no_lists_or_consent_has_none_recorded(ppi_client):
    person = PersonFactory(can_be_invited=True)
    html = ppi_client.get(reverse("people_bank:person_detail", args=[person.pk])).content.decode()
    assert html.count("None recorded") == 3 and ">Yes<" in html and "Training" not in html
    assert AuditEvent.objects.filter(action="view", subject_id=str(person.pk)).exists()


def test_an_organisation_page_shows_its_contacts_agreements_and_conversations(ppi_client, ppi_user):
    organisation = OrganisationFactory(owner=None, is_lobby=True)
    for name in ("Zara Khan", "Adam Lee"):
        OrganisationContact.objects.create(organisation=organisation, name=name, role="Chair")
    for title, year in (("Old MoU", 2023), ("New MoU", 2025)):
        Agreement.objects.create(organisation=organisation, title=title, starts_on=datetime.date(year, 4, 1))
    erased = PersonFactory(first_name="Gone", erased_at=timezone.now())
    ConversationFactory(
        organisation=organisation, person=erased, staff=ppi_user, channel="phone", summary="A\nB"
    )
    ConversationFactory(organisation=organisation, person=None, staff=ppi_user, follow_up="Call back")
    ConversationFactory(organisation=OrganisationFactory(), summary="Another organisation's")

    html = ppi_client.get(reverse("people_bank:organisation_detail", args=[organisation.pk])).content.decode()

    assert html.index("Adam Lee") < html.index("Zara Khan")
    assert html.index("New MoU: from 1 Apr 2025") < html.index("Old MoU: from 1 Apr 2023")
    assert "Phone conversation with Erased person" in html and "Gone" not in html
    assert f" · {ppi_user.get_full_name() or ppi_user.username}</p>" in html
    assert '<p class="nhsuk-body">A<br>B</p>' in html
    assert "<strong>Follow-up:</strong> Call back</p>" in html and "Another organisation" not in html
    assert ">Lobby<" in html


def test_the_organisation_list_costs_the_same_queries_for_5_rows_and_50(ppi_client, ppi_user):
    for _ in range(5):
        OrganisationFactory(owner=ppi_user)
    few = _queries(ppi_client, reverse("people_bank:organisation_list"))
    for _ in range(45):
        OrganisationFactory(owner=ppi_user)
    assert _queries(ppi_client, reverse("people_bank:organisation_list")) == few


def test_the_people_list_tags_each_role_and_names_people_as_they_prefer(ppi_client):
    both = PatientPartnerFactory(
        person__first_name="Robert", person__preferred_name="Bob", person__last_name="Ash"
    )
    HospitalImproverFactory(person=both.person, confirmed_at=timezone.now(), confirmed_by=UserFactory())
    HospitalImproverFactory(person__first_name="Cai", person__last_name="Birch")
    html = ppi_client.get(LIST, {"sort": "name"}).content.decode()
    ash, birch = html[html.index("Bob Ash") :], html[html.index("Cai Birch") :]
    assert ash.index("Patient Partner") < ash.index(">Hospital Improver<") < ash.index("Cai Birch")
    assert (
        "Hospital Improver (to confirm)" in birch and "Patient Partner" not in birch[: birch.index("</tr>")]
    )


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


def test_a_search_lists_its_matches_in_name_order_with_their_roles_on_every_page(ppi_client):
    from people_bank.views import PAGE_SIZE

    roles = {}
    for i in range(PAGE_SIZE + 5):
        person = PersonFactory(first_name=f"Ann{i:02d}", last_name="Patel" if i % 2 else "PATEL")
        if i % 3 == 0:
            PatientPartnerFactory(person=person)
            roles[person.first_name] = "Patient Partner"
        elif i % 3 == 1:
            HospitalImproverFactory(person=person)
            roles[person.first_name] = "Hospital Improver (to confirm)"
        else:
            roles[person.first_name] = None
    PersonFactory(first_name="Zed", last_name="Other")
    pages = [ppi_client.get(LIST, {"q": "pat", "page": n}).content.decode() for n in (1, 2)]
    rows = [row for html in pages for row in html.split("<tr")[2:]]
    names = [re.search(r"Ann\d\d", row).group() for row in rows]
    assert names == sorted(roles)  # Patel and PATEL sorted as one name, then by first name
    for name, row in zip(names, rows, strict=True):
        role = roles[name]
        assert (role in row) if role else ("Patient Partner" not in row and "Improver" not in row), name


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


def test_the_dashboards_follow_ups_are_each_owners_own_and_go_when_done(ppi_client, ppi_user, qi_user):
    from tests.factories import OrganisationFactory

    late = timezone.localdate() - datetime.timedelta(days=3)
    mine = ConversationFactory(staff=ppi_user, follow_up="Send the leaflet", follow_up_due=late)
    ConversationFactory(
        staff=ppi_user,
        person=None,
        organisation=OrganisationFactory(name="Carers Centre"),
        follow_up="Book the room",
        follow_up_due=late,
    )
    ConversationFactory(staff=qi_user, follow_up="Someone else's call", follow_up_due=late)
    ConversationFactory(staff=ppi_user, follow_up="Not yet due", follow_up_due=timezone.localdate())
    html = ppi_client.get(reverse("home")).content.decode()
    assert "Send the leaflet" in html and mine.person.display_name in html
    assert "Book the room" in html and "Carers Centre" in html
    assert "Someone else's call" not in html and "Not yet due" not in html
    ppi_client.post(reverse("people_bank:follow_up_done", args=[mine.pk]), {"next": "/"})
    html = ppi_client.get(reverse("home")).content.decode()
    assert "Send the leaflet" not in html and "Book the room" in html


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


def test_the_number_due_changes_at_once_when_a_partner_is_reviewed_added_or_erased(ppi_client, ppi_user):
    from people_bank import services

    today = timezone.localdate()
    first, second = (PatientPartnerFactory(review_due_on=today + datetime.timedelta(days=d)) for d in (5, 9))
    url = reverse("people_bank:due")
    assert "2 due." in ppi_client.get(url).content.decode()  # the count is now kept
    services.partner_record_review(partner=first, outcome="satisfactory", reviewed_on=today, by=ppi_user)
    assert "1 due." in ppi_client.get(url).content.decode()
    PatientPartnerFactory(tenure_ends_on=today + datetime.timedelta(days=20))
    assert "2 due." in ppi_client.get(url).content.decode()
    services.person_erase(person=second.person, by=ppi_user)
    assert "1 due." in ppi_client.get(url).content.decode()


def test_the_representation_page_follows_new_answers_erasures_and_reference_shares(ppi_client, ppi_user):
    from people_bank import services

    def sex_row(label: str) -> str:
        html = ppi_client.get(reverse("people_bank:representation")).content.decode()
        row = html[html.index(f'<th scope="row" class="nhsuk-table__header">{label}</th>') :]
        return re.sub(r"<[^>]+>", " ", row[: row.index("</tr>")]).split()[1:]

    first, second = PersonFactory(), PersonFactory()
    services.equality_save(person=first, answers={"sex": "female"}, by=ppi_user)
    assert sex_row("Female") == ["1", "100.0%", "–"]  # now kept
    services.equality_save(person=second, answers={"sex": "male"}, by=ppi_user)
    assert sex_row("Female") == ["1", "50.0%", "–"]
    ppi_client.post(
        reverse("people_bank:reference_edit"),
        {"characteristic": "sex", "category": "female", "percent": "70"},
    )
    assert sex_row("Female") == ["1", "50.0%", "70.00%", "Under-represented"]
    services.person_erase(person=second, by=ppi_user)
    assert sex_row("Female") == ["1", "100.0%", "70.00%"]


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
