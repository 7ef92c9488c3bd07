"""Fast inserts for the demo and bench seeds: COPY on PostgreSQL, bulk_create elsewhere.

`seed_demo --scale bench` writes well over a million rows; building a model instance and
an INSERT parameter for each of them was most of its time. Here rows are plain tuples in
the order of `fields` (attnames, so "person_id", not "person"). A field left out gets
the model's default, or now for an auto_now field, the same value for every row: COPY
skips Django, so nothing else would fill it. Signals are not sent, as with bulk_create.
On PostgreSQL None and "" are both sent as an empty value, read as NULL where the column
may be null and as "" where it may not: a nullable text column gets NULL for "".
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

CHUNK = 50_000  # rows per COPY: bounds the text held in memory at once


def reserve_ids(model: type[models.Model], count: int) -> range:
    """Primary keys for `count` new rows, so the rows that point at them can be built
    before anything is inserted. Give them as "id" to insert_rows."""
    if count <= 0:
        return range(0)
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            # One call takes the whole block: the sequence moves past it before anyone
            # else can draw from it.
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
            last = cursor.fetchone()[0]
            return range(last - count + 1, last + 1)
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 (names from _meta)
        first = (cursor.fetchone()[0] or 0) + 1
        return range(first, first + count)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table; return how many."""
    if connection.vendor != "postgresql":
        made = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(made, batch_size=2000)
        return len(made)
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    # Left out: the primary key unless given (the database numbers the rows), and the
    # fields the caller has no view on, which get their defaults.
    rest = [field for field in meta.concrete_fields if field.attname not in fields and not field.primary_key]
    tail = tuple(_default(field) for field in rest)
    columns = given + rest
    as_json = [n for n, field in enumerate(columns) if isinstance(field, models.JSONField)]
    quote = connection.ops.quote_name
    # CSV reads an empty value as NULL; in the columns that cannot be null it is "".
    not_null = ", ".join(quote(field.column) for field in columns if not field.null)
    sql = (
        f"COPY {quote(meta.db_table)} ({', '.join(quote(field.column) for field in columns)}) FROM STDIN"
        f" WITH (FORMAT csv{f', FORCE_NOT_NULL ({not_null})' if not_null else ''})"
    )
    done = 0
    with connection.cursor() as cursor:
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, CHUNK)):
            text = io.StringIO()
            lines = (row + tail for row in chunk)
            if as_json:
                lines = (_json(line, as_json) for line in lines)
            csv.writer(text, lineterminator="\n").writerows(lines)
            text.seek(0)
            cursor.copy_expert(sql, text)
            done += len(chunk)
    return done


def analyse(app_label: str) -> None:
    """Refresh the planner's statistics for an app's tables after a big insert, so that
    the queries after it (the next app's seed, the first pages) do not plan for empty
    tables: autovacuum may be off, or not get there first."""
    if connection.vendor != "postgresql":
        return
    config = apps.get_app_config(app_label)
    models_ = [
        m for m in config.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
    ]
    tables = ", ".join(dict.fromkeys(connection.ops.quote_name(m._meta.db_table) for m in models_))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _default(field: models.Field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now() if isinstance(field, models.DateTimeField) else timezone.localdate()
    return field.get_default()


def _json(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for n in positions:
        values[n] = json.dumps(values[n])  # no custom encoder on this project's JSONFields
    return tuple(values)
