"""Thin views: parse input, call a selector or a service, render or redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from involvement_requests import forms, selectors, services
from involvement_requests.filters import RequestFilter
from involvement_requests.models import (
    InvitationStatus,
    InvolvementRequest,
    QualityPriority,
    Rung,
    Status,
)
from people_bank.models import ClinicalManagementGroup, Interest, Service
from ppe import audit
from ppe.access import can, public, requires
from ppe.paging import LAST_PAGE, paginate

PAGE_SIZE = 25


def _visible_or_404(user, pk: int) -> InvolvementRequest:
    """The request, if this user may see it; 404 whether it is someone else's or missing."""
    try:
        return selectors.request_for_page(user, pk)
    except InvolvementRequest.DoesNotExist:
        raise Http404("No such request") from None


def _request_page(request, queryset, count: int | None = None):
    """One page of a list of requests, as table rows (see selectors.request_rows)."""
    page = paginate(request, queryset.values_list("pk", flat=True), count=count, size=PAGE_SIZE)
    page.object_list = selectors.request_rows(queryset, page.object_list)
    return page


@requires("requests.view_own")
def request_list(request):
    """A QI lead's own requests and those they co-lead. The PPI team works from the queue."""
    if can(request.user, "requests.assess"):
        return redirect("involvement_requests:queue")
    mine = selectors.my_requests(request.user)
    return render(
        request,
        "involvement_requests/request_list.html",
        {
            "page": _counted_page(
                request,
                lambda start, size: selectors.counted_request_rows(mine, start, size),
                lambda: _request_page(request, mine),
            )
        },
    )


def _counted_page(request, read, otherwise):
    """The page `?page=` of a list, from `read(start, size)` giving its rows and its count
    in one query (see selectors.counted). Any page but a real one (none, nonsense, past the
    end) is left to `otherwise()`, which pages as Django's paginator does."""
    sent = request.GET.get("page") or "1"
    if sent.isdigit() and 1 <= int(sent) <= LAST_PAGE:
        number = int(sent)
        rows, total = read((number - 1) * PAGE_SIZE, PAGE_SIZE)
        if rows or number == 1:
            paginator = Paginator([], PAGE_SIZE)
            paginator.count = total
            return Page(rows, number, paginator)
    return otherwise()


def _save_form(request, form, instance):
    """Save the answers; submit them when asked. Returns a response, or None to re-show."""
    try:
        saved = services.request_save(
            request=form.save(commit=False),
            by=request.user,
            on_behalf_of=form.cleaned_data.get("on_behalf_of"),
            co_leads=form.cleaned_data.get("co_leads") or [],
            services_wanted=form.cleaned_data.get("services_wanted") or [],
            interests_wanted=form.cleaned_data.get("interests_wanted") or [],
        )
        if form.wants_submit:
            services.request_submit(request=saved, by=request.user)
    except services.IncompleteRequest as refused:
        for name, message in refused.missing.items():
            form.add_error(name if name in form.fields else None, message)
        return None
    except services.RequestError as refused:
        messages.error(request, str(refused))
        return redirect("involvement_requests:detail", pk=instance.pk) if instance.pk else None
    if form.wants_submit:
        messages.success(request, f"{saved.reference} submitted. The PPI team will be in touch.")
    else:
        messages.success(request, f"{saved.reference} saved as a draft. You can come back to it at any time.")
    return redirect("involvement_requests:detail", pk=saved.pk)


@requires("requests.submit")
def request_create(request):
    instance = InvolvementRequest(submitted_by=request.user)
    form = forms.InvolvementRequestForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_form(request, form, InvolvementRequest())
        if response is not None:
            return response
    return render(request, "involvement_requests/request_form.html", {"form": form, "object": None})


