"""Results issued before #14 were received when they were issued (Kinerja delivers them)."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    Appraisal = apps.get_model("appraisals", "Appraisal")
    Appraisal.objects.filter(
        result_received_at__isnull=True, result_issued_at__isnull=False
    ).update(result_received_at=F("result_issued_at"))


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0013_agency_clock")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
