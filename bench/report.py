"""Time the Board report on PostgreSQL: gathering the figures and rendering the PDF.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppe_report \
        .venv/bin/python bench/report.py [2026-Q1] [--runs 5] [--sample]

Prints the median of a few runs of each (targets: figures under 2 s, PDF under 3 s).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppe.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402

from outcomes.report.figures import SOURCES, Source, board_report_figures  # noqa: E402
from outcomes.report.pdf import render_pdf  # noqa: E402
from outcomes.report.quarters import Quarter  # noqa: E402


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def full_sized_figures(quarter: Quarter) -> dict:
    """A report with every section the merged apps will fill, at a large Trust's size."""
    from dataclasses import dataclass
    from decimal import Decimal
    from unittest import mock

    from outcomes.report import adapters, figures

    @dataclass
    class Row:
        label: str
        count: int
        reference: Decimal | None

    people = {"partners": 14, "improvers": 212, "organisations": 64, "joiners": 31, "leavers": 4,
              "reviews_due": 3, "tenure_ends": 1}  # fmt: skip
    representation = {
        f"characteristic_{c}": [
            Row(f"Group {c}.{g}", (c * 7 + g * 13) % 90, Decimal("5.5")) for g in range(9)
        ]
        for c in range(9)
    }
    decided = {"received": 40, "assessed": 35, "accepted": 28, "declined": 5}
    requests = {
        **decided,
        "by_cmg": [{"cmg__name": f"Clinical Management Group {n}", **decided} for n in range(25)],
        "by_priority": [{"priority__name": f"Quality priority {n}", **decided} for n in range(12)],
        "average_days_to_assessment": 6.2,
        "rung_spread": [
            {"rung": f"Rung {n}", "order": n, "planned": n * 3, "achieved": n * 2} for n in range(6)
        ],
        "overdue_assessments": 3,
        "without_involvement": 2,
    }
    sources = [
        figures.Source(lambda start, end: people, adapters.people_bank_parts),
        figures.Source(lambda: representation, adapters.representation_parts, dated=False),
        figures.Source(lambda start, end: requests, adapters.requests_parts),
    ]
    with mock.patch.object(figures, "SOURCES", sources):
        return figures.board_report_figures(quarter)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("quarter", nargs="?", help="e.g. 2026-Q1 (default: the last quarter that has ended)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--full",
        action="store_true",
        help="time the PDF for a full-sized report too (every section filled, long tables), built from "
        "answers shaped like the People Bank and Requests selectors'",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="also wire in the tests' stand-in source, to time a PDF with tables and charts",
    )
    args = parser.parse_args()
    if args.sample:
        SOURCES.append(Source("tests.outcomes.sources.sample_figures"))
    if connection.vendor != "postgresql":
        print("bench/report.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
        return 2
    quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.last_ended(timezone.localdate())
    connection.force_debug_cursor = True
    reset_queries()
    board_report_figures(quarter)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    figures_s, figures = timed(lambda: board_report_figures(quarter), args.runs)
    pdf_s, pdf = timed(lambda: render_pdf(figures, version=1, status="done"), args.runs)
    if args.full:
        full = full_sized_figures(quarter)
        full_s, full_pdf = timed(lambda: render_pdf(full, version=1, status="done"), args.runs)
    filled = sum(not s["empty"] for s in figures["sections"])
    print(f"database: {connection.settings_dict['NAME']}  quarter: {quarter.label}  runs: {args.runs}")
    print(f"sources wired: {len(SOURCES)}  sections with figures: {filled}/{len(figures['sections'])}")
    print(f"figures  median {figures_s * 1000:8.1f} ms  ({queries} queries)   target < 2000 ms")
    print(f"pdf      median {pdf_s * 1000:8.1f} ms  ({len(pdf) / 1024:.0f} KiB)      target < 3000 ms")
    if args.full:
        info = subprocess.run(["pdfinfo", "-"], input=full_pdf, capture_output=True, check=False).stdout
        pages = next(
            (line.split()[-1] for line in info.decode().splitlines() if line.startswith("Pages:")), "?"
        )
        print(f"full pdf median {full_s * 1000:8.1f} ms  ({len(full_pdf) / 1024:.0f} KiB, {pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
