"""Reading check-ins, and the self-assessment they prefill."""

from __future__ import annotations

from workflow.errors import NotFound
from workflow.text import Text

from ..models import Appraisal, CheckIn, CheckInEntry, Cycle

CHECK_IN_NOT_FOUND = Text(id="Pemantauan tidak ditemukan.", en="Check-in not found.")


def check_in_period_count(cycle: Cycle) -> int:
    return 12 if cycle.check_in_frequency == Cycle.CheckInFrequency.MONTHLY else 4


def check_in_get(*, appraisal: Appraisal, period) -> CheckIn:
    try:
        return appraisal.check_ins.get(period=int(period))
    except (CheckIn.DoesNotExist, TypeError, ValueError):
        raise NotFound(CHECK_IN_NOT_FOUND) from None


def self_assessment_draft(*, appraisal: Appraisal) -> list[dict]:
    """The annual self-assessment's starting point: per result item, the latest
    check-in realisation of each of its indicators, ready for the employee to
    rate (self_rating is theirs to choose)."""
    latest: dict[int, tuple[int, str]] = {}
    for indicator_id, period, realisation in (
        CheckInEntry.objects.filter(check_in__appraisal=appraisal)
        .order_by("check_in__period")
        .values_list("indicator_id", "check_in__period", "realisation")
    ):
        latest[indicator_id] = (period, realisation)
    items = []
    for item in appraisal.plan_items.prefetch_related("indicators"):
        sources = [
            {"id": i.pk, "name": i.name, "period": latest[i.pk][0], "realisation": latest[i.pk][1]}
            for i in item.indicators.all()
            if i.pk in latest
        ]
        text = "\n".join(f"{s['name']}: {s['realisation']}" for s in sources)
        items.append(
            {
                "id": item.pk,
                "result": item.result,
                # The transition accepts at most 10,000 characters per item.
                "realisation": text[:10000],
                "self_rating": None,
                "sources": sources,
            }
        )
    return items
