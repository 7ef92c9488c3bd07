"""The default six-rung ladder of engagement and Quality Strategy priorities, into empty
tables. The PPI team edits both afterwards."""

from django.db import migrations

from involvement_requests.defaults import load_defaults


def load(apps, schema_editor):
    load_defaults(
        apps.get_model("involvement_requests", "Rung"),
        apps.get_model("involvement_requests", "QualityPriority"),
    )


class Migration(migrations.Migration):
    dependencies = [("involvement_requests", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
