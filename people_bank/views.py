"""People Bank pages: thin. Parse input, call a selector or a service, render or redirect."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from people_bank import forms, selectors, services
from people_bank.filters import OrganisationFilter, PersonFilter
from people_bank.models import (
    Application,
    Conversation,
    EqualityMonitoring,
    Organisation,
    PatientPartner,
    Person,
    RecruitmentRound,
    ReferencePopulation,
    TenureReminder,
    display_name,
    role_tags,
)
from people_bank.templatetags.people_bank import staff_name
from ppe import audit, counts
from ppe.access import public, requires
from ppe.exports import formula_safe
from ppe.formats import day_month, long_date, short_date
from ppe.links import row_url
from ppe.paging import page_number

PAGE_SIZE = 25
DUE_PAGE_SIZE = 50


def _page(queryset, request, size: int = PAGE_SIZE, fetch=None) -> dict:
    """One page without COUNT(*): fetch one row more than shown to know if there is a next.
    Counting 100,000 filtered rows on every page costs more than the page itself.
    `fetch(offset, count)` gets the rows, when slicing the queryset is not the best way."""
    number = page_number(request.GET.get("page"))
    offset = (number - 1) * size
    rows = fetch(offset, size + 1) if fetch else list(queryset[offset : offset + size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    base = query.urlencode()
    link = f"?{base}&page=" if base else "?page="
    return {
        "rows": rows[:size],
        "number": number,
        "first_row": offset + 1,
        "last_row": offset + len(rows[:size]),
        "previous_url": f"{link}{number - 1}" if number > 1 else "",
        "next_url": f"{link}{number + 1}" if len(rows) > size else "",
        "query": base,
    }


def _form_page(
    request, form, *, title: str, caption: str = "", back: tuple = (), intro: str = "", status=200
):
    context = {"form": form, "title": title, "caption": caption, "back": back, "intro": intro}
    return render(request, "form_page.html", context, status=status)


# --- People ---------------------------------------------------------------------------------


STATUS_LABELS = dict(Person.Status.choices)
KIND_LABELS = dict(Organisation.Kind.choices)


def _person_rows(people: list[dict]) -> list[tuple]:
    # The table's cells as plain values: a lookup by the template engine costs more than
    # the rest of a cell, and the list makes a dozen on each of its rows.
    return [
        (
            row_url("people_bank:person_detail", p["id"]),
            display_name(p["first_name"], p["last_name"], p["preferred_name"], p["erased_at"]),
            role_tags(
                p["partner_id"] is not None,
                p["improver_id"] is not None,
                p["improver_confirmed_at"],
            ),
            STATUS_LABELS.get(p["status"], p["status"]),
            p["can_be_invited"],
            short_date(p["last_contact_at"]) if p["last_contact_at"] else "Never",
        )
        for p in people
    ]


@requires("people.view")
def person_list(request):
    people = PersonFilter(request.GET, queryset=Person.objects.all())
    if people.is_valid():
        page = _page(None, request, fetch=people.page_rows)
    else:
        page = _page(Person.objects.none(), request)
    return render(
        request,
        "people_bank/person_list.html",
        {"filter": people, "page": page, "rows": _person_rows(page["rows"]), "today": timezone.localdate()},
        status=200 if people.is_valid() else 400,
    )


@requires("people.edit")
def person_create(request):
    form = forms.PersonForm(request.POST or None)
    if form.is_valid():
        try:
            person = services.person_create(by=request.user, **form.service_values())
        except services.PeopleBankError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{person.display_name} has been added to the People Bank.")
            return redirect("people_bank:person_detail", pk=person.pk)
    return _form_page(
        request,
        form,
        title="Add a person",
        back=("People", reverse("people_bank:person_list")),
        status=400 if form.errors else 200,
    )


# The person page's actions, reversed once (ppe.links) rather than by a {% url %} each.
PERSON_LINKS = (
    *("person_conversation_add", "person_edit", "person_status", "consent", "equality", "partner_review"),
    *("training_add", "partner_appoint", "subject_access", "person_erase", "improver_confirm"),
)


def _timeline_items(entries) -> list[tuple]:
    # Each entry's lines as the page writes them, made here rather than by a dozen lookups
    # and filters per entry in the template: (title, date and who, body, insight, follow-up).
    items = []
    for entry in entries:
        when = f"{long_date(entry.at)} · {entry.by}" if entry.by else long_date(entry.at)
        insight = follow_up = ""
        if entry.kind == "conversation":
            insight, follow_up = entry.extra["insight"], entry.extra["follow_up"]
            if follow_up and entry.extra["follow_up_due"]:
                follow_up += f" by {long_date(entry.extra['follow_up_due'])}"
            if follow_up and entry.extra.get("follow_up_done_at"):
                follow_up += " (done)"
        body = linebreaksbr(entry.body, autoescape=True) if entry.body else ""
        items.append((entry.title, when, body, insight, follow_up))
    return items


@requires("people.view")
def person_detail(request, pk: int):
    try:
        page = selectors.person_page(pk)
    except Person.DoesNotExist:
        raise Http404 from None
    audit.record(request, "view", page.person)
    channels = page.invitation_channels
    return render(
        request,
        "people_bank/person_detail.html",
        {
            "person": page.person,
            "partner": page.partner,
            "improver": page.improver,
            "details": page,
            "links": {name: row_url(f"people_bank:{name}", pk) for name in PERSON_LINKS},
            "invited_by": None if channels is None else ", ".join(channels).lower(),
            "timeline": _timeline_items(selectors.person_timeline(page.person)),
        },
    )


@requires("people.edit")
def person_edit(request, pk: int):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True)
    form = forms.PersonForm(request.POST or None, instance=person)
    if form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.service_values())
        except services.PeopleBankError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, "Their details have been saved.")
            return redirect("people_bank:person_detail", pk=person.pk)
    return _form_page(
        request,
        form,
        title=f"Edit {person.display_name}",
        caption="People",
        back=(person.display_name, reverse("people_bank:person_detail", args=[pk])),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def person_status(request, pk: int):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True)
    form = forms.StatusForm(request.POST or None, initial={"status": person.status})
    if form.is_valid():
        try:
            services.person_change_status(
                person=person, to=form.cleaned_data["status"], by=request.user, note=form.cleaned_data["note"]
            )
        except services.PeopleBankError as error:
            form.add_error("status", str(error))
        else:
            messages.success(request, f"{person.display_name} is now {person.get_status_display().lower()}.")
            return redirect("people_bank:person_detail", pk=pk)
    return _form_page(
        request,
        form,
        title="Change status",
        caption=person.display_name,
        back=(person.display_name, reverse("people_bank:person_detail", args=[pk])),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def consent(request, pk: int):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True)
    form = forms.ConsentForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        services.consent_record(
            person=person,
            kind=data["kind"],
            given=data["given"],
            method=data["method"],
            channels=data["channels"],
            note=data["note"],
            by=request.user,
        )
        messages.success(request, "Consent has been recorded.")
        return redirect("people_bank:consent", pk=pk)
    return render(
        request,
        "people_bank/consent.html",
        {"person": person, "form": form, "history": selectors.consent_history(person)},
        status=400 if form.errors else 200,
    )


@requires("equality.view")
def equality(request, pk: int):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True)
    record = EqualityMonitoring.objects.filter(person=person).first()
    form = forms.EqualityForm(request.POST or None, instance=record or EqualityMonitoring(person=person))
    if request.method == "POST" and form.is_valid():
        answers = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.equality_save(person=person, answers=answers, by=request.user)
        messages.success(request, "Equality monitoring answers have been saved.")
        return redirect("people_bank:person_detail", pk=pk)
    if request.method == "GET":
        audit.record(request, "view", person, detail="equality")
    return _form_page(
        request,
        form,
        title="Equality monitoring",
        caption=person.display_name,
        back=(person.display_name, reverse("people_bank:person_detail", args=[pk])),
        intro=(
            "Special-category data: seen by the PPI team only and used in aggregate. "
            "Every view and change is recorded."
        ),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def conversation_add(request, pk: int | None = None, org: int | None = None):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True) if pk else None
    organisation = get_object_or_404(Organisation, pk=org) if org else None
    form = forms.ConversationForm(request.POST or None)
    target = person or organisation
    back_url = (
        reverse("people_bank:person_detail", args=[pk])
        if person
        else reverse("people_bank:organisation_detail", args=[org])
    )
    if form.is_valid():
        try:
            services.conversation_log(
                staff=request.user, person=person, organisation=organisation, **form.service_values()
            )
        except services.PeopleBankError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The conversation has been logged.")
            return redirect(back_url)
    return _form_page(
        request,
        form,
        title="Log a conversation",
        caption=str(target),
        back=(str(target), back_url),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
@require_POST
def follow_up_done(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    services.follow_up_done(conversation=conversation, by=request.user)
    messages.success(request, "The follow-up is marked as done.")
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/") else "home")


@requires("people.edit")
def partner_appoint(request, pk: int):
    person = get_object_or_404(Person, pk=pk, erased_at__isnull=True)
    form = forms.PartnerForm(request.POST or None)
    if form.is_valid():
        try:
            services.partner_appoint(
                person=person, started_on=form.cleaned_data["started_on"], by=request.user
            )
        except services.PeopleBankError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{person.display_name} is now a Patient Partner.")
            return redirect("people_bank:person_detail", pk=pk)
    return _form_page(
        request,
        form,
        title="Make a Patient Partner",
        caption=person.display_name,
        back=(person.display_name, reverse("people_bank:person_detail", args=[pk])),
        intro=(
            "The review falls due three years after the start date. "
            "A satisfactory review extends the tenure to six years."
        ),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def partner_review(request, pk: int):
    partner = get_object_or_404(PatientPartner.objects.select_related("person"), person_id=pk)
    form = forms.ReviewForm(request.POST or None)
    if form.is_valid():
        try:
            services.partner_record_review(partner=partner, by=request.user, **form.cleaned_data)
        except services.PeopleBankError as error:
            form.add_error("reviewed_on", str(error))
        else:
            messages.success(request, f"Review recorded. Tenure ends on {partner.tenure_ends_on:%d %B %Y}.")
            return redirect("people_bank:person_detail", pk=pk)
    return _form_page(
        request,
        form,
        title="Record a review",
        caption=partner.person.display_name,
        back=(partner.person.display_name, reverse("people_bank:person_detail", args=[pk])),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def training_add(request, pk: int):
    partner = get_object_or_404(PatientPartner.objects.select_related("person"), person_id=pk)
    form = forms.TrainingForm(request.POST or None)
    if form.is_valid():
        form.instance.partner = partner
        form.save()
        messages.success(request, "Training has been recorded.")
        return redirect("people_bank:person_detail", pk=pk)
    return _form_page(
        request,
        form,
        title="Add training",
        caption=partner.person.display_name,
        back=(partner.person.display_name, reverse("people_bank:person_detail", args=[pk])),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
@require_POST
def improver_confirm(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("hospital_improver"), pk=pk)
    improver = getattr(person, "hospital_improver", None)
    if improver is None:
        messages.error(request, "This person has not signed up as a Hospital Improver.")
    elif services.improver_confirm(improver=improver, by=request.user):
        messages.success(request, f"{person.display_name} is confirmed as a Hospital Improver.")
    else:
        messages.info(request, "This sign-up had already been confirmed.")
    return redirect("people_bank:person_detail", pk=pk)


# --- Data protection ------------------------------------------------------------------------


@requires("people.view")
def subject_access(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    data = selectors.subject_access_data(person)
    audit.record(request, "export", person, detail="subject access")
    sections = [
        (title.replace("_", " ").capitalize(), _readable_section(value)) for title, value in data.items()
    ]
    return render(request, "people_bank/subject_access.html", {"person": person, "sections": sections})


def _readable(value) -> str:
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value) or "–"
    return str(value) if value not in (None, "") else "–"


def _readable_section(value) -> list[list[tuple[str, str]]]:
    """A section of the export as records of (label, text) pairs: one record for a
    dictionary, one per item for a list."""
    records = value if isinstance(value, list) else [value]
    readable = []
    for record in records:
        pairs = []
        for key, item in record.items():
            if isinstance(item, list) and item and isinstance(item[0], dict):
                item = "; ".join(", ".join(f"{k}: {_readable(v)}" for k, v in x.items()) for x in item)
            pairs.append((key.replace("_", " ").capitalize(), _readable(item)))
        readable.append(pairs)
    return readable


@requires("people.view")
def subject_access_json(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    audit.record(request, "export", person, detail="subject access json")
    response = JsonResponse(selectors.subject_access_data(person), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.pk}.json"'
    return response


@requires("people.edit")
def person_erase(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        try:
            services.person_erase(person=person, by=request.user)
        except services.PeopleBankError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The person has been erased.")
        return redirect("people_bank:person_detail", pk=pk)
    return render(request, "people_bank/erase.html", {"person": person})


# --- Lists, export, import ------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


EXPORT_COLUMNS = [
    "First name",
    "Last name",
    "Preferred name",
    "Email",
    "Phone",
    "Postcode",
    "Preferred contact",
    "Status",
    "Joined",
    "Patient Partner",
    "Hospital Improver",
    "Can be invited",
    "Last contact",
    "Services",
    "Issues",
]


@requires("people.export")
def person_export(request):
    """The filtered list as CSV, streamed. Never any equality data; every cell made safe
    against spreadsheet formulas."""
    people = PersonFilter(
        request.GET, queryset=Person.objects.select_related("patient_partner", "hospital_improver")
    )
    if not people.is_valid():
        return HttpResponse("The filters are not valid.", status=400)
    rows = people.qs.filter(erased_at__isnull=True).prefetch_related("services", "interests")
    audit.record(request, "export", subject_type="people_bank.person", detail="people list csv")
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(EXPORT_COLUMNS)
        for p in rows.iterator(chunk_size=2000):
            values = [
                p.first_name,
                p.last_name,
                p.preferred_name,
                p.email,
                p.phone,
                p.postcode,
                p.get_preferred_contact_display(),
                p.get_status_display(),
                p.joined_on.isoformat(),
                "yes" if hasattr(p, "patient_partner") else "no",
                "yes" if hasattr(p, "hospital_improver") else "no",
                "yes" if p.can_be_invited else "no",
                p.last_contact_at.date().isoformat() if p.last_contact_at else "",
                "; ".join(s.name for s in p.services.all()),
                "; ".join(i.name for i in p.interests.all()),
            ]
            yield writer.writerow([formula_safe(v) for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="people-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@requires("people.edit")
def person_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if form.is_valid():
        report = services.people_import_csv(data=form.cleaned_data["file"].read(), by=request.user)
        if report.ok:
            messages.success(request, f"{report.created} people have been imported.")
            return redirect("people_bank:person_list")
    status = 400 if form.errors or (report and not report.ok) else 200
    return render(request, "people_bank/import.html", {"form": form, "report": report}, status=status)


@requires("people.view")
def due(request):
    # Soonest first, a page at a time: a large bank has hundreds due in 90 days, and the
    # first page is the one that needs acting on.
    number, today = page_number(request.GET.get("page")), timezone.localdate()
    rows = selectors.reviews_and_tenure_ends_due(today, limit=number * DUE_PAGE_SIZE + 1)
    page = _page(rows, request, size=DUE_PAGE_SIZE)
    # The table's cells as plain values, as on the People list.
    cells = [
        (
            row_url("people_bank:person_detail", r["person_id"]),
            r["name"],
            r["kind"],
            short_date(r["due_on"]),
            r["days_left"],
        )
        for r in page["rows"]
    ]
    # Kept as the home panel keeps it: counting every partner due is the page's dearest query.
    total = counts.remember(
        f"people_bank:due:{today}",
        [PatientPartner, Person],
        lambda: selectors.reviews_and_tenure_ends_due_count(today),
    )
    return render(
        request,
        "people_bank/due.html",
        {"page": page, "cells": cells, "total": total, "reminders": _reminder_items()},
    )


REMINDER_KINDS = {kind: label.lower() for kind, label in TenureReminder.Kind.choices}


def _reminder_items() -> list[tuple]:
    # Each reminder's words as the page writes them: who, what, when due, the threshold
    # and the day it was sent ("4 Dec", as the date filter's "j M" writes it, local time).
    # Only the columns shown: whole rows would bring each person's every column with them.
    names = ("first_name", "preferred_name", "last_name", "erased_at")
    reminders = selectors.recent_reminders().only(
        *("kind", "due_on", "days_before", "sent_at"), *(f"partner__person__{name}" for name in names)
    )
    items = []
    for r in reminders:
        items.append(
            (
                r.partner.person.display_name,
                REMINDER_KINDS.get(r.kind, r.kind),
                short_date(r.due_on),
                r.days_before,
                day_month(r.sent_at),
            )
        )
    return items


@requires("equality.view")
def representation_page(request):
    audit.record(request, "view", subject_type="people_bank.equalitymonitoring", detail="representation")
    # Kept until an equality answer or a reference share changes (people_bank.signals).
    sections = counts.remember(
        "people_bank:representation", [EqualityMonitoring, ReferencePopulation], _representation_sections
    )
    return render(request, "people_bank/representation.html", {"sections": sections})


def _representation_sections() -> list[tuple]:
    """Each characteristic's table, its cells as text: the numbers written as the template
    wrote them, without localising some two hundred of them on every view."""
    names = {
        n: EqualityMonitoring._meta.get_field(n).verbose_name.capitalize()
        for n in EqualityMonitoring.CHARACTERISTICS
    }
    return [
        (
            str(names[k]),
            [
                (
                    str(row.label),
                    str(row.count),
                    f"{row.share:f}%",
                    "–" if row.reference is None else f"{row.reference:f}%",
                    row.under_represented,
                )
                for row in rows
            ],
        )
        for k, rows in selectors.representation().items()
    ]


@requires("equality.view")
def reference_edit(request):
    form = forms.ReferencePopulationForm(request.POST or None)
    if form.is_valid():
        form.save()
        messages.success(request, "The reference share has been saved.")
        return redirect("people_bank:representation")
    return _form_page(
        request,
        form,
        title="Set a reference share",
        caption="Representation",
        back=("Representation", reverse("people_bank:representation")),
        intro="For example, the local population's share in the 2021 census, or the Trust's patients'.",
        status=400 if form.errors else 200,
    )


# --- Organisations --------------------------------------------------------------------------


@requires("people.view")
def organisation_list(request):
    organisations = OrganisationFilter(request.GET, queryset=selectors.organisations_for_list())
    page = _page(organisations.qs, request)
    rows = [
        (
            o.get_absolute_url(),
            o.name,
            o.area,
            KIND_LABELS.get(o.kind, o.kind),
            staff_name(o.owner),
            short_date(o.last_contact_at) if o.last_contact_at else "Never",
        )
        for o in page["rows"]
    ]
    context = {"filter": organisations, "page": page, "rows": rows}
    return render(request, "people_bank/organisation_list.html", context)


@requires("people.edit")
def organisation_create(request, pk: int | None = None):
    instance = get_object_or_404(Organisation, pk=pk) if pk else None
    form = forms.OrganisationForm(request.POST or None, instance=instance)
    if form.is_valid():
        organisation = form.save()
        messages.success(request, f"{organisation} has been saved.")
        return redirect("people_bank:organisation_detail", pk=organisation.pk)
    back = (
        (str(instance), reverse("people_bank:organisation_detail", args=[pk]))
        if instance
        else ("Organisations", reverse("people_bank:organisation_list"))
    )
    title = f"Edit {instance}" if instance else "Add an organisation"
    return _form_page(request, form, title=title, back=back, status=400 if form.errors else 200)


@requires("people.view")
def organisation_detail(request, pk: int):
    try:
        page = selectors.organisation_page(pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    organisation = page.organisation
    return render(
        request,
        "people_bank/organisation_detail.html",
        {
            "organisation": organisation,
            "details": page,
            "links": {name: row_url(f"people_bank:{name}", pk) for name in ORGANISATION_LINKS},
            "timeline": _timeline_items(selectors.organisation_timeline(organisation)),
        },
    )


ORGANISATION_LINKS = ("organisation_conversation_add", "organisation_edit", "contact_add", "agreement_add")


def _organisation_child(request, pk: int, form_class, title: str):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = form_class(request.POST or None)
    if form.is_valid():
        form.instance.organisation = organisation
        form.save()
        messages.success(request, "Saved.")
        return redirect("people_bank:organisation_detail", pk=pk)
    return _form_page(
        request,
        form,
        title=title,
        caption=str(organisation),
        back=(str(organisation), reverse("people_bank:organisation_detail", args=[pk])),
        status=400 if form.errors else 200,
    )


@requires("people.edit")
def contact_add(request, pk: int):
    return _organisation_child(request, pk, forms.ContactForm, "Add a contact")


@requires("people.edit")
def agreement_add(request, pk: int):
    return _organisation_child(request, pk, forms.AgreementForm, "Add an agreement")


# --- Recruitment ----------------------------------------------------------------------------


@requires("people.view")
def round_list(request):
    rounds = RecruitmentRound.objects.all()
    return render(request, "people_bank/round_list.html", {"rounds": rounds, "today": timezone.localdate()})


@requires("people.edit")
def round_create(request):
    form = forms.RoundForm(request.POST or None)
    if form.is_valid():
        recruitment = form.save()
        return redirect("people_bank:round_detail", pk=recruitment.pk)
    return _form_page(
        request,
        form,
        title="Open a recruitment round",
        back=("Recruitment", reverse("people_bank:round_list")),
        status=400 if form.errors else 200,
    )


STEPS = ["Applied", "Shortlisted", "Interviewed", "Appointed"]


@requires("people.view")
def round_detail(request, pk: int):
    recruitment = get_object_or_404(RecruitmentRound, pk=pk)
    applications = recruitment.applications.select_related("person")
    funnel = selectors.recruitment_funnel_table(recruitment)
    audit.record(request, "view", recruitment, detail="equality funnel")
    return render(
        request,
        "people_bank/round_detail.html",
        {"round": recruitment, "applications": applications, "funnel": funnel, "steps": STEPS},
    )


def _apply(request, recruitment: RecruitmentRound, *, online: bool, thanks_url: str, template: str):
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and online and _over_limit(request):
        return render(request, "people_bank/public/too_many.html", status=429)
    if form.is_valid():
        if not form.is_spam:
            try:
                _application_save(form, recruitment, online=online, by=None if online else request.user)
            except services.PeopleBankError as error:
                if not online:
                    form.add_error(None, str(error))
                    return render(request, template, {"form": form, "round": recruitment}, status=400)
        return redirect(thanks_url)
    return render(request, template, {"form": form, "round": recruitment}, status=400 if form.errors else 200)


@transaction.atomic
def _application_save(form, recruitment, *, online, by):
    data = form.cleaned_data
    person = Person.objects.filter(email__iexact=data["email"]).first()
    if person is None:
        person = services.person_create(
            by=by,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            joined_on=timezone.localdate(),
        )
    services.application_submit(
        round=recruitment, person=person, why=data["why"], experience=data["experience"], online=online, by=by
    )


@requires("people.edit")
def application_add(request, pk: int):
    recruitment = get_object_or_404(RecruitmentRound, pk=pk)
    return _apply(
        request,
        recruitment,
        online=False,
        thanks_url=reverse("people_bank:round_detail", args=[pk]),
        template="people_bank/application_form.html",
    )


@requires("people.edit")
def application_detail(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("person", "round"), pk=pk)
    form = forms.ApplicationMoveForm(request.POST or None)
    if form.is_valid():
        try:
            services.application_move(application=application, by=request.user, **form.cleaned_data)
        except services.PeopleBankError as error:
            form.add_error("to", str(error))
        else:
            messages.success(request, f"Recorded: {application.get_status_display().lower()}.")
            return redirect("people_bank:application_detail", pk=pk)
    history = application.status_changes.select_related("by")
    return render(
        request,
        "people_bank/application_detail.html",
        {"application": application, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


# --- Public pages ---------------------------------------------------------------------------


def _over_limit(request) -> bool:
    """A simple per-address counter: the public forms take at most N posts an hour."""
    key = f"people_bank:public-posts:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=settings.PEOPLE_BANK_PUBLIC_FORM_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > settings.PEOPLE_BANK_PUBLIC_FORM_LIMIT


@public
def improver_sign_up(request):
    form = forms.ImproverSignUpForm(request.POST or None)
    if request.method == "POST" and _over_limit(request):
        return render(request, "people_bank/public/too_many.html", status=429)
    if form.is_valid():
        if not form.is_spam:
            data = form.cleaned_data
            sign_up = services.ImproverSignUp(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                postcode=data["postcode"],
                preferred_contact=data["preferred_contact"],
                last_service_use_on=data["last_service_use_on"],
                services=list(data["services"]),
                interests=list(data["interests"]),
                online=data["online"],
                face_to_face=data["face_to_face"],
                invitation_channels=data["invitation_channels"],
                equality=form.equality_answers(),
            )
            try:
                services.improver_sign_up(sign_up=sign_up, online=True)
            except services.PeopleBankError:
                # Two sign-ups with one new email at the same moment: the other created the
                # person, so this one now joins it.
                services.improver_sign_up(sign_up=sign_up, online=True)
        # The same answer whether the email was new, known, or the post was a robot's.
        return redirect("people_bank:improver_thanks")
    return render(
        request,
        "people_bank/public/improver_sign_up.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@public
def improver_thanks(request):
    return render(request, "people_bank/public/thanks.html", {"what": "sign-up"})


@public
def partner_apply(request, pk: int):
    today = timezone.localdate()
    recruitment = get_object_or_404(RecruitmentRound, pk=pk, opens_on__lte=today, closes_on__gte=today)
    return _apply(
        request,
        recruitment,
        online=True,
        thanks_url=reverse("people_bank:partner_thanks"),
        template="people_bank/public/partner_apply.html",
    )


@public
def partner_thanks(request):
    return render(request, "people_bank/public/thanks.html", {"what": "application"})
