"""Every write in the People Bank that matters: `<entity>_<action>(*, ..., by)`."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from people_bank import rules
from people_bank.models import (
    Application,
    ApplicationStatusChange,
    ConsentRecord,
    ContactMethod,
    Conversation,
    EqualityMonitoring,
    HospitalImprover,
    Interest,
    Organisation,
    PatientPartner,
    Person,
    PersonStatusChange,
    Service,
    TenureReminder,
)
from people_bank.validation import normalise_phone, normalise_postcode
from ppe import audit, counts


class PeopleBankError(Exception):
    """A domain rule said no; the message is for the user."""


# --- People ---------------------------------------------------------------------------------

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "phone",
    "postcode",
    "preferred_contact",
    "access_notes",
    "joined_on",
    "online",
    "face_to_face",
    "days",
)


@transaction.atomic
def person_create(*, by, services=(), interests=(), access_needs=(), **values) -> Person:
    person = Person(status=Person.Status.ACTIVE, **_person_values(values))
    _save_person(person)
    person.services.set(services)
    person.interests.set(interests)
    person.access_needs.set(access_needs)
    PersonStatusChange.objects.create(
        person=person, to_status=person.status, by=by, note="Added to the People Bank"
    )
    audit.record(None, "create", person, user=by)
    return person


@transaction.atomic
def person_update(
    *, person: Person, by, services=None, interests=None, access_needs=None, **values
) -> Person:
    for name, value in _person_values(values).items():
        setattr(person, name, value)
    _save_person(person)
    if services is not None:
        person.services.set(services)
    if interests is not None:
        person.interests.set(interests)
    if access_needs is not None:
        person.access_needs.set(access_needs)
    audit.record(None, "change", person, user=by)
    return person


def _person_values(values: dict) -> dict:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not person fields: {sorted(unknown)}")
    if "email" in values:
        values["email"] = (values["email"] or "").strip().lower()
    if isinstance(values.get("days"), (list, tuple)):
        values["days"] = ",".join(values["days"])
    return values


def _save_person(person: Person) -> None:
    """Save, turning the database's refusal of a second person with an email into a
    message (two people typing at once must not both get in)."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        if "email" in str(exc).lower() or "person_email_unique_ci" in str(exc):
            raise PeopleBankError("Someone in the People Bank already has this email address.") from exc
        raise


# Who may move from which status to which: any move is allowed but to the same status.
STATUS_ALLOWED = {
    Person.Status.ACTIVE: {Person.Status.PAUSED, Person.Status.LEFT},
    Person.Status.PAUSED: {Person.Status.ACTIVE, Person.Status.LEFT},
    Person.Status.LEFT: {Person.Status.ACTIVE},
}


@transaction.atomic
def person_change_status(*, person: Person, to: str, by, note: str = "") -> Person:
    current = person.status
    if to not in STATUS_ALLOWED.get(current, set()):
        raise PeopleBankError(
            f"A person who is {person.get_status_display().lower()} cannot be moved to {to}."
        )
    moved = Person.objects.filter(pk=person.pk, status=current).update(status=to, updated_at=timezone.now())
    if not moved:
        raise PeopleBankError("Someone else changed this person's status first. Check it and try again.")
    PersonStatusChange.objects.create(person=person, from_status=current, to_status=to, by=by, note=note)
    person.status = to
    return person


# --- Consent --------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *, person: Person, kind: str, given: bool, method: str, by=None, channels=(), note: str = ""
) -> ConsentRecord:
    """Append a consent statement. Consent to be invited is mirrored on the person at once,
    so every list and match that reads `can_be_invited` honours a withdrawal immediately."""
    record = ConsentRecord.objects.create(
        person=person,
        kind=kind,
        given=given,
        method=method,
        channels=",".join(channels) if given else "",
        recorded_by=by,
        note=note,
    )
    if kind == ConsentRecord.Kind.INVITATIONS:
        Person.objects.filter(pk=person.pk).update(can_be_invited=given)
        person.can_be_invited = given
    return record


