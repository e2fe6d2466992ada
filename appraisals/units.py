"""Unit heads (pimpinan unit kerja) and the rating the unit's achievement sets for them.

PermenPANRB 6/2022, annex (penilaian kinerja pegawai, the stage in which the
appraiser sets employees' predicates from the organisation's achievement):
"Apabila pimpinan organisasi adalah pegawai yang dievaluasi, maka capaian
kinerja satuan organisasi yang dipimpin ditetapkan sebagai rating hasil kerja
pegawai yang bersangkutan" — when the head of a unit is the one appraised, the
achievement of the unit they lead *is* their result rating (../shared/domain.md).
The rule sets the rating ("ditetapkan"), so it is enforced, not advised: a review
of a unit head whose unit has a predicate in the cycle must carry that rating.
Before the authority has set the unit's predicate there is nothing to follow yet:
the review goes through and the form warns.

Who is a unit head: the active holder of the position that leads the unit
(`Position.heads_unit`, at most one per unit, set by HR with the organisation).
Only the predicate set on that very unit binds them; a predicate set on a
parent unit governs the curve of its subtree but is not the child unit's own
achievement.

The organisation's achievement has five levels and the result rating three.
The annex's predicate matrix reads the rating as below/meets/above expectation;
our mapping (documented in ../shared/domain.md style, the lead may revisit it):
Istimewa -> above; Baik -> meets; Butuh Perbaikan, Kurang, Sangat Kurang -> below.
"""

from __future__ import annotations

from workflow.text import Text

from .curve import OrganisationPredicate
from .models import Appraisal, Employee, Unit, UnitPredicate
from .predicate import Rating

RESULT_RATING_OF = {
    OrganisationPredicate.ISTIMEWA: Rating.ABOVE.value,
    OrganisationPredicate.BAIK: Rating.MEETS.value,
    OrganisationPredicate.BUTUH_PERBAIKAN: Rating.BELOW.value,
    OrganisationPredicate.KURANG: Rating.BELOW.value,
    OrganisationPredicate.SANGAT_KURANG: Rating.BELOW.value,
}


def expected_result_rating(organisation_predicate: str) -> str:
    """The result rating a unit head receives when their unit's achievement is this."""
    return RESULT_RATING_OF[organisation_predicate]


def unit_led_by(employee: Employee) -> Unit | None:
    """The unit `employee` heads (the holder of its head position), else None."""
    position = employee.position if employee.position_id else None
    if position is None or not position.heads_unit or not employee.active:
        return None
    return position.unit


def unit_head_rule(appraisal: Appraisal) -> dict | None:
    """For a unit head's appraisal: the unit, its predicate this cycle (or None) and the
    result rating it sets (or None); None when the appraised employee heads no unit."""
    unit = unit_led_by(appraisal.employee)
    if unit is None:
        return None
    row = UnitPredicate.objects.filter(unit=unit, cycle_id=appraisal.cycle_id).first()
    return {
        "unit": unit,
        "organisation_predicate": row.predicate if row else None,
        "result_rating": expected_result_rating(row.predicate) if row else None,
    }


def unit_head_rating_follows_unit(appraisal: Appraisal, result_rating: str) -> bool:
    """False only for a unit head rated otherwise than their unit's predicate sets."""
    rule = unit_head_rule(appraisal)
    return not (rule and rule["result_rating"] and result_rating != rule["result_rating"])


UNIT_HEAD_RATING = Text(
    id=(
        "Pegawai ini pimpinan unit kerja: capaian kinerja organisasi unit yang dipimpinnya "
        "ditetapkan sebagai rating hasil kerjanya (PermenPANRB 6/2022). Istimewa: Di atas "
        "ekspektasi; Baik: Sesuai ekspektasi; Butuh Perbaikan, Kurang, Sangat Kurang: Di bawah "
        "ekspektasi."
    ),
    en=(
        "This employee is a unit head: the organisation predicate of the unit they lead is "
        "their result rating (PermenPANRB 6/2022). Istimewa: above expectations; Baik: meets "
        "expectations; Butuh Perbaikan, Kurang, Sangat Kurang: below expectations."
    ),
)
