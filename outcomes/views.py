"""Thin views for outcomes: parse input, call a selector or a service, render or redirect."""

from __future__ import annotations

import unicodedata

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from involvement_requests.models import InvolvementRequest
from outcomes import forms, selectors, services
from outcomes.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    CaseStudy,
    CaseStudyStatus,
    FeedbackChannel,
    FeedbackUpdate,
    PriorityGroup,
    SuggestionStatus,
)
from outcomes.report.charts import bar_chart_svg
from outcomes.report.quarters import Quarter, QuarterError
from people_bank.models import Person
from ppe import audit
from ppe.access import public, requires
from ppe.formats import short_date
from ppe.links import row_url
from ppe.paging import paginate

PAGE_SIZE = 25
KIND_LABELS = dict(ActivityType.choices)
ACTIVITY_STATUS_LABELS = dict(ActivityStatus.choices)
SUGGESTION_STATUS_LABELS = dict(SuggestionStatus.choices)
CASE_STUDY_STATUS_LABELS = dict(CaseStudyStatus.choices)

# A list's cells are handed to its template as plain values: each lookup the template engine
# makes on a model (a.rung.name, a.get_kind_display) costs more than the Python below, and
# a list page makes eight of them on each of its 25 rows.


def _shortened(text: str, length: int) -> str:
    """What the truncatechars filter writes, with a short enough text passed straight through."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _activity_rows(activities) -> list[tuple]:
    return [
        (
            short_date(a.held_on),
            row_url("outcomes:activity_detail", a.pk),
            a.title,
            KIND_LABELS.get(a.kind, a.kind),
            a.where,
            a.rung.name,
            a.people_reached,
            ACTIVITY_STATUS_LABELS.get(a.status, a.status),
        )
        for a in activities
    ]


def _suggestion_rows(suggestions) -> list[tuple]:
    """For outcomes/_suggestion_table.html, from values of selectors.SUGGESTION_ROW_FIELDS."""
    return [
        (
            short_date(s["received_on"]),
            row_url("outcomes:suggestion_detail", s["id"]),
            s["theme"],
            _shortened(s["text"], 120),
            SUGGESTION_STATUS_LABELS.get(s["status"], s["status"]),
        )
        for s in suggestions
    ]


def _quarter(request) -> Quarter:
    """The quarter in ?quarter=, or the one we are in; a malformed one falls back with a message."""
    text = request.GET.get("quarter", "")
    if text:
        try:
            return Quarter.parse(text)
        except QuarterError as exc:
            messages.error(request, str(exc))
    return Quarter.containing(timezone.localdate())


def _own_request_or_404(user, pk: int) -> InvolvementRequest:
    """The request if this user may record its outcomes; 404 whether it is someone else's or missing."""
    try:
        return selectors.outcome_requests_for(user).select_related("achieved_rung", "planned_rung").get(pk=pk)
    except InvolvementRequest.DoesNotExist:
        raise Http404("No such request") from None


def _activity_or_404(pk: int) -> Activity:
    try:
        return selectors.activity_for_page(pk)
    except Activity.DoesNotExist:
        raise Http404("No such activity") from None


# --- The outcomes page ----------------------------------------------------------------------


@requires("outcomes.view")
def outcomes_page(request):
    quarter = _quarter(request)
    framework = selectors.outcomes_framework(quarter.start, quarter.end)
    levels = framework["levels"]
    charts = [
        bar_chart_svg(
            "People reached, and from priority groups, by level",
            [
                {
                    "label": lv["label"],
                    "values": [lv["outputs"]["people_reached"], lv["outputs"]["priority_reached"]],
                }
                for lv in levels
            ],
            ["People reached", "From priority groups"],
        ),
        bar_chart_svg(
            "Suggestions investigated or actioned, by level",
            [
                {"label": lv["label"], "values": [lv["outputs"]["suggestions_responded_percent"] or 0]}
                for lv in levels
            ],
            ["Investigated or actioned"],
            unit="%",
        ),
        bar_chart_svg(
            "Participants who agree they felt heard, by level",
            [{"label": lv["label"], "values": [lv["outcomes"][1]["agree_percent"] or 0]} for lv in levels],
            ["Felt heard"],
            unit="%",
        ),
    ]
    return render(
        request,
        "outcomes/outcomes_page.html",
        {
            "quarter": quarter,
            "previous": quarter.previous(),
            "next": quarter.next(),
            "framework": framework,
            "charts": charts,
        },
    )


# --- Activities -----------------------------------------------------------------------------


@requires("outcomes.manage")
def activity_list(request):
    status = request.GET.get("status", "")
    if status not in ActivityStatus.values:
        status = ""
    activities, count = selectors.activities_for_list(status)
    page = paginate(request, activities, count, size=PAGE_SIZE)
    return render(
        request,
        "outcomes/activity_list.html",
        {"page": page, "rows": _activity_rows(page.object_list), "status": status},
    )


