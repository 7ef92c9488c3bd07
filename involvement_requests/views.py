"""Thin views: parse input, call a selector or a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from involvement_requests import forms, selectors, services
from involvement_requests.filters import RequestFilter
from involvement_requests.models import InvolvementRequest, QualityPriority, Rung, Status
from people_bank.models import ClinicalManagementGroup, Interest, Service
from ppe.access import can, public, requires

PAGE_SIZE = 25


def _visible_or_404(user, pk: int) -> InvolvementRequest:
    """The request, if this user may see it; 404 whether it is someone else's or missing."""
    try:
        return selectors.request_for_page(user, pk)
    except InvolvementRequest.DoesNotExist:
        raise Http404("No such request") from None


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@requires("requests.view_own")
def request_list(request):
    """A QI lead's own requests and those they co-lead. The PPI team works from the queue."""
    if can(request.user, "requests.assess"):
        return redirect("involvement_requests:queue")
    page = _page(request, selectors.my_requests(request.user))
    return render(request, "involvement_requests/request_list.html", {"page": page})


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
    assessment = getattr(instance, "assessment", None) if instance.assessed_at else None
    return render(
        request,
        "involvement_requests/request_detail.html",
        {
            "object": instance,
            "assessment": assessment,
            "history": list(selectors.status_history(instance)),
            "actions": selectors.actions_for(instance, request.user),
            "may_edit": selectors.may_edit(instance, request.user),
            "note_form": forms.NoteForm(),
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
    counts = selectors.queue_counts()
    filterset = RequestFilter(request.GET or None, queryset=selectors.queue(name))
    filterset.form.initial["queue"] = name
    page = _page(request, filterset.qs)
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
            "by_rung": selectors.counts_by_rung(),
            "query": params.urlencode(),
            "due_days": selectors.overdue_days(),
        },
    )


@public
def bulletin(request):
    page = _page(request, selectors.public_opportunities())
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
