"""The cycle's periods (monthly or quarterly) and when each ends; the annual rule.

Domain note — when a period may be rated. PermenPANRB 6/2022 has the appraiser
evaluate performance periodically (evaluasi kinerja periodik: monthly or
quarterly, as the agency chooses) and annually; an evaluation looks back on a
period, so it is given only after the period has ended (our domain notes,
"Time": periodic evaluation rates a period only after it has ended). A period
ends at the end of its last local day: a Q4 of a calendar year can be rated
from 00:00 on 1 January. The day is read in the agency's zone (WIB, WITA, WIT:
`clock.agency_zone` of the cycle's instansi).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from workflow.text import Text

from ..clock import agency_zone
from ..models import Cycle, PeriodicEvaluation
from .checkins import check_in_period_count

# Domain note — how the annual predicate relates to the periodic ones.
# PermenPANRB 6/2022 (pengelolaan kinerja pegawai ASN; the evaluation part of its
# annex) asks for periodic evaluation (monthly or quarterly) and an annual one
# that follows from them. Our reading, the most defensible we found: the periodic
# evaluations accumulate over the year (each looks at the realisation up to its
# period), so the evaluation of the last period (December, or the fourth quarter)
# stands as the year's. The article's exact wording could not be checked against
# the sources searched (README, "Periodic evaluation" says which), so the rule is
# a per-cycle setting (`Cycle.annual_rule`):
# - `last_period` (default): once the last period is rated, the annual review's
#   ratings must be that evaluation's (submit_review refuses others, 400);
#   before it is rated the appraiser rates the year as before.
# - `advisory`: the periodic predicates are shown beside the annual review and
#   weigh in the appraiser's judgement only.
ANNUAL_RULE_NOTE = "PermenPANRB 6/2022, annex: evaluasi kinerja periodik dan tahunan"


def period_count(cycle: Cycle) -> int:
    return check_in_period_count(cycle)


ROMAN = ("I", "II", "III", "IV", "V", "VI")
MONTHS = (
    Text("Januari", "January"),
    Text("Februari", "February"),
    Text("Maret", "March"),
    Text("April", "April"),
    Text("Mei", "May"),
    Text("Juni", "June"),
    Text("Juli", "July"),
    Text("Agustus", "August"),
    Text("September", "September"),
    Text("Oktober", "October"),
    Text("November", "November"),
    Text("Desember", "December"),
)
# A cycle's periods by their count: months by their names, quarters and halves numbered.
PERIOD_KINDS = {4: Text("Triwulan {n}", "Quarter {n}"), 2: Text("Semester {n}", "Half {n}")}


def period_name_text(cycle: Cycle, period) -> Text:
    """Period `period` (1-based) of `cycle` as people name it (issue #16: not "1 2 3 4").

    Monthly cycles name the month the period falls in (the periods are slices of months
    from the cycle's start, period_bounds), quarterly ones "Triwulan I" to "Triwulan IV";
    a number outside the cycle stays a number.
    """
    try:
        n = int(period)
    except (TypeError, ValueError):
        return Text(str(period or ""), str(period or ""))
    count = period_count(cycle)
    kind = PERIOD_KINDS.get(count)
    if not 1 <= n <= count or (count != 12 and (kind is None or n > len(ROMAN))):
        return Text(str(n), str(n))
    if count == 12:
        return MONTHS[(cycle.starts_on.month - 1 + n - 1) % 12]
    return kind.format(n=ROMAN[n - 1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def period_bounds(cycle: Cycle, period: int) -> tuple[dt.date, dt.date]:
    """First and last day of `period` (1-based): equal slices of months from the cycle's start;
    the last period runs to the cycle's last day."""
    count = period_count(cycle)
    months = 12 // count
    first = _add_months(cycle.starts_on, (period - 1) * months)
    if period >= count:
        return first, cycle.ends_on
    last = _add_months(cycle.starts_on, period * months) - dt.timedelta(days=1)
    return first, min(last, cycle.ends_on)


def _zone(cycle: Cycle) -> dt.tzinfo:
    # The agency's own zone (WIB/WITA/WIT): the instansi's, as its cycle is.
    return agency_zone(cycle.instansi)


def period_ends_at(cycle: Cycle, period: int) -> dt.datetime:
    """The moment `period` is over: the start of the day after its last day, locally."""
    _first, last = period_bounds(cycle, period)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=_zone(cycle))


def period_has_ended(cycle: Cycle, period: int, *, at: dt.datetime | None = None) -> bool:
    return (at or timezone.now()) >= period_ends_at(cycle, period)


def periods_of(cycle: Cycle, *, at: dt.datetime | None = None) -> list[dict]:
    """Every period of the cycle: number, first and last day, end, whether it has ended."""
    at = at or timezone.now()
    rows = []
    for period in range(1, period_count(cycle) + 1):
        first, last = period_bounds(cycle, period)
        ends_at = period_ends_at(cycle, period)
        rows.append(
            {
                "period": period,
                "first": first,
                "last": last,
                "ends_at": ends_at,
                "ended": at >= ends_at,
            }
        )
    return rows


def periodic_evaluation_list_of(*, appraisal) -> list[PeriodicEvaluation]:
    return list(appraisal.periodic_evaluations.select_related("rated_by").order_by("period"))


def annual_from_periodic(*, appraisal) -> PeriodicEvaluation | None:
    """The evaluation the annual one must follow under the cycle's rule, if any."""
    cycle = appraisal.cycle
    if cycle.annual_rule != Cycle.AnnualRule.LAST_PERIOD:
        return None
    return appraisal.periodic_evaluations.filter(period=period_count(cycle)).first()


def periodic_evaluation_of(*, appraisal, period: int) -> PeriodicEvaluation | None:
    """The rating of `period` of `appraisal`, if the period exists in its cycle and is rated."""
    if not 1 <= period <= period_count(appraisal.cycle):
        return None
    return PeriodicEvaluation.objects.filter(appraisal=appraisal, period=period).first()
