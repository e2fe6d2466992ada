"""Which follow-up (tindak lanjut) each predicate allows (PP 30/2019 Pasal 56-58).

No award or promotion below `baik`; sanctions only for `kurang` or
`sangat_kurang`; development and "none" for anyone. Repeated poor predicates
are flagged so the panel sees them.
"""

from __future__ import annotations

from .models import Appraisal
from .predicate import Predicate

P = Predicate
ALLOWED_KINDS: dict[str, frozenset[str]] = {
    "award": frozenset({P.SANGAT_BAIK, P.BAIK}),
    "promotion": frozenset({P.SANGAT_BAIK, P.BAIK}),
    "development": frozenset(P.values),
    "sanction": frozenset({P.KURANG, P.SANGAT_KURANG}),
    "none": frozenset(P.values),
}
POOR = frozenset({P.BUTUH_PERBAIKAN, P.KURANG, P.SANGAT_KURANG})


def kinds_allowed(predicate: str) -> list[str]:
    return [kind for kind, preds in ALLOWED_KINDS.items() if predicate in preds]


def predicate_history(appraisal) -> list[dict]:
    """The employee's final predicates, oldest first, this cycle included."""
    rows = (
        Appraisal.objects.filter(employee_id=appraisal.employee_id)
        .exclude(predicate="")
        .exclude(state="cancelled")
        .order_by("cycle__starts_on")
        .values_list("cycle__year", "predicate")
    )
    return [{"year": year, "predicate": predicate} for year, predicate in rows]


def repeated_poor(history: list[dict]) -> bool:
    return len(history) >= 2 and all(h["predicate"] in POOR for h in history[-2:])