# --- Relationship log -----------------------------------------------------------------------


@transaction.atomic
def conversation_log(
    *,
    staff,
    happened_at: datetime.datetime,
    channel: str,
    summary: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    insight: str = "",
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
    involvement_request_id_ref: int | None = None,
) -> Conversation:
    if person is None and organisation is None:
        raise PeopleBankError("Choose a person or an organisation the conversation was with.")
    if happened_at > timezone.now() + datetime.timedelta(minutes=5):
        raise PeopleBankError("A conversation cannot be logged in the future.")
    conversation = Conversation.objects.create(
        staff=staff,
        happened_at=happened_at,
        channel=channel,
        summary=summary,
        person=person,
        organisation=organisation,
        insight=insight,
        follow_up=follow_up,
        follow_up_due=follow_up_due,
        involvement_request_id_ref=involvement_request_id_ref,
    )
    # Only move "last contact" forward: an old conversation logged late changes nothing.
    later = Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=happened_at)
    if person is not None:
        Person.objects.filter(later, pk=person.pk).update(last_contact_at=happened_at)
    if organisation is not None:
        Organisation.objects.filter(later, pk=organisation.pk).update(last_contact_at=happened_at)
    return conversation


def follow_up_done(*, conversation: Conversation, by) -> None:
    Conversation.objects.filter(pk=conversation.pk, follow_up_done_at__isnull=True).update(
        follow_up_done_at=timezone.now()
    )


# --- Patient Partners -----------------------------------------------------------------------


@transaction.atomic
def partner_appoint(*, person: Person, started_on: datetime.date, by) -> PatientPartner:
    if PatientPartner.objects.filter(person=person).exists():
        raise PeopleBankError("This person is already a Patient Partner.")
    partner = PatientPartner.objects.create(
        person=person,
        started_on=started_on,
        review_due_on=rules.review_due(started_on),
        tenure_ends_on=rules.tenure_end(started_on, None),
    )
    audit.record(None, "create", partner, user=by)
    return partner


@transaction.atomic
def partner_record_review(
    *, partner: PatientPartner, outcome: str, reviewed_on: datetime.date, by
) -> PatientPartner:
    if reviewed_on < partner.started_on:
        raise PeopleBankError("The review cannot be before the Patient Partner started.")
    if reviewed_on > timezone.localdate():
        raise PeopleBankError("The review date cannot be in the future.")
    partner.review_outcome = outcome
    partner.reviewed_on = reviewed_on
    partner.tenure_ends_on = rules.tenure_end(partner.started_on, outcome)
    partner.save(update_fields=["review_outcome", "reviewed_on", "tenure_ends_on"])
    audit.record(None, "change", partner, user=by, detail="review")
    return partner


# --- Hospital Improvers ---------------------------------------------------------------------


@dataclass
class ImproverSignUp:
    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    preferred_contact: str
    last_service_use_on: datetime.date
    services: list = field(default_factory=list)
    interests: list = field(default_factory=list)
    online: bool = False
    face_to_face: bool = False
    invitation_channels: list = field(default_factory=list)
    equality: dict | None = None


