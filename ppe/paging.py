"""Pages of a list without counting it: one row more than shown is fetched to know whether
there is a next page. Counting a large table (the audit log grows with every record
viewed) on every page costs more than the page itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    """What includes/pagination.html asks of a page, as Django's Page offers it."""

    object_list: list
    number: int
    _has_next: bool = field(repr=False)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# No list is this long; a larger number sent would make an offset the database refuses.
LAST_PAGE = 100_000


def page_number(sent) -> int:
    """The page asked for in `?page=`: a whole number from 1 to LAST_PAGE, else page 1 (or
    the last, for a number past it)."""
    try:
        return min(max(1, int(sent or 1)), LAST_PAGE)
    except (TypeError, ValueError):
        return 1


def page_without_count(queryset, sent_number, size: int = 25) -> Page:
    """Page `sent_number` (as sent in `?page=`, read by `page_number`)."""
    number = page_number(sent_number)
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(rows[:size], number, len(rows) > size)


def paginate(request, queryset, count: int | None = None, size: int = 25):
    """Django's page `?page=` of `queryset` (the last page for a number past it, the first
    for anything else); `count`, when the caller already knows it (a kept count), spares the
    COUNT(*)."""
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))
