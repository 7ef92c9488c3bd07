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

import datetime
import functools
import itertools
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# How many sets of options a query keeps compiled before it starts again.
KEPT_PER_QUERY = 16

_ID = -987654321  # stands for the row's id while the query is compiled: no row has it
_STAND_IN_DAY = datetime.date(1001, 1, 1)  # and days from this one for dates that vary


class _Compiled(NamedTuple):
    sql: str
    params: tuple
    id_at: frozenset  # which of the params are the id
    names: list[str]
    compiler: object
    converters: dict
    prepared: _Prepared | None  # the same SQL as a PostgreSQL prepared statement


class _Prepared(NamedTuple):
    name: str
    prepare: str  # PREPARE name (types) AS the SQL with $1, $2…
    execute: str  # EXECUTE name(%s, %s…)


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
    options (which must be few: a status, a month). `compiled_varying` with no value that
    varies."""
    return compiled_varying(build)


class Varying(NamedTuple):
    """An option of `compiled_varying` whose value changes from call to call (a search
    term, the ids chosen in a filter): the query is compiled with a stand-in in its place,
    and run with `as_param(value)` where the stand-in's parameter was. `value` is a str, an
    int, a date, a time, a saved model instance (its parameter is its pk, unless `as_param` says
    otherwise), or a tuple of them (one parameter each: how many is part of the query's
    shape)."""

    value: str | int | datetime.date | datetime.datetime | Model | tuple
    as_param: Callable | None = None  # how the query turns the value into its parameter

    def param(self, value):
        if self.as_param is not None:
            value = self.as_param(value)
        elif isinstance(value, Model):
            value = value.pk
        # As Django sends a time or a day to this database (SQLite: as text).
        ops = connections[DEFAULT_DB_ALIAS].ops
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return ops.adapt_datefield_value(value)
        return value


def compiled_varying(build: Callable[..., QuerySet], *, kept_shapes: int | None = None, prepare: bool = True):
    """As `compiled_without_id`, for a list whose filters take values the SQL must not be
    compiled for: `build(**options)` returns a `values()` queryset, and the options given as
    `Varying` reach it as stand-ins (a string no one types, ids no row has). The SQL is
    compiled once per shape (the plain options, and which options vary and how many values
    each has), and each call puts its own values in the stand-ins' places. Compiling fails
    if a stand-in does not reach the SQL as `as_param` says it does, so a filter that
    changes a value in a way the caller did not declare is caught the first time, not run
    with the wrong value. At most `kept_shapes` shapes are kept (KEPT_PER_QUERY unless
    given)."""
    kept: dict[tuple, tuple[_Compiled, tuple]] = {}

    @functools.wraps(build)
    def rows(**options) -> list[dict]:
        key = tuple(sorted((name, _shape(value)) for name, value in options.items()))
        found = kept.get(key)
        if found is None:
            if len(kept) >= (kept_shapes or KEPT_PER_QUERY):
                kept.clear()
            found = kept[key] = _compile_varying(build, options, prepare=prepare)
        compiled, slots = found
        params = list(compiled.params)
        for at, name, index in slots:
            varying = options[name]
            params[at] = varying.param(varying.value if index is None else varying.value[index])
        return _as_dicts(compiled, _fetch(compiled, params))

    return rows


def _shape(value) -> tuple:
    if isinstance(value, Varying):
        return ("varying", len(value.value) if isinstance(value.value, tuple) else -1)
    return ("plain", value)


def _compile_varying(build, options: dict, *, prepare: bool) -> tuple[_Compiled, tuple]:
    numbers = itertools.count(1)
    stand_ins, wanted = {}, {}  # option -> stand-in; stand-in parameter -> (option, index)
    for name, varying in options.items():
        if not isinstance(varying, Varying):
            continue
        values = varying.value if isinstance(varying.value, tuple) else (varying.value,)
        made = []
        for index, value in enumerate(values):
            number = next(numbers)
            if type(value) is int:
                stand_in = _ID - number
            elif type(value) is str:
                stand_in = f"ppestandin{number}x"  # unchanged by lower(), strip(), escaping
            elif type(value) is datetime.date:
                stand_in = _STAND_IN_DAY + datetime.timedelta(days=number)
            elif type(value) is datetime.datetime:
                moment = datetime.datetime.combine(_STAND_IN_DAY, datetime.time(), value.tzinfo)
                stand_in = moment + datetime.timedelta(seconds=number)
            elif isinstance(value, Model):
                stand_in = type(value)(pk=_ID - number)
            else:
                raise TypeError(
                    f"{name}: a varying value is a str, an int, a date, a time or a model instance"
                )
            made.append(stand_in)
            param = varying.param(stand_in)
            wanted[(type(param), param)] = (name, index if isinstance(varying.value, tuple) else None)
        stand_ins[name] = tuple(made) if isinstance(varying.value, tuple) else made[0]
    compiled = _compile(build(**{**options, **stand_ins}), with_id=False, prepare=prepare)
    slots = tuple(
        (at, *wanted[(type(param), param)])
        for at, param in enumerate(compiled.params)
        if isinstance(param, int | str | datetime.date) and (type(param), param) in wanted
    )
    missing = set(wanted.values()) - {(name, index) for _, name, index in slots}
    if missing:
        raise ValueError(f"values the query does not use as declared: {sorted(missing)}")
    return compiled, slots


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
        execute(cursor, compiled.sql, compiled.prepared, params)
        return cursor.fetchall()


# Prepared statements: on PostgreSQL each query compiled here (and the signed-in user's,
# ppe.auth) is also prepared once per database connection and then only executed.
# Planning these queries (the person's timeline, a UNION of four tables, above all) cost
# PostgreSQL more than running them: 1.7 ms against 0.7 ms on a person's page. The rows are
# read afresh on every call; only the plan is kept, and PostgreSQL plans again by itself
# when a table under it changes. Needs the app's own connection (as docker-compose.yml
# gives it), not a transaction-mode pooler, and a connection kept between requests
# (CONN_MAX_AGE not 0).
_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%%|%s")
# Each parameter's type, declared (PostgreSQL cannot tell the type of a bare parameter in
# a select list); by the Python value the query was compiled with. bool before int, and
# datetime before date: each is the other's subclass.
_TYPES = [
    (bool, "boolean"),
    (int, "bigint"),
    (float, "double precision"),
    (Decimal, "numeric"),
    (str, "text"),
    (datetime.datetime, "timestamp with time zone"),
    (datetime.date, "date"),
    (datetime.time, "time"),
    (datetime.timedelta, "interval"),
    (uuid.UUID, "uuid"),
]


def prepared_statement(sql: str, params, *, name: str = "") -> _Prepared | None:
    """`sql` as a statement to prepare, its parameters typed as `params` are; None where
    it cannot be (not PostgreSQL, or a value of a type not declared here)."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    types = []
    for value in params:
        found = next((name for kind, name in _TYPES if isinstance(value, kind)), None)
        if found is None or (isinstance(value, datetime.datetime) and value.tzinfo is None):
            return None  # a value whose type is not declared here: run the SQL as it is
        types.append(found)
    name = name or f"ppe_compiled_{next(_NAMES)}"
    numbers = itertools.count(1)
    body = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
    if not types:
        return _Prepared(name, f"PREPARE {name} AS {body}", f"EXECUTE {name}")
    return _Prepared(
        name,
        f"PREPARE {name} ({', '.join(types)}) AS {body}",
        f"EXECUTE {name}({', '.join(['%s'] * len(types))})",
    )


