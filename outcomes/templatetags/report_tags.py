from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


def _show(value, unit: str) -> str:
    if value is None:
        return "–"
    if value == "*":
        return "*"
    if unit == "money":
        return f"£{intcomma(f'{Decimal(str(value)):.2f}')}"
    if unit == "percent":
        return f"{value}%"
    if unit == "days":
        return f"{value} days"
    return intcomma(value)


@register.filter
def figure_value(figure: dict) -> str:
    return _show(figure.get("value"), figure.get("unit", "count"))


@register.filter
def figure_previous(figure: dict) -> str:
    return _show(figure.get("previous"), figure.get("unit", "count"))


@register.filter
def figure_change(figure: dict) -> str:
    change = figure.get("change")
    if change is None:
        return "–"
    amount = Decimal(str(change))
    if amount == 0:
        return "No change"
    sign = "+" if amount > 0 else "−"
    shown = _show(
        str(abs(amount)) if not isinstance(change, int) else abs(change), figure.get("unit", "count")
    )
    if figure.get("unit") == "percent":
        shown = shown.rstrip("%") + " points"
    return f"{sign}{shown}"


@register.filter
def figure_target(figure: dict) -> str:
    if figure.get("target") in (None, ""):
        return ""
    target = _show(figure["target"], figure.get("unit", "count"))
    return f"Target {target}: {'met' if figure.get('target_met') else 'not met'}"


@register.filter
def table_cell(value) -> str:
    """A number in a report table as the Board reads it: 18,975 and 215,196.90; anything
    else ("*", "–", a share like 12.4) as it is."""
    return intcomma(value)
