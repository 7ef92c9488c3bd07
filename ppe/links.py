"""Links reversed once per process: tables link every row, and every page has the same
header, and reversing a URL costs more than the rest of a row. Each is kept by URLconf and
script prefix, so a different mount point gets its own."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_ARG = 987654321  # stands for the row's own argument in a URL reversed once


def row_url(url_name: str, arg: int | str) -> str:
    """The URL of one row's page: the URL with `_ARG` reversed once, the row's argument put
    in its place (a number, or a key such as "2026-11" that needs no quoting)."""
    return _reversed(url_name, (_ARG,), *urlconf_and_prefix()).replace(str(_ARG), str(arg))


def page_url(url_name: str) -> str | None:
    """The URL of a page that takes no argument; None when there is no such page."""
    return _reversed(url_name, (), *urlconf_and_prefix())


def urlconf_and_prefix() -> tuple[str, str]:
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@lru_cache(maxsize=256)
def _reversed(url_name: str, args: tuple, urlconf: str, prefix: str) -> str | None:
    try:
        return reverse(url_name, urlconf=urlconf, args=args)
    except NoReverseMatch:
        return None
