from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0004_spectrum_level_on_suggestions_and_evaluations"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["-held_on", "-id"], name="activity_list_idx"),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=["-received_on", "-id"], name="suggestion_list_idx"),
        ),
    ]
