"""Follow-up (tindak lanjut) rules: which kinds fit which predicate; decrees carry numbers."""

import datetime as dt

import pytest
from django.utils import timezone

from appraisals.follow_up import ALLOWED_KINDS, repeated_poor
from appraisals.models import Appeal, Appraisal, Cycle
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor
from workflow.errors import PayloadInvalid
from workflow.services import perform

from ..flow import footprint, valid_body

pytestmark = pytest.mark.django_db

EXPECTED = {  # predicate -> kinds the panel may propose
    "sangat_baik": {"award", "promotion", "development", "none"},
    "baik": {"award", "promotion", "development", "none"},
    "butuh_perbaikan": {"development", "none"},
    "kurang": {"development", "sanction", "none"},
    "sangat_kurang": {"development", "sanction", "none"},
}


def test_table_of_kinds():
    for predicate, kinds in EXPECTED.items():
        assert {k for k, preds in ALLOWED_KINDS.items() if predicate in preds} == kinds


@pytest.mark.parametrize(
    ("result", "behaviour", "kind", "ok"),
    [
        ("above", "above", "award", True),
        ("below", "meets", "award", False),  # butuh_perbaikan: no award below baik
        ("below", "below", "sanction", True),
        ("meets", "meets", "sanction", False),
        ("above", "below", "sanction", True),  # kurang (misconduct)
    ],
)
def test_proposal_kind_must_fit_predicate(result, behaviour, kind, ok, org, at_state):
    appraisal = at_state("final")
    Appraisal.objects.filter(pk=appraisal.pk).update(
        result_rating=result,
        behaviour_rating=behaviour,
        predicate={
            ("above", "above"): "sangat_baik",
            ("below", "meets"): "butuh_perbaikan",
            ("below", "below"): "sangat_kurang",
            ("meets", "meets"): "baik",
            ("above", "below"): "kurang",
        }[(result, behaviour)],
    )
    appraisal.refresh_from_db()
    if ok:
        outcome = perform(
            appraisal, "propose_decision", actor=org.users["panel"], payload={"kind": kind}
        )
        assert outcome.obj.state == "decision_proposed"
    else:
        with pytest.raises(PayloadInvalid) as exc:
            perform(appraisal, "propose_decision", actor=org.users["panel"], payload={"kind": kind})
        assert exc.value.problems[0].field == "kind"


def test_approval_needs_reference_and_effective_date(org, at_state, api):
    appraisal = at_state("decision_proposed")
    url = f"/api/appraisals/{appraisal.pk}/transitions/approve_decision/"
    before = footprint(appraisal), list(appraisal.decisions.values_list("status", flat=True))
    r = api(org.users["authority"]).post(url, {}, format="json")
    assert r.status_code == 400
    assert {p["field"] for p in r.json()["problems"]} == {"reference_number", "effective_date"}
    after = footprint(appraisal), list(appraisal.decisions.values_list("status", flat=True))
    assert after == before
    r = api(org.users["authority"]).post(
        url, valid_body("approve_decision", appraisal), format="json"
    )
    assert r.status_code == 200
    decision = appraisal.decisions.get()
    assert decision.status == "approved" and decision.reference_number == "800/123/BKPSDM/2027"
    assert decision.effective_date == dt.date(2027, 2, 1)


def test_repeated_poor_predicates_are_flagged(org, at_state):
    year = org.cycle.year - 1
    earlier = Cycle.objects.create(
        name=str(year),
        instansi=org.instansi,
        year=year,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )
    cycle_open(cycle=earlier, actor=system_actor(), employees=[org.employee])
    Appraisal.objects.filter(cycle=earlier).update(predicate="kurang")
    appraisal = at_state("final")
    Appraisal.objects.filter(pk=appraisal.pk).update(predicate="sangat_kurang")
    appraisal.refresh_from_db()
    perform(
        appraisal,
        "propose_decision",
        actor=org.users["panel"],
        payload={"kind": "sanction", "details": "Penurunan jabatan"},
    )
    evidence = appraisal.decisions.get().evidence
    assert evidence["repeated_poor"] is True
    assert [h["year"] for h in evidence["predicate_history"]] == [year, year + 1]
    assert not repeated_poor(
        [{"year": 2025, "predicate": "baik"}, {"year": 2026, "predicate": "kurang"}]
    )


def test_authority_decides_appeal_after_reviewer_deadline(org, at_state, api):
    appraisal = at_state("appealed")
    appeal = appraisal.appeals.get()
    # The cycle's 14 calendar days, through the end of the last local day.
    filed = timezone.localtime(appeal.filed_at).date()
    last = dt.datetime.combine(filed + dt.timedelta(days=14), dt.time.max)
    assert appeal.decision_due == timezone.make_aware(last)
    url = f"/api/appraisals/{appraisal.pk}/transitions/decide_appeal/"
    body = {"outcome": "upheld", "reason": "Atasan tidak memutus tepat waktu."}
    assert api(org.users["authority"]).post(url, body, format="json").status_code == 403
    Appeal.objects.filter(pk=appeal.pk).update(decision_due=timezone.now() - dt.timedelta(1))
    assert api(org.users["authority"]).post(url, body, format="json").status_code == 200