def execute(cursor, sql: str, prepared: _Prepared | None, params) -> None:
    """Run `sql` with `params`: as the prepared statement where it is prepared on this
    connection (preparing it the first time), otherwise as it is."""
    if prepared is not None and _is_prepared(connections[DEFAULT_DB_ALIAS], cursor, prepared):
        cursor.execute(prepared.execute, params)
    else:
        cursor.execute(sql, params)


def _is_prepared(connection, cursor, prepared: _Prepared) -> bool:
    """Whether the statement is prepared on this connection, preparing it if not. The
    server forgets prepared statements with their connection, so each is remembered by
    the connection it was prepared on."""
    if connection.settings_dict.get("CONN_MAX_AGE") == 0:
        return False  # a connection for one request: preparing would cost a round trip more
    raw = connection.connection
    state = getattr(connection, "_ppe_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._ppe_prepared = (raw, {})
    ready = state[1].get(prepared.name)
    if ready is None:
        try:
            # A savepoint inside a transaction, so a refused PREPARE spoils nothing.
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                cursor.execute(prepared.prepare)
            ready = True
        except DatabaseError:
            ready = False  # the plain SQL from now on, on this connection
        state[1][prepared.name] = ready
    return ready


def _as_dicts(compiled: _Compiled, fetched: list[tuple]) -> list[dict]:
    """Rows as `values()` gives them: through the same converters, a dict per row."""
    if compiled.converters:
        fetched = compiled.compiler.apply_converters(fetched, compiled.converters)
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in fetched]


def _compile(queryset: QuerySet, *, with_id: bool = True, prepare: bool = True) -> _Compiled:
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
    return _Compiled(
        sql,
        tuple(params),
        id_at,
        names,
        compiler,
        compiler.get_converters(fields),
        prepared_statement(sql, params) if prepare else None,
    )
