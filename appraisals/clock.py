"""The agency's clock: its time zone and its working-day calendar.

Stored times are UTC; days, "end of day" and what pages show follow the zone
of the agency (the nearest unit up the tree with one set, else
settings.TIME_ZONE). Working days skip weekends, Indonesia's national
holidays (the `holidays` package) and the days HR adds for the instansi
(AgencyDay: cuti bersama, local days). The arithmetic is the engine's
(workflow.calendar); this module only supplies the agency's data.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr

from workflow import calendar
from workflow.text import Text

from .models import AgencyDay, Unit
from .models.organisation import path_ids

# The abbreviations Indonesians read (Keppres 41/1987).
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _zone_name(unit: Unit | None) -> str:
    if unit is None:
        return settings.TIME_ZONE
    if unit.time_zone:
        return unit.time_zone
    ids = path_ids(unit.path)[:-1]
    if not ids:
        return settings.TIME_ZONE
    zones = dict(
        Unit.objects.filter(pk__in=ids).exclude(time_zone="").values_list("pk", "time_zone")
    )
    for pk in reversed(ids):
        if pk in zones:
            return zones[pk]
    return settings.TIME_ZONE


def agency_zone(unit: Unit | None) -> ZoneInfo:
    """The zone of `unit`: its own setting, else the nearest ancestor's, else the default.

    Remembered on the unit instance: a page or response asks several times.
    """
    if unit is None:
        return ZoneInfo(settings.TIME_ZONE)
    cached = getattr(unit, "_agency_zone", None)
    if cached is None or cached[0] != unit.time_zone:
        cached = (unit.time_zone, ZoneInfo(_zone_name(unit)))
        unit._agency_zone = cached
    return cached[1]


def zone_subquery(path_ref: str) -> Subquery:
    """The zone name `_zone_name` finds for the unit whose path is at `path_ref` (e.g.
    "unit__path" of an appraisal), as a subquery of the caller's statement: the nearest unit
    up the tree, itself included, with a zone set; NULL when none has one."""
    ancestors = (
        Unit.objects.filter(path=Substr(OuterRef(path_ref), 1, Length("path")))
        .exclude(time_zone="")
        .order_by(Length("path").desc())
        .values("time_zone")[:1]
    )
    return Subquery(ancestors)


def zone_remember(unit: Unit, name: str | None) -> None:
    """Give `unit` its zone, read with it by `zone_subquery` (no query later)."""
    unit._agency_zone = (unit.time_zone, ZoneInfo(name or settings.TIME_ZONE))


def zone_abbreviation(tz: dt.tzinfo) -> str:
    return ZONE_ABBREVIATIONS.get(str(tz), str(tz))


def instansi_of(unit: Unit) -> Unit:
    ids = path_ids(unit.path)
    if not ids or ids[0] == unit.pk:
        return unit
    return Unit.objects.get(pk=ids[0])


def local_date(moment: dt.datetime, unit: Unit | None) -> dt.date:
    return calendar.local_date(moment, agency_zone(unit))


def day_start(day: dt.date, unit: Unit | None) -> dt.datetime:
    return calendar.start_of_day(day, agency_zone(unit))


def day_end(day: dt.date, unit: Unit | None) -> dt.datetime:
    """The last moment of local `day` in the agency's zone."""
    return calendar.end_of_day(day, agency_zone(unit))


@lru_cache(maxsize=64)
def _national(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Indonesia(years=year))


def national_holidays(year: int) -> dict[dt.date, str]:
    """Indonesia's national holidays of `year` (the `holidays` package), date -> name."""
    return dict(holidays.Indonesia(years=year, language="id"))


def non_working_days(instansi: Unit | None, start: dt.date, end: dt.date) -> set[dt.date]:
    """National holidays and the instansi's own days between `start` and `end` (inclusive)."""
    days: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        days |= {d for d in _national(year) if start <= d <= end}
    if instansi is not None:
        root = instansi_of(instansi)
        days |= set(
            AgencyDay.objects.filter(instansi=root, date__range=(start, end)).values_list(
                "date", flat=True
            )
        )
    return days


def add_days(start_date: dt.date, n: int, count: str, instansi: Unit | None) -> dt.date:
    """The n-th calendar or working day after `start_date` in the instansi's calendar."""
    closed: set[dt.date] = set()
    if count == calendar.WORKING:
        closed = non_working_days(
            instansi, start_date, calendar.span_end(start_date, n, count=count)
        )
    return calendar.add_days(start_date, n, count=count, closed=closed)


def deadline_after(moment: dt.datetime, n: int, count: str, unit: Unit) -> dt.datetime:
    """The end (local) of the n-th day after the local day of `moment`."""
    day = add_days(local_date(moment, unit), n, count, unit)
    return day_end(day, unit)


RULE = Text(
    "{n} {count_id}, sampai pukul 23.59 {zone}",
    "{n} {count_en}, until 23:59 {zone}",
)


def deadline_rule(n: int, count: str, unit: Unit | None) -> Text:
    """How a deadline is counted, e.g. "14 hari kalender, sampai pukul 23.59 WITA"."""
    label = calendar.COUNT_LABELS[count]
    return RULE.format(
        n=n,
        count_id=label.id,
        count_en=label.en,
        zone=zone_abbreviation(agency_zone(unit)),
    )


def local_display(moment: dt.datetime | None, unit: Unit | None) -> str:
    """A stored moment as the agency reads it: "23-01-2026 23.59 WITA"."""
    if moment is None:
        return ""
    tz = agency_zone(unit)
    return f"{moment.astimezone(tz):%d-%m-%Y %H.%M} {zone_abbreviation(tz)}"
