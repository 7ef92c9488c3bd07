"""Queries whose SQL is worked out once per process.

A detail page asks the same questions of a different row each time, and turning a
queryset into SQL costs far more than running it: a person's timeline (a UNION ALL of four
tables) took 8 ms to build and compile and under half a millisecond to run. Here the
queryset is built for a stand-in id, compiled once per set of options, and each call runs
that SQL with the real id put in the stand-in's place. Rows come back as `values()` gives
them (a dict per row, through the same converters).

The queryset a `build` returns must depend only on the id and the options it is given:
anything else (today's date, a setting) would be kept from the first call."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# How many sets of options a query keeps compiled before it starts again.
KEPT_PER_QUERY = 16

_ID = -987654321  # stands for the row's id while the query is compiled: no row has it


class _Compiled(NamedTuple):
    sql: str
    params: tuple
    id_at: frozenset  # which of the params are the id
    names: list[str]
    compiler: object
    converters: dict


def compiled_once(build: Callable[..., QuerySet]) -> Callable[..., list[dict]]:
    """`build(id, **options)` returns a `values()` queryset; the decorated function takes the
    same arguments and returns its rows, compiling the queryset only the first time for
    each set of options."""
    kept: dict[tuple, _Compiled] = {}

    @functools.wraps(build)
    def rows(row_id: int, **options) -> list[dict]:
        key = tuple(sorted(options.items()))
        compiled = kept.get(key)
        if compiled is None:
            if len(kept) >= KEPT_PER_QUERY:  # options that change (a day) must not pile up
                kept.clear()
            compiled = kept[key] = _compile(build(_ID, **options))
        return _as_dicts(compiled, _fetch(compiled, _params(compiled, row_id)))

    return rows


def compiled_without_id(build: Callable[..., QuerySet]) -> Callable[..., list[dict]]:
    """As `compiled_once`, for a query that reads no one row: a list's newest rows, a month's
    export. `build(**options)` returns a `values()` queryset, compiled once for each set of
    options (which must be few: a status, a month)."""
    kept: dict[tuple, _Compiled] = {}

    @functools.wraps(build)
    def rows(**options) -> list[dict]:
        key = tuple(sorted(options.items()))
        compiled = kept.get(key)
        if compiled is None:
            if len(kept) >= KEPT_PER_QUERY:
                kept.clear()
            compiled = kept[key] = _compile(build(**options), with_id=False)
        return _as_dicts(compiled, _fetch(compiled, compiled.params))

    return rows


def compiled_objects(build: Callable[[int], QuerySet]) -> Callable[[int], list]:
    """As `compiled_once`, for a queryset of model instances: `build(id)` returns it (no
    options), and the decorated function returns its instances, with what it
    `select_related()` filled in, as iterating the queryset would (Django's own
    ModelIterable, from the rows of SQL compiled once)."""
    kept: list[tuple[_Compiled, list[str], object]] = []

    @functools.wraps(build)
    def objects(row_id: int) -> list:
        if not kept:
            compiled = _compile(build(_ID))
            compiler = compiled.compiler
            # Which columns make the model's own fields, and who fills in the related ones.
            select, klass_info = compiler.select, compiler.klass_info
            if compiler.annotation_col_map:
                raise ValueError("compiled_objects does not put annotations on the objects")
            own = slice(klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1)
            kept.append((compiled, [column[0].target.attname for column in select[own]], own))
        compiled, attnames, own = kept[0]
        compiler = compiled.compiler
        model = compiler.klass_info["model"]
        related = get_related_populators(compiler.klass_info, compiler.select, DEFAULT_DB_ALIAS)
        found = []
        for row in compiler.results_iter([_fetch(compiled, _params(compiled, row_id))]):
            obj = model.from_db(DEFAULT_DB_ALIAS, attnames, row[own])
            for populator in related:
                populator.populate(row, obj)
            found.append(obj)
        return found

    return objects


def _params(compiled: _Compiled, row_id: int) -> list:
    """The compiled query's parameters with this id in the stand-in's place."""
    return [row_id if n in compiled.id_at else value for n, value in enumerate(compiled.params)]


def _fetch(compiled: _Compiled, params) -> list[tuple]:
    """The compiled query's rows, as the database gives them."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return cursor.fetchall()


def _as_dicts(compiled: _Compiled, fetched: list[tuple]) -> list[dict]:
    """Rows as `values()` gives them: through the same converters, a dict per row."""
    if compiled.converters:
        fetched = compiled.compiler.apply_converters(fetched, compiled.converters)
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in fetched]


def _compile(queryset: QuerySet, *, with_id: bool = True) -> _Compiled:
    if queryset.db != DEFAULT_DB_ALIAS:
        raise ValueError("compiled_once reads the default database only")
    query = queryset.query
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    # Exactly an int: True or 1.0 would compare equal to a small stand-in.
    id_at = frozenset(n for n, value in enumerate(params) if type(value) is int and value == _ID)
    if with_id and not id_at:
        raise ValueError("the query does not use the id it was built for")
    # As QuerySet.values() names a row's columns.
    names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return _Compiled(sql, tuple(params), id_at, names, compiler, compiler.get_converters(fields))
