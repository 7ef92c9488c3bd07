"""Trigram indexes for the text search, on PostgreSQL only.

`search_text` holds lower-cased names, email, postcode (people) and name, area (organisations);
a GIN index with gin_trgm_ops answers `LIKE '%term%'` without reading every row. SQLite
has no such index and runs the same query as a plain scan, which is fine at laptop scale.
"""

from django.db import migrations

INDEXES = [
    ("people_bank_person", "person_search_trgm"),
    ("people_bank_organisation", "organisation_search_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people_bank", "0002_application_accessneed_applicationstatuschange_and_more")]

    operations = [migrations.RunPython(create, drop)]
