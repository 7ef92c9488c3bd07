"""Board report pages: thin views over report selectors and services."""

import csv

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from outcomes.report import selectors, services
from outcomes.report.forms import PublishForm, ReportRequestForm
from outcomes.report.pdf import document_context
from outcomes.report.quarters import Quarter
from ppe import audit
from ppe.access import can, requires
from ppe.exports import SafeWriter

REFRESH_SECONDS = 5


def _index(request, form=None, status=200):
    context = {"published": selectors.published_reports()}
    if can(request.user, "reports.generate"):
        context["form"] = form or ReportRequestForm()
        context["versions"] = selectors.all_versions()
    return render(request, "outcomes/report/index.html", context, status=status)


@requires("reports.view_published")
@require_GET
def report_index(request):
    return _index(request)


@requires("reports.generate")
@require_POST
def report_request(request):
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        return _index(request, form, status=400)
    quarter = form.cleaned_data["quarter"]
    try:
        version = services.report_request(quarter=quarter, by=request.user)
    except services.ReportAlreadyInProgress as exc:
        form.add_error("quarter", str(exc))
        return _index(request, form, status=409)
    if version.queue_failed_at:
        messages.warning(
            request,
            f"The job queue cannot be reached just now. Version {version.number} of the {quarter.label} "
            "report is saved and will start by itself when the queue is back.",
        )
    else:
        messages.success(request, f"Version {version.number} of the {quarter.label} report is queued.")
    return redirect("outcomes:report_status", quarter=version.quarter, number=version.number)


@requires("reports.generate")
@require_GET
def report_status(request, quarter, number):
    version = selectors.version_for(request.user, quarter, number)
    context = {
        "version": version,
        "quarter_value": Quarter.parse(version.quarter),
        "publish_form": PublishForm(),
    }
    if version.figures:
        context["document"] = document_context(version.figures, version=version.number, status=version.status)
    response = render(request, "outcomes/report/status.html", context)
    if version.is_active:
        # Reloads the page without JavaScript until the job is done or has failed.
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@requires("reports.generate")
@require_POST
def report_publish(request, quarter, number):
    version = selectors.version_for(request.user, quarter, number)
    try:
        services.report_publish(version=version, by=request.user)
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("outcomes:report_status", quarter=quarter, number=number)
    messages.success(
        request, f"Version {version.number} is published. Board members have been emailed a link."
    )
    return redirect("outcomes:report_status", quarter=quarter, number=number)


def _file_name(version, extension: str) -> str:
    return (
        f"{slugify('board ppi report ' + Quarter.parse(version.quarter).label)}-v{version.number}.{extension}"
    )


@requires("reports.view_published")
@require_GET
def report_download(request, quarter, number):
    version = selectors.version_for(request.user, quarter, number, need_file=True)
    try:
        handle = default_storage.open(version.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The report file is missing. Ask the PPI team to prepare it again.") from exc
    audit.record(request, "download", version, detail="pdf")
    return FileResponse(
        handle, as_attachment=True, filename=_file_name(version, "pdf"), content_type="application/pdf"
    )


@requires("reports.view_published")
@require_GET
def report_appendix(request, quarter, number):
    version = selectors.version_for(request.user, quarter, number, need_file=True)
    audit.record(request, "download", version, detail="csv appendix")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(version, "csv")}"'
    write_appendix(version.figures, SafeWriter(csv.writer(response)))
    return response


def write_appendix(figures: dict, writer) -> None:
    """Every figure and table cell of the frozen figures, one per line."""
    writer.writerow(["Section", "Figure or table", "Row", "Measure", "Value"])
    for section in figures["sections"]:
        if section["empty"]:
            writer.writerow([section["title"], "", "", "", section["message"]])
        for figure in section["figures"]:
            for measure in ("value", "previous", "change", "target"):
                if figure.get(measure) is not None:
                    writer.writerow([section["title"], figure["label"], "", measure, figure[measure]])
        for table in section["tables"]:
            for row in table["rows"]:
                for column, cell in zip(table["columns"][1:], row[1:], strict=False):
                    writer.writerow([section["title"], table["title"], row[0], column, cell])
        for item in section["items"]:
            writer.writerow([section["title"], "", "", "item", item])
        for highlight in section["highlights"]:
            writer.writerow([section["title"], highlight["title"], "", "summary", highlight["summary"]])
