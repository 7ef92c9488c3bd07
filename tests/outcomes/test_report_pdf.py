"""The PDF a Board reads: text extracted with pdftotext, metadata with pdfinfo."""

import re
import subprocess
import zlib

import pytest
from weasyprint import HTML

from outcomes.report.figures import board_report_figures
from outcomes.report.pdf import local_only_fetcher, render_pdf
from outcomes.report.quarters import Quarter

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path, *, layout=True) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_info(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def line_with(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if label in line)


@pytest.fixture
def report_pdf(sample_source, services_by_cmg, settings):
    settings.TRUST_NAME = "Northfield Hospitals NHS Foundation Trust"
    return render_pdf(board_report_figures(Quarter(2026, 1)), version=3, status="done")


def test_the_cover_names_the_trust_quarter_version_and_draft_status(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path)
    cover = text.split("\f")[0]
    assert "Northfield Hospitals NHS Foundation Trust" in cover
    assert "2026-27 Q1 (April to June 2026)" in cover
    assert re.search(r"Version\s+3", cover)
    assert "DRAFT: NOT FOR CIRCULATION" in cover


def test_the_figures_appear_in_the_pdf(report_pdf, tmp_path):
    text = " ".join(pdf_text(report_pdf, tmp_path, layout=False).split())
    assert "Suggestions actioned 65.0% 50.0% +15.0 points" in text
    assert "Target 60%: met" in text
    assert "Paid to Patient Partners £620.00 £500.00 +£120.00" in text
    assert "Involvement achieved on the top three rungs 66.7%" in text
    assert "Cardiology 2 Renal 1" in text


def test_equality_counts_in_the_pdf_follow_the_disclosure_rule(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path)
    assert "Ethnicity (total 100)" in text
    assert re.search(r"Black or Black British\s+\*\s+\*\s+6\.1", text)
    assert re.search(r"White British\s+60\s+60\.0\s+71\.5", text)
    assert re.search(r"Asian or Asian British\s+25\s+25\.0\s+14\.2", text)
    assert "Counts of 1 to 7 are shown as *" in text
    # The raw counts never reach the Board: 62, 23 and 5 people.
    ethnicity = text[text.index("Ethnicity (total 100)") :]
    ethnicity = ethnicity[: ethnicity.index("Counts of 1 to 7")]
    assert not re.search(r"\b(62|23)\b", ethnicity)


def test_empty_sections_say_nothing_this_quarter(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path, layout=False)
    assert re.search(r"Case study highlights\s+Nothing this quarter\.", text)
    assert re.search(r"Evaluation scores\s+Nothing this quarter\.", text)


def test_the_contents_and_page_numbers_are_printed(report_pdf, tmp_path):
    text = pdf_text(report_pdf, tmp_path)
    pages = text.split("\f")
    assert "Contents" in pages[1]
    assert re.search(r"Exceptions \.+ \d+", pages[1])
    total = len([p for p in pages if p.strip()])
    assert f"Page 2 of {total}" in pages[1]
    assert "Page 1 of" not in pages[0]  # the cover has no number


def test_the_pdf_has_a_title_a_language_and_tags(report_pdf, tmp_path):
    info = pdf_info(report_pdf, tmp_path)
    assert "Title:           Patient and public involvement: Board report 2026-27 Q1" in info
    assert "Tagged:          yes" in info
    streams = b"".join(
        _inflate(m.group(1)) for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", report_pdf, re.S)
    )
    assert b"/Lang (en-GB)" in streams + report_pdf


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return b""


def test_a_report_never_loads_anything_from_the_network(tmp_path):
    seen = []
    fetcher = local_only_fetcher()
    html = HTML(string='<p>x</p><img src="https://example.org/logo.png">', url_fetcher=fetcher)
    html.write_pdf()  # a refused image is left out, not fetched
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.org/logo.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://example.org/style.css")
    assert seen == []


def test_a_long_table_repeats_its_header_on_each_page_it_spans(sample_source, services_by_cmg, tmp_path):
    from tests.factories import ClinicalManagementGroupFactory, ServiceFactory

    for n in range(80):
        ServiceFactory(cmg=ClinicalManagementGroupFactory(name=f"Group {n:02d}"))
    text = pdf_text(render_pdf(board_report_figures(Quarter(2026, 1)), version=1, status="done"), tmp_path)
    pages_with_rows = [page for page in text.split("\f") if re.search(r"Group \d\d\s+1", page)]
    assert len(pages_with_rows) >= 2
    assert all(re.search(r"CMG\s+Received", page) for page in pages_with_rows)
    # Every row is printed once, whole: none is split across a page break.
    assert sum(len(re.findall(r"Group \d\d\s+1\n", page)) for page in pages_with_rows) == 80


def test_hostile_text_in_a_table_is_printed_as_text_not_run_or_dropped(tmp_path):
    figures = board_report_figures(Quarter(2026, 1))
    section = next(section for section in figures["sections"] if section["key"] == "requests")
    section.update(
        empty=False,
        tables=[
            {
                "title": "Requests received by CMG",
                "columns": ["CMG", "Received"],
                "rows": [
                    ["<script>alert('ppe')</script>", 1],
                    ["<b>Bold</b> & \u202eevil\u202c", 2],
                    ["\x07bell\x1b[31m", 3],
                ],
            }
        ],
    )
    text = pdf_text(render_pdf(figures, version=1, status="done"), tmp_path, layout=False)
    assert "<script>alert('ppe')</script>" in text
    assert "<b>Bold</b> &" in text
