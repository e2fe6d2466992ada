"""Reading the plan (SKP): the items it may support, its indicators."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Appeal, Appraisal, Decision, Indicator, PlanItem


def plan_item_parent_choices(*, appraisal: Appraisal) -> list[PlanItem]:
    """The appraiser's items of the same cycle: what this plan may support (cascading)."""
    if appraisal.appraiser_id is None:
        return []
    return list(
        PlanItem.objects.filter(
            appraisal__cycle_id=appraisal.cycle_id, appraisal__employee_id=appraisal.appraiser_id
        )
        .exclude(appraisal__state="cancelled")
        .order_by("id")
    )


def indicator_list_of(*, appraisal: Appraisal) -> list[Indicator]:
    """Every indicator of the appraisal's plan, with its item, in the order written."""
    return list(
        Indicator.objects.filter(item__appraisal=appraisal).select_related("item").order_by("id")
    )


def plan_item_list_of(*, appraisal: Appraisal) -> QuerySet[PlanItem]:
    """The plan's result items with their indicators and the item each supports."""
    return appraisal.plan_items.prefetch_related("indicators").select_related("parent_item")


def plan_item_of(*, appraisal: Appraisal, pk: int | None) -> PlanItem | None:
    """One item of this plan (None when `pk` names no item of it)."""
    return appraisal.plan_items.filter(pk=pk).first() if pk else None


def appeal_latest_of(*, appraisal: Appraisal) -> Appeal | None:
    return appraisal.appeals.order_by("-filed_at").first()


def decision_latest_of(*, appraisal: Appraisal) -> Decision | None:
    return appraisal.decisions.order_by("-proposed_at").first()


def decision_list_of(*, appraisal: Appraisal) -> list[Decision]:
    """Every follow-up of the appraisal, oldest first (several per appraisal, issue #18)."""
    return list(
        appraisal.decisions.select_related("proposed_by", "decided_by").order_by(
            "proposed_at", "pk"
        )
    )


def decision_pending_of(*, appraisal: Appraisal, chosen: str = "") -> Decision | None:
    """The waiting proposal `chosen` names (an id), else the oldest waiting one."""
    pending = appraisal.decisions.filter(status="proposed").order_by("proposed_at", "pk")
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:  # not "²" nor "٣"
        found = pending.filter(pk=int(chosen)).first()
        if found is not None:
            return found
    return pending.first()
