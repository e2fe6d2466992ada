"""`manage.py check` (and every start) loads the CSV mapping: a broken agency copy is
named at deploy time, not at the first download."""

from __future__ import annotations

from django.core import checks

from .mapping import RecapMappingError, csv_mapping_load


@checks.register()
def recap_mapping_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        csv_mapping_load()
    except RecapMappingError as error:
        return [checks.Error(str(error), id="appraisals.E101", obj="KINERJA_RECAP_CSV_MAPPING")]
    return []
