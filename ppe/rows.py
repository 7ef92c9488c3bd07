"""Table rows drawn by Jinja2 rather than Django's template engine.

A list page's rows are most of its work: Django's engine looks up every variable through
several layers and spends ~4 ms on 25 rows of four cells, more than the page's queries and
the rest of its template together. Jinja2 compiles a template to Python, and draws the same
rows in about a tenth of that. Pages stay Django templates; only each table's rows live in
a `*.jinja` file beside them, included with `{% rows "app/_things_rows.jinja" things=page %}`.

Everything is escaped unless marked safe, as in Django (a Django SafeString stays safe), and
a name the template uses but is not given raises an error instead of printing nothing."""

from __future__ import annotations

from functools import lru_cache

import jinja2
from django.apps import apps
from django.conf import settings
from django.template.defaultfilters import linebreaksbr as django_linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from ppe.formats import local, long_date, month_year, short_date
from ppe.links import row_url


def date_time(value) -> str:
    """What `{{ value|date:"j M Y, H:i" }}` writes (4 Dec 2026, 14:05), in local time."""
    value = local(value)
    return f"{short_date(value)}, {value:%H:%M}"


def date_time_seconds(value) -> str:
    """What `{{ value|date:"j M Y, H:i:s" }}` writes, in local time."""
    value = local(value)
    return f"{short_date(value)}, {value:%H:%M:%S}"


def money(value) -> str:
    """An amount with two decimal places (12.50), as `f"{value:.2f}"`; the £ is the template's."""
    return f"{value:.2f}"


def linebreaksbr(value) -> SafeString:
    """What `{{ value|linebreaksbr }}` writes: the text escaped, each line break a <br>."""
    return django_linebreaksbr(value, autoescape=True)


def _template_dirs() -> list[str]:
    """Where Django's engine looks: the project's templates, then each app's own."""
    dirs = [str(path) for engine in settings.TEMPLATES for path in engine.get("DIRS", ())]
    for app in apps.get_app_configs():
        dirs.append(f"{app.path}/templates")
    return dirs


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_template_dirs()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        # Checking every file's date on each use is for editing on a laptop, not production.
        auto_reload=settings.DEBUG,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        short_date=short_date,
        long_date=long_date,
        date_time=date_time,
        date_time_seconds=date_time_seconds,
        month_year=month_year,
        money=money,
        linebreaksbr=linebreaksbr,
    )
    env.globals.update(row_url=row_url)
    return env


def render_rows(template_name: str, **context) -> SafeString:
    """The rows `template_name` draws from `context`, safe to put in a Django template."""
    html = environment().get_template(template_name).render(context)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value it was not told is safe
