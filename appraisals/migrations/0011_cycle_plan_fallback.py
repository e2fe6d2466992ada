import datetime as dt

from django.db import migrations, models


def backfill(apps, schema_editor):
    # Existing cycles get the default the model states (14 January of the cycle's year):
    # per row, no history (a schema change, not anybody's edit).
    Cycle = apps.get_model("appraisals", "Cycle")
    for cycle in Cycle.objects.filter(plan_fallback_on__isnull=True).only("id", "year"):
        Cycle.objects.filter(pk=cycle.pk).update(plan_fallback_on=dt.date(cycle.year, 1, 14))


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0010_curve_flags_and_unit_heads"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="plan_fallback_on",
            field=models.DateField(
                blank=True,
                help_text="After this day HR may draft and set a plan still in draft.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalcycle",
            name="plan_fallback_on",
            field=models.DateField(
                blank=True,
                help_text="After this day HR may draft and set a plan still in draft.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
