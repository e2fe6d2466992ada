"""HR keeps the agency's clock: its time zone and the days it does not work.

National holidays come from the `holidays` package (appraisals.clock); HR adds
joint leave days (cuti bersama) and local days per instansi, and sets the zone
of an instansi or a unit subtree. Each change leaves a history row with the
acting user and a reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..constraints import AGENCY_DAY_TAKEN
from ..models import AgencyDay, Unit
from ..policies import profile_of

ONLY_HR_CALENDAR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) instansi ini yang dapat mengubah kalender kerjanya.",
    en="Only an HR administrator of this instansi can change its working calendar.",
)
ONLY_HR_ZONE = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) unit ini yang dapat mengubah zona waktunya.",
    en="Only an HR administrator of this unit can change its time zone.",
)
DAY_TAKEN = AGENCY_DAY_TAKEN
NOT_INSTANSI = Text(
    id="Hari libur ditetapkan untuk instansi, bukan unit kerja.",
    en="Non-working days are set for an instansi, not a unit.",
)


def _hr_check(actor, unit: Unit, refusal: Text) -> None:
    if "hr_admin" not in profile_of(actor).holds_in(unit.path):
        raise ActionForbidden(refusal)


def agency_day_add(*, actor, instansi: Unit, date: dt.date, kind: str, name: str) -> AgencyDay:
    """A joint leave or local day of `instansi`; working-day deadlines skip it from now on."""
    if instansi.parent_id is not None:
        raise PayloadInvalid(NOT_INSTANSI, [Problem("not_instansi", NOT_INSTANSI, "instansi")])
    _hr_check(actor, instansi, ONLY_HR_CALENDAR)
    day = AgencyDay(instansi=instansi, date=date, kind=kind, name=name)
    attribute(day, actor=actor, reason="agency_day.added")
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        # A conflict with what is stored, not a malformed request.
        raise StateConflict(DAY_TAKEN, [Problem("date_taken", DAY_TAKEN, "date")]) from None
    return day


def agency_day_remove(*, actor, day: AgencyDay) -> None:
    _hr_check(actor, day.instansi, ONLY_HR_CALENDAR)
    attribute(day, actor=actor, reason="agency_day.removed")
    day.delete()


def unit_time_zone_set(*, actor, unit: Unit, time_zone: str) -> Unit:
    """The zone of `unit` and the subtree below it that sets none ("" : inherit)."""
    _hr_check(actor, unit, ONLY_HR_ZONE)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.time_zone != time_zone:
            locked.time_zone = time_zone
            attribute(locked, actor=actor, reason="unit.time_zone_set")
            locked.save(update_fields=["time_zone"])
    return locked
