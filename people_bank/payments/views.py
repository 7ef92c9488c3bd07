"""Payments pages, for the PPI team only: thin. Parse input, call a selector or a service,
render or redirect. Every page that shows a named person's money is audit-recorded."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from people_bank.models import Person, display_name
from people_bank.payments import forms, rules, selectors, services, tables
from people_bank.payments.models import (
    ExpenseClaim,
    ExpenseLine,
    FinanceExport,
    MileageRate,
    Receipt,
    Session,
    SessionalRate,
)
from people_bank.payments.pdf import render_statement_pdf
from ppe import audit
from ppe.access import requires
from ppe.links import row_url
from ppe.paging import page_number

PERMISSION = "payments.manage"
PAGE_SIZE = 25
MONTH_PAGE_SIZE = 100
EXPORT_MONTHS_BACK = 12
PERSON = Person._meta.label_lower  # what the audit trail calls a person


def _person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("patient_partner"), pk=pk)


def _payee(pk: int) -> selectors.Payee:
    found = selectors.payee(pk)
    if found is None:
        raise Http404
    return found


def _form_page(request, form, *, title: str, caption: str = "", back: tuple = (), intro: str = ""):
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "caption": caption, "back": back, "intro": intro},
        status=400 if form.errors else 200,
    )


# --- Overview and sessions ------------------------------------------------------------------


@requires(PERMISSION)
def index(request):
    today = timezone.localdate()
    period = rules.month_start(today)
    audit.record(request, "view", subject_type="people_bank.session", detail="payments home")
    return render(
        request,
        "people_bank/payments/index.html",
        {
            "period": period,
            **selectors.home_figures(today),
            "waiting": tables.claim_rows(
                selectors.newest_claims(ExpenseClaim.Status.SUBMITTED, 10), with_person=True
            ),
            "recent": tables.session_rows(selectors.recent_sessions(), with_person=True),
        },
    )


@requires(PERMISSION)
def session_bulk(request):
    day = timezone.localdate()
    form = forms.SessionBulkForm(request.POST or None, partners=selectors.partners_for_sessions(day))
    if form.is_valid():
        data = form.cleaned_data
        try:
            sessions = services.sessions_record_bulk(
                people=list(data["people"]),
                held_on=data["held_on"],
                minutes=data["minutes"],
                kind=data["kind"],
                description=data["description"],
                involvement_request=data["involvement_request"],
                activity=data["activity"],
                by=request.user,
            )
        except services.PaymentsError as error:
            form.add_error(None, f"{error}. No sessions were recorded.")
        else:
            _report_recorded(request, sessions)
            return redirect("people_bank:payments:index")
    return _form_page(
        request,
        form,
        title="Record sessions",
        caption="Payments",
        back=("Payments", reverse("people_bank:payments:index")),
        intro=(
            f"Tick everyone who attended. Each partner is paid for at most "
            f"{_cap_text(day)} sessions in a calendar month; later sessions are recorded but not paid."
        ),
    )


def _cap_text(day) -> str:
    rate = selectors.current_rates(day)["sessional"]
    return str(rate.monthly_cap) if rate else "the monthly cap of"


def _report_recorded(request, sessions: list[Session]) -> None:
    paid = [s for s in sessions if s.payable]
    messages.success(
        request, f"{len(sessions)} session{'s' if len(sessions) != 1 else ''} recorded, {len(paid)} paid."
    )
    for session in sessions:
        if not session.within_cap:
            messages.warning(
                request,
                f"{session.person.display_name} has already had the most paid sessions allowed in "
                f"{session.held_on:%B %Y}: this session is recorded but not payable.",
            )


@requires(PERMISSION)
def session_detail(request, pk: int):
    try:
        session = selectors.session_for_page(pk)
    except Session.DoesNotExist:
        raise Http404 from None
    audit.record(request, "view", session)
    initial = {
        "minutes": session.minutes,
        "kind": session.kind,
        "description": session.description,
        "involvement_request": session.involvement_request_id,
        "activity": session.activity_id,
    }
    edit_form = forms.SessionEditForm(request.POST or None, initial=initial, prefix="edit")
    if request.method == "POST" and edit_form.is_valid():
        data = edit_form.cleaned_data
        try:
            services.session_update(
                session=session,
                minutes=data["minutes"],
                kind=data["kind"],
                description=data["description"],
                involvement_request=data["involvement_request"],
                activity=data["activity"],
                by=request.user,
            )
        except services.PaymentsError as error:
            edit_form.add_error(None, str(error))
        else:
            messages.success(request, "The session has been saved.")
            return redirect("people_bank:payments:session_detail", pk=pk)
    edit_form.helper.form_action = reverse("people_bank:payments:session_detail", args=[pk])
    cancel_form = forms.CancelForm(prefix="cancel")
    cancel_form.helper.form_action = reverse("people_bank:payments:session_cancel", args=[pk])
    return render(
        request,
        "people_bank/payments/session_detail.html",
        {
            "session": session,
            "history": selectors.session_history(session),
            "edit_form": edit_form,
            "cancel_form": cancel_form,
            "locked": services.is_exported(session.held_on),
        },
        status=400 if edit_form.errors else 200,
    )


@requires(PERMISSION)
@require_POST
def session_cancel(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    form = forms.CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        messages.error(request, "Enter the reason for cancelling the session.")
    else:
        try:
            services.session_cancel(session=session, reason=form.cleaned_data["reason"], by=request.user)
        except services.PaymentsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The session is cancelled. Any payment for it has been reversed.")
    return redirect("people_bank:payments:session_detail", pk=pk)


# --- A person's payments --------------------------------------------------------------------


@requires(PERMISSION)
def person_payments(request, pk: int):
    person = _payee(pk)
    audit.record(request, "view", subject_type=PERSON, subject_id=pk, detail="payments")
    return render(
        request,
        "people_bank/payments/person.html",
        {
            "person": person,
            "partner": person.is_partner,
            "summary": selectors.person_summary(person),
            "sessions": tables.session_rows(selectors.sessions_for_person(person)),
            "claims": tables.claim_rows(selectors.claims_for_person(person)),
        },
    )


@requires(PERMISSION)
def payment_choice(request, pk: int):
    person = _person(pk)
    form = forms.PaymentChoiceForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if form.is_valid():
        services.payment_choice_record(person=person, by=request.user, **form.cleaned_data)
        messages.success(request, "Their choice about payment has been recorded.")
        return redirect("people_bank:payments:person", pk=pk)
    return _form_page(
        request,
        form,
        title="How they would like to be paid",
        caption=person.display_name,
        back=(person.display_name, reverse("people_bank:payments:person", args=[pk])),
        intro=(
            "A partner may take payment, decline it, or take it another way such as vouchers. "
            "The choice applies to sessions from the date given."
        ),
    )


def _statement_dates(request) -> tuple[forms.StatementForm, datetime.date, datetime.date]:
    today = timezone.localdate()
    start, _ = rules.tax_year(today)
    if "start_0" not in request.GET:
        return forms.StatementForm(initial={"start": start, "end": today}), start, today
    form = forms.StatementForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, today


@requires(PERMISSION)
def statement(request, pk: int):
    person = _payee(pk)
    form, start, end = _statement_dates(request)
    audit.record(request, "view", subject_type=PERSON, subject_id=pk, detail=f"statement {start}..{end}")
    context = {**selectors.statement(person, start, end, lines=False), "form": form}
    context["session_rows"] = tables.session_rows(context["sessions"])
    context["claim_rows"] = tables.claim_rows(context["claims"])
    context["pdf_query"] = f"start={start.isoformat()}&end={end.isoformat()}"
    return render(request, "people_bank/payments/statement.html", context, status=400 if form.errors else 200)


@requires(PERMISSION)
def statement_pdf(request, pk: int):
    person = _person(pk)
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        start, end = rules.tax_year(timezone.localdate())[0], timezone.localdate()
    if end < start:
        return HttpResponse("The end date must be the same as or after the start date.", status=400)
    audit.record(request, "download", person, detail=f"statement pdf {start}..{end}")
    pdf = render_statement_pdf(selectors.statement(person, start, end))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{person.pk}-{start}-{end}.pdf"'
    return response


# --- Expense claims -------------------------------------------------------------------------


@requires(PERMISSION)
def claim_list(request):
    status = request.GET.get("status", "")
    if status not in ExpenseClaim.Status.values:
        status = ""
    queryset = selectors.claims_for_list(status)
    number = page_number(request.GET.get("page"))
    rows = list(queryset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    audit.record(
        request, "view", subject_type="people_bank.expenseclaim", detail=f"claim list {status}".strip()
    )
    query = f"status={status}&" if status else ""
    return render(
        request,
        "people_bank/payments/claim_list.html",
        {
            "claims": tables.claim_rows(rows[:PAGE_SIZE], with_person=True),
            "status": status,
            "statuses": forms.CLAIM_FILTER_CHOICES,
            "page": {
                "number": number,
                "previous_url": f"?{query}page={number - 1}" if number > 1 else "",
                "next_url": f"?{query}page={number + 1}" if len(rows) > PAGE_SIZE else "",
            },
        },
    )


@requires(PERMISSION)
def claim_create(request, pk: int):
    person = _person(pk)
    form = forms.ClaimForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        receipt = form.cleaned_data.get("receipt")
        try:
            claim = services.claim_create(
                person=person,
                description=form.cleaned_data["description"],
                line=form.line(),
                receipts=[receipt] if receipt else [],
                by=request.user,
            )
        except services.PaymentsError as error:
            form.add_error("receipt" if "receipt" in str(error).lower() else None, str(error))
        else:
            messages.success(request, f"Claim submitted: £{claim.total}. It now waits for a decision.")
            return redirect("people_bank:payments:claim_detail", pk=claim.pk)
    return _form_page(
        request,
        form,
        title="Submit an expense claim",
        caption=person.display_name,
        back=(person.display_name, reverse("people_bank:payments:person", args=[pk])),
        intro=(
            "Start with one line; add more lines and receipts on the claim's page. "
            "Mileage is worked out from the miles at the rate for the day."
        ),
    )


def _claim_forms(claim: ExpenseClaim, **bound) -> dict:
    made = {
        "line_form": forms.LineForm(prefix="line"),
        "receipt_form": forms.ReceiptForm(prefix="receipt"),
        "reject_form": forms.RejectForm(prefix="reject"),
        "paid_form": forms.PaidForm(prefix="paid", initial={"paid_on": timezone.localdate()}),
        "reverse_form": forms.ReverseForm(prefix="reverse"),
    }
    made.update(bound)
    actions = {
        "line_form": "claim_line_add",
        "receipt_form": "receipt_upload",
        "reject_form": "claim_reject",
        "paid_form": "claim_paid",
        "reverse_form": "claim_reverse",
    }
    for name, url_name in actions.items():
        made[name].helper.form_action = reverse(f"people_bank:payments:{url_name}", args=[claim.pk])
    return made


def _claim_page(request, claim: ExpenseClaim, status: int = 200, **bound):
    audit.record(request, "view", claim)
    return render(
        request,
        "people_bank/payments/claim_detail.html",
        {
            "claim": claim,
            "history": selectors.claim_history(claim),
            "self_approval_forbidden": _self_approval_forbidden(request, claim),
            **_claim_forms(claim, **bound),
        },
        status=status,
    )


def _self_approval_forbidden(request, claim) -> bool:
    from django.conf import settings

    return settings.PAYMENTS_FORBID_SELF_APPROVAL and claim.recorded_by_id == request.user.pk


def _claim(pk: int) -> ExpenseClaim:
    try:
        return selectors.claim_for_page(pk)
    except ExpenseClaim.DoesNotExist:
        raise Http404 from None


@requires(PERMISSION)
def claim_detail(request, pk: int):
    return _claim_page(request, _claim(pk))


def _claim_action(request, pk: int, *, form_class, prefix: str, act, done: str):
    """A POST on the claim page: on a bad form or a refusal, the page again with the error."""
    claim = _claim(pk)
    form = form_class(request.POST, request.FILES, prefix=prefix) if form_class else None
    if form is not None and not form.is_valid():
        return _claim_page(request, claim, status=400, **{f"{prefix}_form": form})
    try:
        act(claim, form)
    except services.PaymentsError as error:
        if form is None:
            messages.error(request, str(error))
            return redirect("people_bank:payments:claim_detail", pk=pk)
        # The form may not be on the page any more (a claim decided meanwhile): say it above.
        messages.error(request, str(error))
        return _claim_page(request, _claim(pk), status=400, **{f"{prefix}_form": form})
    messages.success(request, done)
    return redirect("people_bank:payments:claim_detail", pk=pk)


@requires(PERMISSION)
@require_POST
def claim_line_add(request, pk: int):
    def act(claim, form):
        services.claim_line_add(claim=claim, by=request.user, **form.line())

    return _claim_action(
        request, pk, form_class=forms.LineForm, prefix="line", act=act, done="The line has been added."
    )


@requires(PERMISSION)
@require_POST
def claim_line_remove(request, pk: int, line: int):
    line_obj = get_object_or_404(ExpenseLine.objects.select_related("claim"), pk=line, claim_id=pk)
    try:
        services.claim_line_remove(line=line_obj, by=request.user)
    except services.PaymentsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The line has been removed.")
    return redirect("people_bank:payments:claim_detail", pk=pk)


@requires(PERMISSION)
@require_POST
def receipt_upload(request, pk: int):
    def act(claim, form):
        services.receipt_add(claim=claim, upload=form.cleaned_data["receipt"], by=request.user)

    return _claim_action(
        request,
        pk,
        form_class=forms.ReceiptForm,
        prefix="receipt",
        act=act,
        done="The receipt has been uploaded.",
    )


@requires(PERMISSION)
@require_POST
def claim_approve(request, pk: int):
    return _claim_action(
        request,
        pk,
        form_class=None,
        prefix="approve",
        act=lambda claim, form: services.claim_approve(claim=claim, by=request.user),
        done="The claim is approved. It will be in the finance export for the month.",
    )


@requires(PERMISSION)
@require_POST
def claim_reject(request, pk: int):
    return _claim_action(
        request,
        pk,
        form_class=forms.RejectForm,
        prefix="reject",
        act=lambda claim, form: services.claim_reject(
            claim=claim, reason=form.cleaned_data["reason"], by=request.user
        ),
        done="The claim is rejected.",
    )


@requires(PERMISSION)
@require_POST
def claim_paid(request, pk: int):
    return _claim_action(
        request,
        pk,
        form_class=forms.PaidForm,
        prefix="paid",
        act=lambda claim, form: services.claim_mark_paid(
            claim=claim, paid_on=form.cleaned_data["paid_on"], by=request.user
        ),
        done="The claim is marked as paid.",
    )


@requires(PERMISSION)
@require_POST
def claim_reverse(request, pk: int):
    return _claim_action(
        request,
        pk,
        form_class=forms.ReverseForm,
        prefix="reverse",
        act=lambda claim, form: services.claim_reverse(
            claim=claim, reason=form.cleaned_data["reason"], by=request.user
        ),
        done="The claim is reversed: a correcting entry will be in the next open month's export.",
    )


@requires(PERMISSION)
def receipt_download(request, pk: int):
    receipt = get_object_or_404(Receipt, pk=pk)
    try:
        handle = receipt.file.open("rb")
    except (FileNotFoundError, ValidationError):
        raise Http404 from None
    audit.record(request, "download", receipt, detail=f"receipt for claim {receipt.claim_id}")
    response = FileResponse(handle, content_type=receipt.content_type)
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.pk}.{receipt.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Months and the finance export ----------------------------------------------------------


def _exportable_months(today: datetime.date) -> list[datetime.date]:
    months, period = [], rules.month_start(today)
    for _ in range(EXPORT_MONTHS_BACK):
        months.append(period)
        period = rules.month_start(period - datetime.timedelta(days=1))
    return months


def _month_links(months: list[datetime.date]) -> list[tuple[str, str]]:
    return [(row_url("people_bank:payments:month", f"{m:%Y-%m}"), rules.period_label(m)) for m in months]


@requires(PERMISSION)
def export_list(request):
    today = timezone.localdate()
    exports = list(selectors.exports_list()[:36])
    done = {e[0] for e in exports}
    form = forms.ExportForm(
        request.POST or None, months=[m for m in _exportable_months(today) if m not in done]
    )
    if request.method == "POST" and form.is_valid():
        try:
            export = services.month_export(period=form.cleaned_data["month"], by=request.user)
        except services.PaymentsError as error:
            form.add_error("month", str(error))
        else:
            messages.success(
                request,
                f"{rules.period_label(export.period)} is exported and locked: {export.rows} payments, "
                f"£{export.total}. Later corrections go into the next open month.",
            )
            return redirect("people_bank:payments:month", period=f"{export.period:%Y-%m}")
    return render(
        request,
        "people_bank/payments/export_list.html",
        {
            "form": form,
            "exports": tables.export_rows(exports),
            "months": _month_links(_exportable_months(today)),
        },
        status=400 if form.errors else 200,
    )


def _period(text: str) -> datetime.date:
    period = rules.parse_period(text)
    if period is None:
        raise Http404
    return period


@requires(PERMISSION)
def month(request, period: str):
    start = _period(period)
    export = selectors.month_export(start)
    audit.record(request, "view", subject_type="people_bank.ledgerentry", subject_id=period, detail="month")
    number = page_number(request.GET.get("page"))
    offset = (number - 1) * MONTH_PAGE_SIZE
    entries = selectors.month_entries(start, offset, MONTH_PAGE_SIZE + 1)
    page = {
        "number": number,
        "previous_url": f"?page={number - 1}" if number > 1 else "",
        "next_url": f"?page={number + 1}" if len(entries) > MONTH_PAGE_SIZE else "",
    }
    return render(
        request,
        "people_bank/payments/month.html",
        {
            "period": start,
            "export": export,
            "entries": _month_rows(entries[:MONTH_PAGE_SIZE]),
            "page": page,
            "totals": selectors.month_totals(start),
        },
    )


def _month_rows(entries: list[tuple]) -> list[tuple]:
    """For _month_rows.jinja: (payee's id, payee, date, what, amount)."""
    rows = []
    for person_id, occurred_on, description, amount, corrected_period, *name in entries:
        if corrected_period:
            description += f" (corrects an entry paid in {rules.period_label(corrected_period)})"
        rows.append((person_id, display_name(*name), occurred_on, description, amount))
    return rows


@requires(PERMISSION)
def export_download(request, period: str):
    export = get_object_or_404(FinanceExport, period=_period(period))
    audit.record(request, "download", export, detail=f"finance export {period}")
    response = HttpResponse(export.csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ppi-payments-{period}.csv"'
    return response


# --- Rates ----------------------------------------------------------------------------------


@requires(PERMISSION)
def rates(request):
    sessional = forms.SessionalRateForm(request.POST if "amount" in request.POST else None)
    mileage = forms.MileageRateForm(request.POST if "mileage-amount" in request.POST else None)
    for form, add in ((sessional, services.sessional_rate_add), (mileage, services.mileage_rate_add)):
        if form.is_bound and form.is_valid():
            try:
                add(by=request.user, **form.cleaned_data)
            except services.PaymentsError as error:
                form.add_error("effective_from", str(error))
            else:
                messages.success(
                    request, "The new rate has been added. Earlier sessions keep the rate they had."
                )
                return redirect("people_bank:payments:rates")
    sessional.helper.form_action = mileage.helper.form_action = reverse("people_bank:payments:rates")
    failed = bool(sessional.errors or mileage.errors) or request.method == "POST"
    return render(
        request,
        "people_bank/payments/rates.html",
        {
            "sessional_form": sessional,
            "mileage_form": mileage,
            "sessional_rates": SessionalRate.objects.all()[:50],
            "mileage_rates": MileageRate.objects.all()[:50],
        },
        status=400 if failed else 200,
    )
