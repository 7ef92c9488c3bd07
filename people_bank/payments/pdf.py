"""A partner's statement as a PDF, with WeasyPrint. Everything is local: system fonts
(Arial resolves to Liberation Sans), no images, and any URL other than data: or file: is
refused, so a statement never depends on the network."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).with_name("statement.css")


def render_statement_pdf(statement: dict) -> bytes:
    fetcher = URLFetcher(allowed_protocols=frozenset({"data", "file"}), timeout=1)
    html = render_to_string(
        "people_bank/payments/statement_pdf.html", {**statement, "trust_name": settings.TRUST_NAME}
    )
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)], pdf_tags=True)
