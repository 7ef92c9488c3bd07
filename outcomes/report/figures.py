"""Every figure in the quarterly Board report, gathered once into plain data.

`board_report_figures(quarter)` returns dicts, lists, numbers and strings only (money and
shares as decimal strings), so it can be frozen as JSON when a report job starts; the
PDF, the web preview and the CSV appendix are all drawn from that one structure.

Where the figures come from
---------------------------
Each app that owns figures offers ONE selector, `<name>(start: date, end: date) -> dict`
(both dates inclusive), returning parts keyed by the section they belong to:

    {"requests": {"figures": [...], "tables": [...]}, "ladder": {"ladder": [...]}, ...}

A part may hold any of:
    figures:     [{"key", "label", "value": int | "12.50", "unit": "count"|"money"|"percent"|"days",
                   "headline": bool (optional)}]
    tables:      [{"title", "columns": [str], "rows": [[str | int]]}]
    charts:      [{"title", "series": [str], "unit": str, "bars": [{"label", "values": [..]}]}]
    items:       [str]                            (e.g. exceptions, one line each)
    highlights:  [{"title", "summary"}]           (published case studies)
    ladder:      [{"rung", "position", "planned": int, "achieved": int}]   (raw, finished here)
    equality:    [{"characteristic", "groups": [{"label", "count": int, "reference_percent"}]}]
                                                  (raw counts: the disclosure rule is applied here)
    suggestions: {"received": int, "actioned": int}                      (raw, finished here)

An app whose selector returns its own shape is wired in through an adapter in
adapters.py, a pure function from that shape to these parts. Wiring an app in is one
`Source(...)` line in SOURCES. Each source runs a fixed number of queries, and is called
for this quarter and the one before (for the change in headline figures).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from outcomes.report import adapters
from outcomes.report.disclosure import disclosed_table
from outcomes.report.quarters import Quarter

SCHEMA = 1
NOTHING = "Nothing this quarter."
TOP_RUNGS = 3
IMPROVERS_TARGET = 40  # hospital improvers, year one
ACTIONED_TARGET = Decimal(60)  # "you said, we did": share of suggestions actioned


def _as_is(figures: dict) -> dict:
    return figures


@dataclass(frozen=True)
class Source:
    selector: str | Callable  # the owning app's selector, or its dotted path
    adapt: Callable[[object], dict] = _as_is  # its answer -> {section_key: part}
    dated: bool = True  # False for a snapshot selector that takes no dates

    def parts(self, quarter: Quarter) -> dict:
        selector = import_string(self.selector) if isinstance(self.selector, str) else self.selector
        answer = selector(quarter.start, quarter.end) if self.dated else selector()
        return self.adapt(answer)


# One line per owning app's selector. Still to come: payments.
SOURCES: list[Source] = [
    Source("people_bank.selectors.people_bank_figures", adapters.people_bank_parts),
    Source("people_bank.selectors.representation", adapters.representation_parts, dated=False),
    Source("involvement_requests.selectors.requests_figures", adapters.requests_parts),
    Source("people_bank.payments.selectors.payments_figures"),
    # Outcomes: activities, "you said, we did", evaluations, case studies and exceptions.
    Source("outcomes.selectors.board_report_parts"),
]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    finish: Callable[[dict], dict] | None = None  # raw part -> figures/tables/charts


def _percent(part, whole) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _finish_ladder(part: dict) -> dict:
    rungs = sorted(part.pop("ladder", []), key=lambda r: r["position"])
    if not rungs:
        return part
    top = {r["rung"] for r in rungs[-TOP_RUNGS:]}
    planned = sum(r["planned"] for r in rungs)
    achieved = sum(r["achieved"] for r in rungs)
    share_planned = _percent(sum(r["planned"] for r in rungs if r["rung"] in top), planned)
    share_achieved = _percent(sum(r["achieved"] for r in rungs if r["rung"] in top), achieved)
    part.setdefault("figures", []).extend(
        [
            {
                "key": "ladder_top_three_achieved",
                "label": "Involvement achieved on the top three rungs",
                "value": share_achieved or "0.0",
                "unit": "percent",
                "headline": True,
            },
            {
                "key": "ladder_top_three_planned",
                "label": "Involvement planned on the top three rungs",
                "value": share_planned or "0.0",
                "unit": "percent",
            },
        ]
    )
    part.setdefault("tables", []).append(
        {
            "title": "Involvement by rung of the ladder",
            "columns": ["Rung", "Planned", "Achieved"],
            "rows": [[r["rung"], r["planned"], r["achieved"]] for r in reversed(rungs)],
        }
    )
    part.setdefault("charts", []).append(
        {
            "title": "Planned and achieved involvement by rung",
            "series": ["Planned", "Achieved"],
            "unit": "",
            "bars": [{"label": r["rung"], "values": [r["planned"], r["achieved"]]} for r in reversed(rungs)],
        }
    )
    return part


def _finish_representation(part: dict) -> dict:
    for characteristic in part.pop("equality", []):
        table = disclosed_table(characteristic["groups"])
        part.setdefault("tables", []).append(
            {
                "title": f"{characteristic['characteristic']} (total {table['total']})",
                "columns": ["Group", "People", "Share %", "Reference population %"],
                "rows": [
                    [row["label"], row["count"], row["percent"], row["reference_percent"] or "–"]
                    for row in table["rows"]
                ],
                "disclosure": True,
            }
        )
        part.setdefault("charts", []).append(
            {
                "title": f"{characteristic['characteristic']}: People Bank and reference population",
                "series": ["People Bank %", "Reference %"],
                "unit": "%",
                "bars": [
                    {"label": row["label"], "values": [row["percent"], row["reference_percent"] or 0]}
                    for row in table["rows"]
                ],
            }
        )
    return part


def _finish_suggestions(part: dict) -> dict:
    counts = part.pop("suggestions", None)
    if not counts or not counts.get("received"):
        return part
    share = _percent(counts["actioned"], counts["received"])
    part.setdefault("figures", []).extend(
        [
            {"key": "suggestions_received", "label": "Suggestions received", "value": counts["received"]},
            {
                "key": "suggestions_actioned_share",
                "label": "Suggestions actioned",
                "value": share,
                "unit": "percent",
                "target": str(ACTIONED_TARGET),
                "target_met": Decimal(share) >= ACTIONED_TARGET,
                "headline": True,
            },
        ]
    )
    return part


def _finish_people_bank(part: dict) -> dict:
    for figure in part.get("figures", []):
        if figure["key"] == "hospital_improvers":
            figure["target"] = IMPROVERS_TARGET
            figure["target_met"] = int(figure["value"]) >= IMPROVERS_TARGET
    return part


HEADLINE = "headline"
SECTIONS: list[Section] = [
    Section(HEADLINE, "Headline figures"),
    Section("requests", "Patient Involvement Requests"),
    Section("assessment_time", "Time from submission to assessment"),
    Section("ladder", "Spread across the ladder of engagement", _finish_ladder),
    Section("people_bank", "People Bank size and movement", _finish_people_bank),
    Section("reviews_due", "Reviews and tenure ends coming up"),
    Section("representation", "Representation against the reference population", _finish_representation),
    Section("activities", "Activities and reach"),
    Section("you_said_we_did", "You said, we did", _finish_suggestions),
    Section("evaluations", "Evaluation scores"),
    Section("sessions_payments", "Sessions held and payments to partners"),
    Section("case_studies", "Case study highlights"),
    Section("exceptions", "Exceptions"),
]
_KINDS = ("figures", "tables", "charts", "items", "highlights")


def _gather(quarter: Quarter, sources: list[Source]) -> dict[str, dict]:
    """Every source's parts for one quarter, merged per section and finished."""
    merged: dict[str, dict] = {}
    for source in sources:
        for key, part in source.parts(quarter).items():
            target = merged.setdefault(key, {})
            for name, value in part.items():
                if isinstance(value, list):
                    target.setdefault(name, []).extend(value)
                else:
                    target[name] = value
    for section in SECTIONS:
        if section.finish and section.key in merged:
            merged[section.key] = section.finish(merged[section.key])
    return merged