@requires("requests.view_own")
def request_edit(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    if not selectors.may_edit(instance, request.user):
        messages.error(
            request, f"A request that is {instance.get_status_display().lower()} cannot be changed."
        )
        return redirect(instance)
    form = forms.InvolvementRequestForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save_form(request, form, instance)
        if response is not None:
            return response
    return render(request, "involvement_requests/request_form.html", {"form": form, "object": instance})


@requires("requests.view_own")
def request_detail(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    assessment = selectors.assessment_of(instance)
    return render(
        request,
        "involvement_requests/request_detail.html",
        {
            "object": instance,
            "assessment": assessment,
            "history": selectors.status_history(instance),
            "actions": selectors.actions_for(instance, request.user),
            "may_edit": selectors.may_edit(instance, request.user),
            "note_form": forms.NoteForm(),
            "people_on_project": selectors.people_on_project(instance),
            "names": selectors.request_names(instance),
            "matchable_states": selectors.MATCHABLE_STATES,
        },
    )


# action slug -> the service that makes the move, for moves that need at most a note.
MOVES = {
    "submit": services.request_submit,
    "start-assessment": services.request_start_assessment,
    "more-info": services.request_ask_for_information,
    "accept": services.request_accept,
    "allocated": services.request_mark_people_allocated,
    "start": services.request_start,
    "evaluation": services.request_start_evaluation,
}


def _as_seen(request, instance: InvolvementRequest) -> InvolvementRequest:
    """Act on the status the user saw on the page, so a move made meanwhile by someone else
    makes this one fail instead of silently applying to a different state."""
    seen = request.POST.get("status", "")
    if seen in Status.values:
        instance.status = seen
    return instance


@requires("requests.view_own")
@require_POST
def request_move(request, pk: int, action: str):
    move = MOVES.get(action)
    if move is None:
        raise Http404("No such action")
    instance = _as_seen(request, _visible_or_404(request.user, pk))
    try:
        move(request=instance, by=request.user, note=request.POST.get("note", "")[:2000])
    except services.RequestError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{instance.reference} is now {instance.get_status_display().lower()}.")
    return redirect("involvement_requests:detail", pk=pk)


@requires("requests.assess")
def request_assess(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    if instance.status != Status.IN_ASSESSMENT:
        messages.error(request, "Start the assessment before scoring the request.")
        return redirect(instance)
    current = getattr(instance, "assessment", None) if instance.assessed_at else None
    initial = {} if current else {"recommended_rung": instance.proposed_rung_id}
    form = forms.AssessmentForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.assessment_save(request=instance, by=request.user, **values)
        except services.RequestError as refused:
            messages.error(request, str(refused))
            return redirect(instance)
        messages.success(request, "Score saved. The project team can see it and the reasons.")
        return redirect(instance)
    return render(
        request,
        "involvement_requests/assess.html",
        {"object": instance, "form": form, "heading": "Score the request"},
    )


def _decision_page(request, pk: int, form_class, act, template: str, heading: str):
    instance = _visible_or_404(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(_as_seen(request, instance), form.cleaned_data)
        except services.RequestError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"{instance.reference} is now {instance.get_status_display().lower()}.")
        return redirect("involvement_requests:detail", pk=pk)
    return render(request, template, {"object": instance, "form": form, "heading": heading})


@requires("requests.assess")
def request_decline(request, pk: int):
    return _decision_page(
        request,
        pk,
        forms.DeclineForm,
        lambda obj, data: services.request_decline(request=obj, by=request.user, reason=data["reason"]),
        "involvement_requests/decline.html",
        "Decline the request",
    )


@requires("requests.view_own")
def request_withdraw(request, pk: int):
    return _decision_page(
        request,
        pk,
        forms.WithdrawForm,
        lambda obj, data: services.request_withdraw(request=obj, by=request.user, note=data["note"]),
        "involvement_requests/withdraw.html",
        "Withdraw the request",
    )


@requires("requests.assess")
def request_close(request, pk: int):
    return _decision_page(
        request,
        pk,
        forms.CloseForm,
        lambda obj, data: services.request_close(
            request=obj, by=request.user, achieved_rung=data["achieved_rung"], note=data["note"]
        ),
        "involvement_requests/close.html",
        "Close the request",
    )


@requires("requests.assess")
def queue(request):
    filtering = any(value for key, value in request.GET.items() if key not in ("queue", "page"))
    name = request.GET.get("queue") or ("all" if filtering else "new")
    if name not in selectors.QUEUES:
        name = "new"
    figures = selectors.queue_figures()
    counts = figures["queues"]
    filterset = RequestFilter(request.GET or None, queryset=selectors.queue(name))
    filterset.form.initial["queue"] = name
    # An unfiltered tab's own count is kept until a request changes ("overdue" also moves
    # with the clock, so it is counted afresh).
    known = counts[name] if not filtering and name != "overdue" else None
    if (filtering or name == "overdue") and filterset.is_valid():
        page = _counted_page(
            request,
            lambda start, size: filterset.page_rows(name, start, size),
            lambda: _request_page(request, filterset.qs),
        )
    else:
        page = _request_page(request, filterset.qs, count=known)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "involvement_requests/queue.html",
        {
            "filter": filterset,
            "page": page,
            "queue_name": name,
            "filtering": filtering,
            "queues": [
                {"key": key, "label": label, "count": counts[key]}
                for key, (label, _q) in selectors.QUEUES.items()
            ],
            "by_rung": figures["by_rung"],
            "query": params.urlencode(),
            "due_days": selectors.overdue_days(),
        },
        # A filter value that names nothing is refused, with its message at the field.
        status=400 if filterset.form.errors else 200,
    )


@public
def bulletin(request):
    page = paginate(
        request, selectors.public_opportunities(), count=selectors.public_opportunity_count(), size=PAGE_SIZE
    )
    return render(request, "involvement_requests/bulletin.html", {"page": page})


# --- Reference data -----------------------------------------------------------------


# kind in the URL -> the model, its form, and what one of them is called
REFERENCE_KINDS = {
    "rungs": (Rung, forms.RungForm, "rung"),
    "priorities": (QualityPriority, forms.QualityPriorityForm, "Quality Strategy priority"),
    "cmgs": (ClinicalManagementGroup, forms.ClinicalManagementGroupForm, "Clinical Management Group"),
    "services": (Service, forms.ServiceForm, "service"),
    "interests": (Interest, forms.InterestForm, "issue people care about"),
}


@requires("reference.edit")
def reference_home(request):
    return render(
        request,
        "involvement_requests/reference/home.html",
        {
            "rungs": Rung.objects.order_by("order"),
            "priorities": QualityPriority.objects.all(),
            "cmgs": ClinicalManagementGroup.objects.prefetch_related("services"),
            "interests": Interest.objects.all(),
        },
    )


@requires("reference.edit")
def reference_edit(request, kind: str, pk: int | None = None):
    """Add (no pk) or change one row of reference data."""
    if kind not in REFERENCE_KINDS:
        raise Http404("No such list")
    model, form_class, noun = REFERENCE_KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved} saved.")
        return redirect("involvement_requests:reference")
    title = f"Change {noun}" if instance else f"Add a {noun}"
    return render(request, "involvement_requests/reference/form.html", {"form": form, "title": title})


@requires("reference.edit")
@require_POST
def rung_delete(request, pk: int):
    rung = get_object_or_404(Rung, pk=pk)
    outcome = services.rung_delete_or_retire(rung=rung, by=request.user)
    if outcome == "retired":
        messages.success(request, f"{rung} is used by requests, so it has been retired rather than deleted.")
    else:
        messages.success(request, f"{rung} deleted.")
    return redirect(reverse("involvement_requests:reference"))


# --- Matching, allocation and invitations -------------------------------------------


def _open_for_people_or_back(request, instance):
    """None when people can be matched on this request now; otherwise a redirect back."""
    if instance.status in selectors.MATCHABLE_STATES:
        return None
    messages.error(
        request,
        f"A request that is {instance.get_status_display().lower()} cannot have people matched, "
        "allocated or invited: that happens once it is accepted, until it moves to evaluation.",
    )
    return redirect(instance)


@requires("requests.assess")
def request_match(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    back = _open_for_people_or_back(request, instance)
    if back is not None:
        return back
    filter_form = forms.MatchFilterForm(request.GET or None)
    wanted = selectors.wanted_for(instance, **filter_form.choices())
    rows = selectors.match_for_request(instance, wanted)
    audit.record(request, "view", instance, detail="match page")
    return render(
        request,
        "involvement_requests/match.html",
        {
            "object": instance,
            "rows": rows,
            "wanted": wanted,
            "rung": selectors.rung_for_matching(instance),
            "filter_form": filter_form,
            "limit": settings.REQUESTS_MATCH_LIMIT,
            "recent_months": settings.REQUESTS_MATCH_RECENT_MONTHS,
            "any_improvers": any(row.suggestion.as_improver for row in rows),
        },
    )


@requires("requests.assess")
def request_people(request, pk: int):
    """Allocations, invitations and their answers, and organisations asked."""
    instance = _visible_or_404(request.user, pk)
    audit.record(request, "view", instance, detail="allocations and invitations")
    invitations = selectors.invitations_for(instance)
    open_for_people = instance.status in selectors.MATCHABLE_STATES
    return render(
        request,
        "involvement_requests/people.html",
        {
            "object": instance,
            "allocations": selectors.allocations_for(instance),
            "invitations": invitations,
            # A reminder can be sent for an invitation that went out and is not answered.
            "remind_urls": {
                invitation["pk"]: reverse(
                    "involvement_requests:invitation_remind", args=[instance.pk, invitation["pk"]]
                )
                for invitation in invitations
                if open_for_people
                and invitation["status"] == InvitationStatus.INVITED
                and invitation["sent_at"]
            },
            "organisation_invitations": selectors.organisation_invitations_for(instance),
            "counts": selectors.response_counts(invitations),
            "open_for_people": open_for_people,
            "rung": selectors.rung_for_matching(instance),
        },
    )


@requires("requests.assess")
def request_allocate(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    back = _open_for_people_or_back(request, instance)
    if back is not None:
        return back
    rung = selectors.rung_for_matching(instance)
    initial = {"starts_on": instance.involvement_from or instance.start_date, "ends_on": instance.end_date}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = forms.AllocationForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                allocation = services.allocation_create(
                    request=instance,
                    person=data["person"],
                    role=data["role"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    by=request.user,
                )
            except services.RequestError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, f"{allocation.person.display_name} allocated as {allocation.get_role_display()}."
                )
                return redirect("involvement_requests:people", pk=pk)
        status = 400
    return render(
        request,
        "involvement_requests/allocate.html",
        {
            "object": instance,
            "form": form,
            "rung": rung,
            "heading": "Allocate a Patient Partner",
        },
        status=status,
    )


@requires("requests.assess")
@require_POST
def request_invite(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    chosen = request.POST.getlist("people")
    if not all(value.isdigit() and len(value) < 12 for value in chosen):
        messages.error(request, "Nobody was invited: select people from the list.")
        return redirect("involvement_requests:match", pk=pk)
    try:
        invitations = services.invitations_create(request=instance, person_ids=chosen, by=request.user)
    except services.RequestError as refused:
        messages.error(request, str(refused))
        return redirect("involvement_requests:match", pk=pk)
    count = len(invitations)
    messages.success(request, f"{count} Hospital Improver{'s' if count != 1 else ''} invited by email.")
    return redirect("involvement_requests:people", pk=pk)


@requires("requests.assess")
@require_POST
def invitation_remind(request, pk: int, invitation: int):
    instance = _visible_or_404(request.user, pk)
    found = get_object_or_404(instance.invitations.select_related("person", "request"), pk=invitation)
    try:
        services.invitation_ask_reminder(invitation=found, by=request.user)
    except services.RequestError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Reminder on its way to {found.person.display_name}.")
    return redirect("involvement_requests:people", pk=pk)


@requires("requests.assess")
def request_invite_organisations(request, pk: int):
    instance = _visible_or_404(request.user, pk)
    back = _open_for_people_or_back(request, instance)
    if back is not None:
        return back
    form = forms.OrganisationInviteForm(request.POST if request.method == "POST" else None, request=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.organisations_invite(
                    request=instance,
                    organisations=form.cleaned_data["organisations"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except services.RequestError as refused:
                form.add_error(None, str(refused))
            else:
                count = len(made)
                messages.success(request, f"{count} organisation{'s' if count != 1 else ''} asked by email.")
                return redirect("involvement_requests:people", pk=pk)
        status = 400
    return render(
        request,
        "involvement_requests/invite_organisations.html",
        {"object": instance, "form": form, "heading": "Ask organisations to share this opportunity"},
        status=status,
    )


INVITATION_REFUSALS = {
    "not_found": (
        "This link does not work",
        "The link may be mistyped, or we may have sent you a newer one in a reminder: "
        "please use the link in our latest email.",
    ),
    "used": ("You have already answered", "Thank you: we have your answer to this invitation."),
    "expired": ("This link has expired", "The time to answer this invitation has passed."),
    "closed": ("This opportunity has closed", "The project is no longer looking for people."),
}


def _link_refused(request, refused):
    title, text = INVITATION_REFUSALS.get(str(refused), INVITATION_REFUSALS["not_found"])
    return render(
        request,
        "involvement_requests/public/invitation_refused.html",
        {"title": title, "text": text, "team_email": settings.PPI_TEAM_EMAIL},
        status=refused.status,
    )


@public
@never_cache
def invitation_respond(request, token: str):
    """The personal link from the email: see the opportunity, then say yes or no. A GET
    changes nothing (mail scanners open links); only the button's POST answers."""
    try:
        invitation = services.invitation_for_token(token)
    except services.LinkRefused as refused:
        return _link_refused(request, refused)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            return render(
                request,
                "involvement_requests/public/invitation.html",
                {"invitation": invitation, "error": "Select yes or no", "token": token},
                status=400,
            )
        try:
            services.invitation_respond(token=token, accept=answer == "accept")
        except services.LinkRefused as refused:
            return _link_refused(request, refused)
        return redirect(
            "involvement_requests:invitation_done", answer="accepted" if answer == "accept" else "declined"
        )
    return render(
        request, "involvement_requests/public/invitation.html", {"invitation": invitation, "token": token}
    )


@public
def invitation_done(request, answer: str):
    if answer not in ("accepted", "declined"):
        raise Http404("No such answer")
    return render(
        request,
        "involvement_requests/public/invitation_done.html",
        {"accepted": answer == "accepted", "team_email": settings.PPI_TEAM_EMAIL},
    )