def _activity_form_page(request, instance: Activity):
    form = forms.ActivityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_save(
                activity=form.save(commit=False),
                by=request.user,
                requests=form.cleaned_data["request_refs"],
                organisations=form.cleaned_data["organisations"],
                priority_counts=form.priority_counts(),
                costs=form.costs(),
            )
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{saved.title} saved.")
            return redirect(saved)
    title = f"Change {instance.title}" if instance.pk else "Record an activity"
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "back": ("Activities", "outcomes:activity_list")},
    )


@requires("outcomes.manage")
def activity_create(request):
    return _activity_form_page(request, Activity())


@requires("outcomes.manage")
def activity_edit(request, pk: int):
    return _activity_form_page(request, _activity_or_404(pk))


@requires("outcomes.manage")
def activity_detail(request, pk: int):
    activity = _activity_or_404(pk)
    parts = selectors.activity_page(activity)
    parts["suggestions"] = _suggestion_rows(parts["suggestions"])
    return render(
        request,
        "outcomes/activity_detail.html",
        {"activity": activity, **parts, "today": timezone.localdate()},
    )


@requires("outcomes.manage")
@require_POST
def activity_held(request, pk: int):
    activity = _activity_or_404(pk)
    try:
        services.activity_mark_held(activity=activity, by=request.user)
    except services.OutcomeError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{activity.title} is marked as held. Evaluation forms go out tomorrow.")
    return redirect(activity)


@requires("outcomes.manage")
def activity_attendees(request, pk: int):
    activity = _activity_or_404(pk)
    if request.method == "POST":
        chosen = request.POST.get("person", "")
        person = None
        if chosen.isdigit() and len(chosen) < 12:
            person = Person.objects.filter(pk=int(chosen), erased_at__isnull=True).first()
        if person is None:
            messages.error(request, "Choose someone from the People Bank.")
        elif request.POST.get("remove"):
            services.activity_attendee_remove(activity=activity, person=person, by=request.user)
            messages.success(request, f"{person.display_name} removed.")
        else:
            services.activity_attendee_add(activity=activity, person=person, by=request.user)
            messages.success(request, f"{person.display_name} added.")
        return redirect("outcomes:activity_attendees", pk=pk)
    search = forms.AttendeeSearchForm(request.GET or None)
    matches = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        term = search.cleaned_data["q"].strip().lower()
        matches = list(
            Person.objects.filter(search_text__contains=term, erased_at__isnull=True)
            .exclude(activities=activity)
            .order_by("last_name", "first_name", "id")[:20]
        )
    attendees = list(selectors.activity_attendees(activity))
    audit.record(request, "view", activity, detail="attendees")
    return render(
        request,
        "outcomes/activity_attendees.html",
        {"activity": activity, "attendees": attendees, "matches": matches, "search": search},
    )


@requires("outcomes.manage")
def activity_suggestion_add(request, pk: int):
    activity = _activity_or_404(pk)
    form = forms.SuggestionForm(request.POST or None, people=selectors.activity_attendees(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_add(
                by=request.user,
                activity=activity,
                theme=form.cleaned_data["theme"],
                text=form.cleaned_data["text"],
                said_by_group=form.cleaned_data["said_by_group"],
                said_by=form.cleaned_data.get("said_by"),
                received_on=form.cleaned_data["received_on"],
            )
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Suggestion saved.")
            return redirect(activity)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Add a suggestion",
            "caption": activity.title,
            "back": (activity.title, activity.get_absolute_url()),
        },
    )


def _feedback_page(request, *, form_kwargs: dict, back: tuple, caption: str, people):
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_send(message=form.cleaned_data["message"], by=request.user, **form_kwargs)
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                '"You said, we did" update sent. Letters for people without email are ready to print.',
            )
            return redirect(back[1])
    with_email = sum(1 for p in people if p.email)
    return render(
        request,
        "outcomes/feedback_form.html",
        {
            "form": form,
            "caption": caption,
            "back": back,
            "with_email": with_email,
            "by_letter": len(people) - with_email,
        },
    )


@requires("outcomes.manage")
def activity_feedback(request, pk: int):
    activity = _activity_or_404(pk)
    return _feedback_page(
        request,
        form_kwargs={"activity": activity},
        back=(activity.title, activity.get_absolute_url()),
        caption=activity.title,
        people=list(selectors.people_involved(activity=activity)),
    )


@requires("outcomes.manage")
def activity_letters(request, pk: int):
    """Printable evaluation forms, with a personal link, for attendees without email."""
    activity = _activity_or_404(pk)
    if request.method == "POST":
        letters = services.evaluation_letters(activity=activity, by=request.user)
        audit.record(request, "export", activity, detail="evaluation letters")
        return render(
            request,
            "outcomes/evaluation_letters.html",
            {
                "activity": activity,
                "letters": letters,
                "form": forms.EvaluationForm(),
                "trust_name": _trust(),
            },
        )
    return render(request, "outcomes/evaluation_letters_start.html", {"activity": activity})


