"""Counting days for deadlines: local days in an IANA zone, calendar or working days.

Domain-free: callers pass the zone and the set of non-working dates (national
holidays, joint leave days ...). Stored moments are aware datetimes (UTC in the
database); a "day" is always a local date in the zone given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from zoneinfo import ZoneInfo

from .text import Text

CALENDAR = "calendar"
WORKING = "working"
COUNTS = (CALENDAR, WORKING)
COUNT_LABELS = {
    CALENDAR: Text("hari kalender", "calendar days"),
    WORKING: Text("hari kerja", "working days"),
}
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
LAST_MOMENT = dt.time(23, 59, 59, 999999)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return moment.astimezone(tz).date()


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The first moment of local `day` (as an aware datetime in UTC)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The last moment of local `day`: a deadline on `day` holds through it, inclusive."""
    return dt.datetime.combine(day, LAST_MOMENT, tzinfo=tz).astimezone(dt.UTC)


def is_working_day(
    day: dt.date, closed: Container[dt.date] = (), weekend: Container[int] = WEEKEND
) -> bool:
    return day.weekday() not in weekend and day not in closed


def add_days(
    start: dt.date,
    n: int,
    *,
    count: str = CALENDAR,
    closed: Container[dt.date] = (),
    weekend: Container[int] = WEEKEND,
) -> dt.date:
    """The n-th day after `start` (the start day itself is day 0).

    Calendar: every day counts. Working: only days that are neither weekend
    nor in `closed`; the result is always a working day.
    """
    if count not in COUNTS:
        raise ValueError(f"unknown day count {count!r}")
    if n < 0:
        raise ValueError("n must not be negative")
    if count == CALENDAR:
        return start + dt.timedelta(days=n)
    day = start
    left = n
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, closed, weekend):
            left -= 1
    return day


def span_end(start: dt.date, n: int, *, count: str) -> dt.date:
    """A date surely after the n-th working day from `start` (to fetch non-working days once)."""
    if count == CALENDAR:
        return start + dt.timedelta(days=n)
    # Indonesia has < 30 holiday and joint-leave days a year; weekends take 2/7.
    return start + dt.timedelta(days=n * 2 + 60)
