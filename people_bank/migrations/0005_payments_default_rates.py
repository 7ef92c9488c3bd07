"""The Trust's rates when payments began: £20 a session, at most six a calendar month, and
45p a mile. The PPI team adds later rates on the rates page; these stay for the past."""

import datetime
from decimal import Decimal

from django.db import migrations

FROM = datetime.date(2020, 4, 6)


def load(apps, schema_editor):
    SessionalRate = apps.get_model("people_bank", "SessionalRate")
    MileageRate = apps.get_model("people_bank", "MileageRate")
    if not SessionalRate.objects.exists():
        SessionalRate.objects.create(effective_from=FROM, amount=Decimal("20.00"), monthly_cap=6)
    if not MileageRate.objects.exists():
        MileageRate.objects.create(effective_from=FROM, amount=Decimal("0.45"))


class Migration(migrations.Migration):
    dependencies = [("people_bank", "0004_payments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
