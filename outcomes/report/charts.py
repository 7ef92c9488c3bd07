"""Bar charts as SVG, drawn here so a worker with no network needs no charting service.

The PDF embeds them as data: URIs in <img>, which WeasyPrint renders cleanly."""

from __future__ import annotations

import base64
from decimal import Decimal
from xml.sax.saxutils import escape

FONT = "Liberation Sans, Arial, sans-serif"
COLOURS = ("#005eb8", "#41b6e6")  # NHS blue, NHS light blue
PLOT_WIDTH = 360
# Room for the labels: about 6.3 px a character at 12 px Liberation Sans, within limits.
LABEL_CHAR_PX = 6.3
LABEL_MIN, LABEL_MAX = 110, 380
BAR_HEIGHT = 16
GAP = 10


def _number(value) -> float:
    if value in (None, "", "*"):
        return 0.0
    return float(Decimal(str(value)))


def bar_chart_svg(
    title: str, bars: list[dict], series: list[str], unit: str = "", *, draw_title: bool = True
) -> str:
    """Horizontal bars, one group per item; `bars` are {"label", "values": [..]} with one
    value per name in `series`. Values shown as "*" (suppressed) draw no bar.

    The PDF prints the title as HTML instead (draw_title=False): WeasyPrint lays out SVG
    text a letter at a time, so every drawn letter costs far more than one in HTML."""
    groups = len(bars)
    per_group = BAR_HEIGHT * len(series) + GAP
    legend_height = 24 if len(series) > 1 else 0
    title_height = 36 if draw_title else 6
    height = title_height + legend_height + max(groups, 1) * per_group + 10
    top = max((_number(v) for bar in bars for v in bar["values"]), default=0) or 1
    longest = max((len(str(bar["label"])) for bar in bars), default=0)
    label_width = int(min(max(longest * LABEL_CHAR_PX + 16, LABEL_MIN), LABEL_MAX))
    plot = PLOT_WIDTH
    width = label_width + plot + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
    ]
    if draw_title:
        parts.append(
            f'<text x="0" y="18" font-family="{FONT}" font-size="14" font-weight="bold" fill="#212b32">'
            f"{escape(title)}</text>"
        )
    y = title_height
    if len(series) > 1:
        x = label_width
        for index, name in enumerate(series):
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[index % 2]}"/>')
            parts.append(
                f'<text x="{x + 18}" y="{y + 11}" font-family="{FONT}" font-size="12" fill="#212b32">'
                f"{escape(name)}</text>"
            )
            x += 30 + 8 * len(name)
        y += legend_height
    for bar in bars:
        label_y = y + (BAR_HEIGHT * len(series)) / 2 + 4
        parts.append(
            f'<text x="{label_width - 8}" y="{label_y:.0f}" text-anchor="end" font-family="{FONT}" '
            f'font-size="12" fill="#212b32">{escape(str(bar["label"]))}</text>'
        )
        for index, value in enumerate(bar["values"]):
            length = plot * _number(value) / top
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{COLOURS[index % 2]}"/>'
            )
            shown = str(value) if value == "*" else f"{value}{unit}"  # no unit on a suppressed value
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + BAR_HEIGHT - 4}" font-family="{FONT}" '
                f'font-size="11" fill="#212b32">{escape(shown)}</text>'
            )
            y += BAR_HEIGHT
        y += GAP
    parts.append("</svg>")
    return "".join(parts)


# A table row's own bars: as wide as the cell, one thin bar per series, no text (the
# numbers are in the row beside them). Text drawn in SVG is what costs WeasyPrint most.
ROW_BAR_HEIGHT = 5


def row_bars_svg(values: list, top: float) -> str:
    """The bars of one table row, scaled against the largest value in the table; a
    suppressed value ("*") draws nothing."""
    height = ROW_BAR_HEIGHT * len(values) + 2
    parts = [
        f'<svg class="row-bars" xmlns="http://www.w3.org/2000/svg" width="160" height="{height}" '
        f'viewBox="0 0 100 {height}" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
    ]
    for index, value in enumerate(values):
        length = 100 * _number(value) / (top or 1)
        parts.append(
            f'<rect x="0" y="{index * ROW_BAR_HEIGHT + 1}" width="{length:.1f}" '
            f'height="{ROW_BAR_HEIGHT - 1}" fill="{COLOURS[index % 2]}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def swatch_svg(index: int) -> str:
    """The key's colour square for a series."""
    return (
        '<svg class="swatch" xmlns="http://www.w3.org/2000/svg" width="8" height="8" aria-hidden="true" '
        f'focusable="false"><rect width="8" height="8" fill="{COLOURS[index % 2]}"/></svg>'
    )


def table_bars(chart: dict, labels: list[str]) -> dict | None:
    """A chart drawn as bars inside its table, row by row: {"key": [(swatch, name)],
    "rows": [svg per row]}; None when the chart's bars do not match the table's rows."""
    by_label = {str(bar["label"]): bar["values"] for bar in chart["bars"]}
    if not labels or any(label not in by_label for label in labels):
        return None
    top = max((_number(value) for values in by_label.values() for value in values), default=0)
    return {
        "key": [(swatch_svg(index), name) for index, name in enumerate(chart["series"])],
        "rows": [row_bars_svg(by_label[label], top) for label in labels],
    }


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
