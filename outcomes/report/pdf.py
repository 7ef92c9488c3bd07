"""The Board report as a PDF, drawn from the frozen figures with WeasyPrint.

Everything it needs is local: fonts come from the system (Arial resolves to Liberation
Sans), charts are SVG made in charts.py, and any attempt to fetch a URL is refused, because
a worker has no network and a report must never depend on one."""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from outcomes.report.charts import bar_chart_svg, data_uri, table_bars

STYLESHEET = Path(__file__).with_name("pdf.css")


LOCAL_SCHEMES = frozenset({"data", "file"})


def local_only_fetcher() -> URLFetcher:
    """Fetches data: and file: URLs only; anything else (http, https, ftp) is refused."""
    return URLFetcher(allowed_protocols=LOCAL_SCHEMES, timeout=1)


def document_context(figures: dict, *, version: int, status: str, published_at=None) -> dict:
    """What both the PDF and the web preview show, from the frozen figures alone."""
    sections = []
    for section in figures["sections"]:
        # Each chart comes in step with the table of the same figures (figures.py). Where
        # its bars match the table's rows, they are drawn in the table, beside the numbers;
        # otherwise as a chart of their own above it.
        blocks = []
        for chart, table in zip_longest(section["charts"], section["tables"]):
            block = {"table": table, "chart": None, "bars": None}
            if chart is not None and table is not None:
                block["bars"] = table_bars(chart, [str(row[0]) for row in table["rows"]])
            if chart is not None and block["bars"] is None:
                svg = bar_chart_svg(
                    chart["title"], chart["bars"], chart["series"], chart["unit"], draw_title=False
                )
                block["chart"] = {"title": chart["title"], "src": data_uri(svg)}
            if table is not None:
                drawn = block["bars"]["rows"] if block["bars"] else [None] * len(table["rows"])
                block["rows"] = list(zip(table["rows"], drawn, strict=True))
            blocks.append(block)
        sections.append({**section, "blocks": blocks})
    return {
        "figures": figures,
        "trust_name": figures["trust_name"],
        "quarter": figures["quarter"],
        "sections": sections,
        "version": version,
        "status": status,
        "published_at": published_at,
        "gathered_at": parse_datetime(figures["gathered_at"]),
        "has_disclosure": any(t.get("disclosure") for s in figures["sections"] for t in s["tables"]),
    }


def render_pdf(figures: dict, *, version: int, status: str, published_at=None) -> bytes:
    context = document_context(figures, version=version, status=status, published_at=published_at)
    html = render_to_string("outcomes/report/pdf.html", context)
    fetcher = local_only_fetcher()
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)],
        pdf_tags=True,
        pdf_variant="pdf/ua-1",
    )
