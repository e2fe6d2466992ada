"""A unit whose curve holds until an appeal revision breaks it (issue #14, section 5)."""

from __future__ import annotations

from appraisals.models import Appraisal
from appraisals.services.calibration import unit_predicate_set
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor
from workflow.services import perform

from .factories import EmployeeFactory, supervise
from .flow import advance, valid_body

# (result, behaviour) per employee: baik, baik, baik, sangat_baik, butuh_perbaikan.
# Under organisation predicate Baik (5 people: baik at most 3, at least one
# butuh_perbaikan or kurang) this holds; revising the butuh_perbaikan to baik breaks it.
RATINGS = [("meets", "meets")] * 3 + [("above", "above"), ("below", "meets")]


def _review(appraisal, users, result, behaviour):
    perform(
        appraisal,
        "submit_review",
        actor=users["appraiser"],
        payload={"result_rating": result, "behaviour_rating": behaviour, "feedback": "Catatan."},
    )
    for name in ("record_discussion", "issue_result"):
        appraisal.refresh_from_db()
        perform(appraisal, name, actor=users["appraiser"], payload=valid_body(name, appraisal))
    appraisal.refresh_from_db()
    return appraisal


def issue_unit_under_baik(org) -> list[Appraisal]:
    """Five results issued in Dinas Pendidikan under organisation predicate Baik."""
    people = [org.employee] + [EmployeeFactory(unit=org.dinas) for _ in range(4)]
    for person in people[1:]:
        supervise(person, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    unit_predicate_set(
        unit=org.dinas, cycle=org.cycle, predicate="baik", actor=org.users["authority"]
    )
    out = []
    for person, (result, behaviour) in zip(people, RATINGS, strict=True):
        users = {**org.users, "employee": person.user}
        appraisal = advance(Appraisal.objects.get(employee=person), "self_assessed", users=users)
        out.append(_review(appraisal, users, result, behaviour))
    return out


def appeal(appraisal, org, outcome="revised", result="meets", behaviour="meets") -> Appraisal:
    """The employee objects; the appraiser's superior decides (PP 30/2019 Pasal 59)."""
    perform(
        appraisal, "file_appeal", actor=appraisal.employee.user, payload={"grounds": "Bukti baru."}
    )
    appraisal.refresh_from_db()
    payload = {"outcome": outcome}
    if outcome == "revised":
        payload.update(result_rating=result, behaviour_rating=behaviour)
    perform(
        appraisal,
        "decide_appeal",
        actor=org.users["superior"],
        payload=payload,
        reason="Keberatan diterima.",
    )
    appraisal.refresh_from_db()
    return appraisal
