"""Small-number suppression for equality figures (NHS Digital's rule).

0 stays 0; 1 to 7 shows as "*"; larger counts are rounded to the nearest 5; percentages
are worked out from the rounded counts, so nobody can subtract their way back to a
small group.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "*"
SMALLEST_SHOWN = 8


def suppress(count: int) -> int | str:
    if count < 0:
        raise ValueError("A count cannot be negative.")
    if count == 0:
        return 0
    if count < SMALLEST_SHOWN:
        return SUPPRESSED
    return 5 * ((count + 2) // 5)


def _percent(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def disclosed_table(groups: list[dict]) -> dict:
    """Rows of {"label", "count", "reference_percent"} -> the table a Board may see.

    Each row's count is suppressed; its share is computed from the rounded count over the
    rounded total, and is "*" where the count is."""
    total = suppress(sum(g["count"] for g in groups))
    rows = []
    for group in groups:
        shown = suppress(group["count"])
        if shown == SUPPRESSED:
            share = SUPPRESSED
        elif isinstance(total, int) and total > 0:
            share = _percent(shown, total)
        else:
            share = "0.0" if shown == 0 else SUPPRESSED
        reference = group.get("reference_percent")
        rows.append(
            {
                "label": group["label"],
                "count": shown,
                "percent": share,
                "reference_percent": None if reference is None else str(reference),
            }
        )
    return {"total": total, "rows": rows}