@transaction.atomic
def improver_sign_up(*, sign_up: ImproverSignUp, online: bool = True, by=None) -> Person:
    """A Hospital Improver signs up (or staff enter a paper form). The same email address
    joins the existing person - never a second one - and what they tell us is added to it.

    The sign-up waits for a PPI team member to confirm it."""
    today = timezone.localdate()
    if not rules.service_use_recent_enough(sign_up.last_service_use_on, today):
        raise PeopleBankError("Hospital Improvers need to have used a Trust service in the last 18 months.")
    email = sign_up.email.strip().lower()
    person = Person.objects.select_for_update().filter(email__iexact=email).first() if email else None
    method = ConsentRecord.Method.ONLINE if online else ConsentRecord.Method.PAPER
    if person is None:
        person = Person(
            first_name=sign_up.first_name,
            last_name=sign_up.last_name,
            email=email,
            phone=sign_up.phone,
            postcode=sign_up.postcode,
            preferred_contact=sign_up.preferred_contact,
            joined_on=today,
            online=sign_up.online,
            face_to_face=sign_up.face_to_face,
        )
        _save_person(person)
        PersonStatusChange.objects.create(
            person=person, to_status=person.status, by=by, note="Signed up as a Hospital Improver"
        )
    else:
        # What the bank already holds stays; blanks are filled and availability widened.
        for name in ("phone", "postcode"):
            if not getattr(person, name):
                setattr(person, name, getattr(sign_up, name))
        person.online = person.online or sign_up.online
        person.face_to_face = person.face_to_face or sign_up.face_to_face
        person.save()
    person.services.add(*sign_up.services)
    person.interests.add(*sign_up.interests)
    now = timezone.now()
    improver, created = HospitalImprover.objects.get_or_create(
        person=person,
        defaults={
            "signed_up_at": now,
            "signed_up_online": online,
            "last_service_use_on": sign_up.last_service_use_on,
            "code_of_conduct_agreed_at": now,
        },
    )
    if not created and sign_up.last_service_use_on > improver.last_service_use_on:
        improver.last_service_use_on = sign_up.last_service_use_on
        improver.code_of_conduct_agreed_at = now
        improver.save(update_fields=["last_service_use_on", "code_of_conduct_agreed_at"])
    consent_record(person=person, kind=ConsentRecord.Kind.HOLD_DATA, given=True, method=method, by=by)
    consent_record(
        person=person,
        kind=ConsentRecord.Kind.INVITATIONS,
        given=bool(sign_up.invitation_channels),
        channels=sign_up.invitation_channels,
        method=method,
        by=by,
    )
    if sign_up.equality is not None:
        equality_save(person=person, answers=sign_up.equality, by=by)
    return person


def improver_confirm(*, improver: HospitalImprover, by) -> bool:
    """Confirm a sign-up; False when someone else confirmed it first."""
    confirmed = HospitalImprover.objects.filter(pk=improver.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=by
    )
    counts.changed(HospitalImprover)  # the home panel's count of sign-ups to confirm
    return bool(confirmed)


# --- Equality monitoring --------------------------------------------------------------------


@transaction.atomic
def equality_save(*, person: Person, answers: dict, by=None) -> EqualityMonitoring:
    allowed = {*EqualityMonitoring.CHARACTERISTICS, "objects_to_monitoring_use"}
    unknown = set(answers) - allowed
    if unknown:
        raise TypeError(f"not equality questions: {sorted(unknown)}")
    record, _ = EqualityMonitoring.objects.update_or_create(person=person, defaults=answers)
    audit.record(None, "change", person, user=by, detail="equality")
    return record


# --- Erasure --------------------------------------------------------------------------------


@transaction.atomic
def person_erase(*, person: Person, by) -> Person:
    """Anonymise a person: the row stays so counts and finance's payment records still add
    up, but nothing that identifies them does."""
    if person.erased_at:
        raise PeopleBankError("This person has already been erased.")
    person.first_name = "Erased"
    person.last_name = f"person {person.pk}"
    for name in ("preferred_name", "email", "phone", "postcode", "access_notes"):
        setattr(person, name, "")
    person.can_be_invited = False
    person.erased_at = timezone.now()
    if person.status != Person.Status.LEFT:
        PersonStatusChange.objects.create(
            person=person, from_status=person.status, to_status=Person.Status.LEFT, by=by, note="Erased"
        )
        person.status = Person.Status.LEFT
    person.save()
    person.access_needs.clear()
    EqualityMonitoring.objects.filter(person=person).delete()
    person.conversations.update(summary="(erased)", insight="", follow_up="", follow_up_due=None)
    person.applications.update(why="(erased)", experience="")
    person.organisation_roles.update(person=None)
    person.consents.update(note="")
    person.status_changes.update(note="")
    from people_bank import personal_data

    personal_data.erase_all(person)
    audit.record(None, "erase", person, user=by)
    return person


