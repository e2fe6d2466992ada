"""The distribution curve (kurva distribusi): how many employees of a unit may hold
each predicate, given the organisation's predicate (guidance accompanying
PermenPANRB 6/2022; ../shared/domain.md).

Rules are data. Percentages apply to the unit's appraised employees; maxima
round down, minima round up, and a unit under `ADVISORY_BELOW` people is
advisory only (our choice, configurable per instansi in settings).

Two questions are asked of a distribution:
- `violations`: with every employee rated, is the curve broken?
- `infeasible`: with some still unrated, can the curve no longer be met
  whatever the remaining ratings turn out to be? Issuing a result that makes
  the curve infeasible is refused unless the authority records an override.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings

from .predicate import Predicate

SB, B, BP, K, SK = (
    Predicate.SANGAT_BAIK.value,
    Predicate.BAIK.value,
    Predicate.BUTUH_PERBAIKAN.value,
    Predicate.KURANG.value,
    Predicate.SANGAT_KURANG.value,
)
EMPLOYEE_PREDICATES = (SB, B, BP, K, SK)


class OrganisationPredicate:
    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"
    CHOICES = [
        (ISTIMEWA, "Istimewa"),
        (BAIK, "Baik"),
        (BUTUH_PERBAIKAN, "Butuh Perbaikan"),
        (KURANG, "Kurang"),
        (SANGAT_KURANG, "Sangat Kurang"),
    ]


@dataclass(frozen=True)
class Rule:
    """One constraint: `kind` is "min", "max" (a share of the unit) or "largest"."""

    kind: str
    predicates: frozenset[str]
    share: float = 0.0
    at_least_one: bool = False

    def bounds(self, n: int) -> tuple[int, int]:
        """Allowed count range (lo, hi) of the group for a unit of n people."""
        if self.kind == "max":
            return 0, math.floor(self.share * n + 1e-9)
        if self.kind == "min":
            lo = 1 if self.at_least_one else math.ceil(self.share * n - 1e-9)
            return min(lo, n), n
        return 0, n

    def describe(self) -> dict[str, str]:
        names = "/".join(sorted(self.predicates))
        pct = f"{round(self.share * 100)} %"
        if self.kind == "largest":
            return {"id": f"{names} kelompok terbesar", "en": f"{names} is the largest group"}
        if self.at_least_one:
            return {"id": f"minimal satu {names}", "en": f"at least one {names}"}
        if self.kind == "max":
            return {"id": f"{names} paling banyak {pct}", "en": f"{names} at most {pct}"}
        return {"id": f"{names} paling sedikit {pct}", "en": f"{names} at least {pct}"}


def _r(kind: str, *preds: str, share: float = 0.0, at_least_one: bool = False) -> Rule:
    return Rule(kind, frozenset(preds), share, at_least_one)


RULES: Mapping[str, tuple[Rule, ...]] = {
    OrganisationPredicate.ISTIMEWA: (_r("largest", SB), _r("max", SB, share=0.70)),
    OrganisationPredicate.BAIK: (
        _r("largest", B),
        _r("max", B, share=0.70),
        _r("min", BP, K, at_least_one=True),
    ),
    OrganisationPredicate.BUTUH_PERBAIKAN: (
        _r("min", BP, share=0.60),
        _r("max", SB, share=0.10),
    ),
    OrganisationPredicate.KURANG: (
        _r("min", K, share=0.60),
        _r("min", BP, share=0.10),
        _r("max", SB, share=0.10),
    ),
    OrganisationPredicate.SANGAT_KURANG: (
        _r("min", SK, share=0.60),
        _r("min", K, BP, share=0.10),
        _r("max", SB, share=0.0),
    ),
}


@dataclass
class CurveReport:
    organisation_predicate: str | None
    size: int
    counts: dict[str, int]
    unrated: int
    advisory: bool
    rules: list[dict] = field(default_factory=list)

    @property
    def unachievable(self) -> list[dict]:
        return [r for r in self.rules if not r["achievable"]]

    @property
    def blocking(self) -> bool:
        return not self.advisory and bool(self.unachievable)

    def as_dict(self) -> dict:
        return {
            "organisation_predicate": self.organisation_predicate,
            "size": self.size,
            "counts": self.counts,
            "unrated": self.unrated,
            "advisory": self.advisory,
            "rules": self.rules,
            "ok": not self.unachievable,
        }


def _largest(rule: Rule, counts: Mapping[str, int], unrated: int) -> tuple[bool, bool]:
    (target,) = rule.predicates
    others = max(counts[p] for p in EMPLOYEE_PREDICATES if p != target)
    # Best case for the target: every unrated employee lands in it.
    return counts[target] >= others, counts[target] + unrated >= others


def evaluate(
    *, organisation_predicate: str | None, counts: Mapping[str, int], unrated: int = 0
) -> CurveReport:
    """Check a distribution; `counts` are rated employees per predicate.

    Each rule reports `met` (true of the ratings so far) and `achievable`
    (can still be met, whatever the unrated employees get: rated counts only
    grow). With nobody unrated the two are the same.
    """
    full = {p: int(counts.get(p, 0)) for p in EMPLOYEE_PREDICATES}
    n = sum(full.values()) + unrated
    advisory = n < getattr(settings, "KINERJA_CURVE_ADVISORY_BELOW", 5)
    report = CurveReport(organisation_predicate, n, full, unrated, advisory)
    for rule in RULES.get(organisation_predicate or "", ()):
        count = sum(full[p] for p in rule.predicates)
        lo, hi = rule.bounds(n)
        if rule.kind == "largest":
            met, achievable = _largest(rule, full, unrated)
        else:
            met = lo <= count <= hi
            achievable = count <= hi and count + unrated >= lo
        report.rules.append(
            {
                "rule": rule.describe(),
                "predicates": sorted(rule.predicates),
                "kind": rule.kind,
                "count": count,
                "min": lo,
                "max": hi,
                "met": met,
                "achievable": achievable,
            }
        )
    return report
