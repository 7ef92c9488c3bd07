"""Home-page panels. Each app registers the panels it owns for the roles that see them
(in its AppConfig.ready), so the home page grows with the features without importing them."""

from collections.abc import Callable
from dataclasses import dataclass

from ppe.access import Role


@dataclass(frozen=True)
class Panel:
    role: Role
    template: str
    context: Callable  # (request) -> dict
    order: int = 50


_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(role: Role | None, request) -> list[dict]:
    chosen = sorted((p for p in _PANELS if p.role == role), key=lambda p: p.order)
    return [{"template": p.template, **p.context(request)} for p in chosen]