# --- Recruitment ----------------------------------------------------------------------------

S = Application.Status
APPLICATION_ALLOWED = {
    S.SUBMITTED: {S.SHORTLISTED, S.NOT_APPOINTED, S.WITHDRAWN},
    S.SHORTLISTED: {S.INTERVIEWED, S.NOT_APPOINTED, S.WITHDRAWN},
    S.INTERVIEWED: {S.APPOINTED, S.NOT_APPOINTED, S.WITHDRAWN},
    S.APPOINTED: set(),
    S.NOT_APPOINTED: set(),
    S.WITHDRAWN: set(),
}


@transaction.atomic
def application_submit(*, round, person: Person, why: str, experience: str = "", online: bool, by=None):
    if Application.objects.filter(round=round, person=person).exists():
        raise PeopleBankError("This person has already applied in this round.")
    application = Application.objects.create(
        round=round, person=person, why=why, experience=experience, submitted_online=online
    )
    ApplicationStatusChange.objects.create(application=application, to_status=S.SUBMITTED, by=by)
    return application


@transaction.atomic
def application_move(*, application: Application, to: str, by, note: str = "") -> Application:
    current = application.status
    if to not in APPLICATION_ALLOWED[current]:
        raise PeopleBankError(
            f"An application that is {application.get_status_display().lower()} cannot move to that step."
        )
    if not Application.objects.filter(pk=application.pk, status=current).update(status=to):
        raise PeopleBankError("Someone else moved this application first. Check it and try again.")
    ApplicationStatusChange.objects.create(
        application=application, from_status=current, to_status=to, by=by, note=note
    )
    application.status = to
    if to == S.APPOINTED and not PatientPartner.objects.filter(person=application.person).exists():
        partner_appoint(person=application.person, started_on=timezone.localdate(), by=by)
    return application


# --- Reminders ------------------------------------------------------------------------------


def reminders_send(*, today: datetime.date) -> list[TenureReminder]:
    """Remind the PPI team of reviews and tenure ends 60, 30 and 7 days ahead.

    One TenureReminder row per partner, kind, date and threshold: the unique constraint
    makes a second run (or two workers at once) send nothing new."""
    horizon = today + datetime.timedelta(days=max(rules.REMINDER_DAYS))
    candidates = []
    partners = PatientPartner.objects.select_related("person").filter(person__erased_at__isnull=True)
    due_review = partners.filter(
        review_outcome=PatientPartner.Review.PENDING, review_due_on__range=(today, horizon)
    )
    for partner in due_review:
        candidates.append((partner, TenureReminder.Kind.REVIEW, partner.review_due_on))
    for partner in partners.filter(tenure_ends_on__range=(today, horizon)):
        candidates.append((partner, TenureReminder.Kind.TENURE_END, partner.tenure_ends_on))
    sent = []
    for partner, kind, due_on in candidates:
        days_before = rules.reminder_threshold(due_on, today)
        if days_before is None:
            continue
        try:
            with transaction.atomic():
                reminder, created = TenureReminder.objects.get_or_create(
                    partner=partner, kind=kind, due_on=due_on, days_before=days_before
                )
        except IntegrityError:
            continue
        if created:
            sent.append(reminder)
    if sent:
        lines = [
            f"- {r.partner.person.display_name}: {r.get_kind_display().lower()} on {r.due_on:%d %B %Y} "
            f"({(r.due_on - today).days} days)"
            for r in sent
        ]
        send_mail(
            subject=f"Patient Partner reviews and tenure ends: {len(sent)} coming up",
            message="These need arranging:\n\n" + "\n".join(lines) + f"\n\n{settings.SITE_URL}/people/due/\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[settings.PPI_TEAM_EMAIL],
        )
    return sent