def _trust() -> str:
    from django.conf import settings

    return settings.TRUST_NAME


# --- "You said, we did" -----------------------------------------------------------------


@requires("outcomes.record")
def suggestion_list(request):
    quarter = _quarter(request)
    rows, by_status = selectors.suggestions_made(request.user, quarter.start, quarter.end)
    counts = {
        "received": sum(by_status.values()),
        "responded": sum(n for value, n in by_status.items() if value in services.rules.RESPONDED),
    }
    status = request.GET.get("status", "")
    listed = counts["received"]
    if status in SuggestionStatus.values:
        rows, listed = rows.filter(status=status), by_status.get(status, 0)
    share = services.rules.share(counts["responded"], counts["received"])
    page = paginate(request, rows, listed, size=PAGE_SIZE)
    return render(
        request,
        "outcomes/suggestion_list.html",
        {
            "page": page,
            "suggestions": _suggestion_rows(page.object_list),
            "quarter": quarter,
            "previous": quarter.previous(),
            "next": quarter.next(),
            "counts": counts,
            "share": share,
            "target": services.rules.ACTIONED_TARGET,
            "target_met": services.rules.target_met(counts["responded"], counts["received"]),
            "statuses": SuggestionStatus.choices,
            "status": status,
        },
    )


@requires("outcomes.record")
def suggestion_detail(request, pk: int):
    suggestion = get_object_or_404(selectors.suggestions_for(request.user), pk=pk)
    moves = services.rules.SUGGESTION_MOVES[suggestion.status]
    form = forms.SuggestionMoveForm(request.POST or None, current=suggestion.status) if moves else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggestion_move(
                suggestion=suggestion,
                to=data["to"],
                by=request.user,
                what_done=data["what_done"],
                done_on=data["done_on"],
                reason=data["reason"],
            )
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Suggestion marked {suggestion.get_status_display().lower()}.")
            return redirect("outcomes:suggestion_detail", pk=pk)
    return render(request, "outcomes/suggestion_detail.html", {"suggestion": suggestion, "form": form})


# --- A request's outcomes -----------------------------------------------------------------


@requires("outcomes.record")
def request_outcomes(request, pk: int):
    instance = _own_request_or_404(request.user, pk)
    figures = selectors.request_outcomes_page(instance)
    figures["suggestions"] = _suggestion_rows(figures["suggestions"])
    return render(
        request,
        "outcomes/request_outcomes.html",
        {
            "object": instance,
            **figures,
            "close_blocked": selectors.close_check(instance),
        },
    )


@requires("outcomes.record")
def request_outcome_record(request, pk: int):
    instance = _own_request_or_404(request.user, pk)
    current = getattr(instance, "outcome", None) if hasattr(instance, "outcome") else None
    initial = (
        {"rung_achieved": current.rung_achieved_id, "what_changed": current.what_changed}
        if current
        else {"rung_achieved": instance.planned_rung_id}
    )
    form = forms.RequestOutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_outcome_save(request=instance, by=request.user, **form.cleaned_data)
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Outcomes saved.")
            return redirect("outcomes:request_outcomes", pk=pk)
    return _request_form_page(request, instance, form, "Record the outcomes")


def _request_form_page(request, instance, form, title: str):
    """A form about one request's outcomes, with the way back to its outcomes page."""
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "caption": f"{instance.reference} {instance.title}",
            "back": ("Outcomes", reverse("outcomes:request_outcomes", args=[instance.pk])),
        },
    )


@requires("outcomes.record")
def request_suggestion_add(request, pk: int):
    instance = _own_request_or_404(request.user, pk)
    form = forms.SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_add(
                by=request.user,
                request=instance,
                theme=form.cleaned_data["theme"],
                text=form.cleaned_data["text"],
                said_by_group=form.cleaned_data["said_by_group"],
                received_on=form.cleaned_data["received_on"],
            )
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Suggestion saved.")
            return redirect("outcomes:request_outcomes", pk=pk)
    return _request_form_page(request, instance, form, "Add a suggestion")


@requires("outcomes.record")
def request_feedback(request, pk: int):
    instance = _own_request_or_404(request.user, pk)
    return _feedback_page(
        request,
        form_kwargs={"request": instance},
        back=("Outcomes", f"/outcomes/requests/{pk}/"),
        caption=f"{instance.reference} {instance.title}",
        people=list(selectors.people_involved(request=instance)),
    )