def _change(value, previous):
    if previous is None or value is None or "*" in (value, previous):
        return None
    if isinstance(value, int) and isinstance(previous, int):
        return value - previous
    return str(Decimal(str(value)) - Decimal(str(previous)))


def _headline(current: dict[str, dict], previous: dict[str, dict]) -> dict:
    earlier = {f["key"]: f["value"] for part in previous.values() for f in part.get("figures", [])}
    figures = []
    for section in SECTIONS:
        for figure in current.get(section.key, {}).get("figures", []):
            if figure.get("headline"):
                before = earlier.get(figure["key"])
                figures.append({**figure, "previous": before, "change": _change(figure["value"], before)})
    return {"figures": figures}


def board_report_figures(quarter: Quarter) -> dict:
    current = _gather(quarter, SOURCES)
    previous = _gather(quarter.previous(), SOURCES)
    current[HEADLINE] = _headline(current, previous)
    sections = []
    for section in SECTIONS:
        part = current.get(section.key, {})
        body = {kind: list(part.get(kind, [])) for kind in _KINDS}
        for figure in body["figures"]:
            figure.setdefault("unit", "count")
        empty = not any(body.values())
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "empty": empty,
                "message": NOTHING if empty else "",
                **body,
            }
        )
    return {
        "schema": SCHEMA,
        "trust_name": settings.TRUST_NAME,
        "quarter": _describe(quarter),
        "previous_quarter": _describe(quarter.previous()),
        "gathered_at": timezone.now().isoformat(timespec="seconds"),
        "sections": sections,
    }


def _describe(quarter: Quarter) -> dict:
    return {
        "slug": quarter.slug,
        "label": quarter.label,
        "months": quarter.months,
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
    }
