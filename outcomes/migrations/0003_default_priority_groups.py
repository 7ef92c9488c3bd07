from django.db import migrations

from outcomes.defaults import PRIORITY_GROUPS


def add_defaults(apps, schema_editor):
    PriorityGroup = apps.get_model("outcomes", "PriorityGroup")
    if PriorityGroup.objects.exists():
        return
    PriorityGroup.objects.bulk_create(
        PriorityGroup(name=name, order=order) for order, name in enumerate(PRIORITY_GROUPS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_activities_suggestions_evaluations_case_studies")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
