"""The talent pool of a unit's subtree (issue #18 part 4; the rule: `appraisals.talent`)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from workflow.text import Text

from ..models import Appraisal, Employee, Unit
from ..talent import FINAL_STATES, TALENT_POOL_READERS, talent_predicates, talent_years
from .organisation import unit_get_for

NOT_A_READER = Text(
    id="Kelompok talenta unit ini hanya dapat dilihat oleh pengelola kinerja dan tim "
    "penilai kinerja.",
    en="Only HR and the performance panel may see this unit's talent pool.",
)


def talent_unit_get_visible(*, user, pk) -> Unit:
    """A unit whose talent pool `user` may read: 404 if unseen, 403 if only seen."""
    return unit_get_for(user=user, pk=pk, roles=TALENT_POOL_READERS, refusal=NOT_A_READER)


def _finals() -> QuerySet:
    return Appraisal.objects.filter(state__in=FINAL_STATES).exclude(predicate="")


def talent_pool_of(*, unit: Unit) -> QuerySet:
    """Employees of `unit`'s subtree (active, by their current unit) whose latest final
    annual predicates, `talent_years()` consecutive years, all meet the rule.

    One statement: each employee's latest final year as a subquery, then one EXISTS per
    year counted back from it (a year without a qualifying final result excludes them).
    Ordered by unit path, then name, for stable pages.
    """
    latest = (
        _finals()
        .filter(employee_id=OuterRef("pk"))
        .order_by("-cycle__year")
        .values("cycle__year")[:1]
    )
    rows = Employee.objects.filter(unit__path__startswith=unit.path, active=True).annotate(
        latest_year=Subquery(latest)
    )
    qualifying = _finals().filter(predicate__in=talent_predicates())
    for back in range(talent_years()):
        rows = rows.filter(
            Exists(
                qualifying.filter(
                    employee_id=OuterRef("pk"), cycle__year=OuterRef("latest_year") - back
                )
            )
        )
    return rows.select_related("unit", "position").order_by(F("unit__path"), "name", "pk")


def talent_records(*, employees) -> list[dict]:
    """Each employee's record for the list: identity, and final predicates by year (latest
    first) with the appraisal of each, so the panel can propose from the latest one."""
    employees = list(employees)
    finals = (
        _finals()
        .filter(employee_id__in=[e.pk for e in employees])
        .order_by("employee_id", "-cycle__year")
        .values("employee_id", "pk", "cycle__year", "predicate", "state")
    )
    by_employee: dict[int, list[dict]] = defaultdict(list)
    for row in finals:
        by_employee[row["employee_id"]].append(
            {
                "year": row["cycle__year"],
                "predicate": row["predicate"],
                "appraisal": row["pk"],
                "state": row["state"],
            }
        )
    out = []
    for e in employees:
        history = by_employee.get(e.pk, [])
        out.append(
            {
                "employee": e,
                "id": e.pk,
                "nip": e.nip,
                "name": e.name,
                "unit": e.unit,
                "position": e.position,
                "grade": e.grade,
                "predicates": history,
                # The panel proposes a follow-up (a promotion, say) on the latest result.
                "latest_appraisal": history[0]["appraisal"] if history else None,
            }
        )
    return out