# --- CSV import -----------------------------------------------------------------------------

IMPORT_REQUIRED = ("first_name", "last_name", "joined_on")
IMPORT_OPTIONAL = (
    "preferred_name",
    "email",
    "phone",
    "postcode",
    "preferred_contact",
    "services",
    "interests",
)


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def people_import_csv(*, data: bytes, by) -> ImportReport:
    """Import people from a CSV: either every row goes in, or none does and each bad row is
    listed with its reasons."""
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."))
        return report
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [h for h in IMPORT_REQUIRED if h not in headers]
    if missing:
        report.errors.append((1, "The file is missing the column(s): " + ", ".join(missing)))
        return report
    services = {s.name.lower(): s for s in Service.objects.all()}
    interests = {i.name.lower(): i for i in Interest.objects.all()}
    taken = set(Person.objects.exclude(email="").values_list("email", flat=True))
    seen: dict[str, int] = {}
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        problems, values = _import_row(row, services, interests)
        email = values.get("email", "")
        if email and email in taken:
            problems.append("someone in the People Bank already has this email")
        if email and email in seen:
            problems.append(f"the same email as row {seen[email]}")
        if email:
            seen.setdefault(email, number)
        if problems:
            report.errors.append((number, "; ".join(problems)))
        rows.append(values)
    if not rows and not report.errors:
        report.errors.append((1, "The file has no rows to import."))
    if report.errors:
        return report
    with transaction.atomic():
        for values in rows:
            chosen_services, chosen_interests = values.pop("services"), values.pop("interests")
            person_create(by=by, services=chosen_services, interests=chosen_interests, **values)
            report.created += 1
    return report


def _import_row(row: dict, services: dict, interests: dict) -> tuple[list[str], dict]:
    problems: list[str] = []
    for name in IMPORT_REQUIRED:
        if not row.get(name):
            problems.append(f"{name.replace('_', ' ')} is empty")
    values = {name: row.get(name, "") for name in ("first_name", "last_name", "preferred_name")}
    email = row.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{email}' is not an email address")
    values["email"] = email
    try:
        values["phone"] = normalise_phone(row.get("phone", ""))
    except ValidationError as exc:
        problems.append(exc.messages[0])
    try:
        values["postcode"] = normalise_postcode(row.get("postcode", ""))
    except ValidationError as exc:
        problems.append(exc.messages[0])
    joined = row.get("joined_on", "")
    if joined:
        try:
            values["joined_on"] = datetime.date.fromisoformat(joined)
            if values["joined_on"] > timezone.localdate():
                problems.append("joined on is in the future")
        except ValueError:
            problems.append(f"joined on '{joined}' is not a date like 2024-03-31")
    contact = row.get("preferred_contact", "").lower() or ContactMethod.EMAIL
    if contact not in ContactMethod.values:
        problems.append(f"preferred contact '{contact}' is not one of {', '.join(ContactMethod.values)}")
    values["preferred_contact"] = contact
    if contact == ContactMethod.EMAIL and not email:
        problems.append("preferred contact is email but there is no email address")
    if contact in (ContactMethod.PHONE, ContactMethod.TEXT) and not values.get("phone"):
        problems.append(f"preferred contact is {contact} but there is no phone number")
    values["services"] = _names(row.get("services", ""), services, "service", problems)
    values["interests"] = _names(row.get("interests", ""), interests, "interest", problems)
    return problems, values


def _names(cell: str, known: dict, what: str, problems: list[str]) -> list:
    found = []
    for name in filter(None, (part.strip().lower() for part in cell.split(";"))):
        if name in known:
            found.append(known[name])
        else:
            problems.append(f"no {what} called '{name}'")
    return found