@requires("outcomes.manage")
def feedback_letters(request, pk: int):
    update = get_object_or_404(FeedbackUpdate.objects.select_related("request", "activity"), pk=pk)
    if request.method == "POST":
        marked = services.feedback_letters_posted(update=update, by=request.user)
        messages.success(request, f"{marked} letters marked as posted.")
        return redirect("outcomes:feedback_letters", pk=pk)
    deliveries = list(update.deliveries.filter(channel=FeedbackChannel.LETTER).select_related("person"))
    audit.record(request, "view", update, detail="feedback letters")
    return render(
        request,
        "outcomes/feedback_letters.html",
        {"update": update, "deliveries": deliveries, "trust_name": _trust()},
    )


# --- Case studies ----------------------------------------------------------------------------


@requires("case_studies.view_published")
def case_study_list(request):
    page = paginate(request, selectors.case_studies_for_list(request.user), size=PAGE_SIZE)
    rows = [
        (
            row_url("outcomes:case_study_detail", s.pk),
            s.title,
            s.rung_reached.name,
            CASE_STUDY_STATUS_LABELS.get(s.status, s.status),
        )
        for s in page.object_list
    ]
    return render(request, "outcomes/case_study_list.html", {"page": page, "rows": rows})


@requires("case_studies.view_published")
def case_study_detail(request, pk: int):
    study = get_object_or_404(selectors.case_studies_for(request.user), pk=pk)
    return render(
        request,
        "outcomes/case_study_detail.html",
        {"study": study, "may_edit": selectors.may_edit_case_study(request.user, study)},
    )


@requires("outcomes.record")
def case_study_create(request, pk: int):
    instance = _own_request_or_404(request.user, pk)
    form = forms.CaseStudyForm(request.POST or None, instance=CaseStudy(request=instance))
    return _case_study_form(request, form, f"{instance.reference} {instance.title}")


@requires("outcomes.record")
def case_study_edit(request, pk: int):
    study = get_object_or_404(selectors.case_studies_for(request.user), pk=pk)
    if not selectors.may_edit_case_study(request.user, study):
        messages.error(request, "Only the PPI team can change a case study once it is approved.")
        return redirect(study)
    form = forms.CaseStudyForm(request.POST or None, instance=study)
    return _case_study_form(request, form, study.title)


def _case_study_form(request, form, caption: str):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.case_study_save(study=form.save(commit=False), by=request.user)
        except services.OutcomeError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{saved.title} saved as a {saved.get_status_display().lower()}.")
            return redirect(saved)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Case study",
            "caption": caption,
            "back": ("Case studies", "outcomes:case_study_list"),
        },
    )


@requires("outcomes.manage")
@require_POST
def case_study_move(request, pk: int, action: str):
    study = get_object_or_404(CaseStudy, pk=pk)
    if action not in services.CASE_STUDY_MOVES:
        raise Http404("No such action")
    try:
        services.case_study_move(study=study, action=action, by=request.user)
    except services.OutcomeError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{study.title} is now {CaseStudyStatus(study.status).label.lower()}.")
    return redirect(study)


# --- Evaluation forms (no sign-in) ----------------------------------------------------------


def _link_problem(request, refused: services.InvalidLink):
    return render(request, "outcomes/evaluate_problem.html", {"message": str(refused)}, status=refused.status)


@public
def evaluate(request, token: str):
    try:
        invite = services.evaluation_open(token)
    except services.InvalidLink as refused:
        return _link_problem(request, refused)
    project = invite.kind == "project"
    form = forms.EvaluationForm(request.POST or None, project=project)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_submit(
                    token=token,
                    informed=data["informed"],
                    heard=data["heard"],
                    valued=data["valued"],
                    difference=data["difference"],
                    comments=data["comments"],
                    anonymous=data["anonymous"],
                    own_involvement=data.get("own_involvement"),
                    wider_involvement=data.get("wider_involvement"),
                    rung_reached=data.get("rung_reached"),
                )
            except services.InvalidLink as refused:
                return _link_problem(request, refused)
            except services.OutcomeError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("outcomes:evaluate_thanks")
        return render(request, "outcomes/evaluate.html", {"form": form, "invite": invite}, status=400)
    return render(request, "outcomes/evaluate.html", {"form": form, "invite": invite})


@public
def evaluate_thanks(request):
    return render(request, "outcomes/evaluate_thanks.html")


# --- Priority groups --------------------------------------------------------------------------


@requires("outcomes.manage")
def priority_group_list(request):
    return render(request, "outcomes/priority_groups.html", {"groups": PriorityGroup.objects.all()})


@requires("outcomes.manage")
def priority_group_edit(request, pk: int | None = None):
    instance = get_object_or_404(PriorityGroup, pk=pk) if pk is not None else None
    form = forms.PriorityGroupForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved} saved.")
        return redirect("outcomes:priority_group_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Change {instance}" if instance else "Add a priority group",
            "back": ("Priority groups", "outcomes:priority_group_list"),
        },
    )
