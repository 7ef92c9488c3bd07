"""Links to one row's page, for tables that link every row."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_ARG = 987654321  # stands for the row's own argument in a URL reversed once


def row_url(url_name: str, arg: int | str) -> str:
    """The URL of one row's page. Tables link every row, and reversing a URL per row costs
    more than the rest of the row, so each URL is reversed once per process (keyed by URLconf
    and script prefix) and the row's argument put into it: a number, or a key such as
    "2026-11" that needs no quoting."""
    return _url_pattern(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()).format(arg)


@lru_cache(maxsize=128)
def _url_pattern(url_name: str, urlconf: str, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf, args=[_ARG]).replace(str(_ARG), "{}")
