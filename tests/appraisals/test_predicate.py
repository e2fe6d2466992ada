"""The regulation's matrix, every cell, as ../shared/domain.md states it."""

import pytest

from appraisals.predicate import predicate_for

from ..flow import valid_body

# result rating -> {behaviour rating: predicate}, copied from domain.md.
DOMAIN_TABLE = {
    "above": {"below": "kurang", "meets": "baik", "above": "sangat_baik"},
    "meets": {"below": "kurang", "meets": "baik", "above": "baik"},
    "below": {"below": "sangat_kurang", "meets": "butuh_perbaikan", "above": "butuh_perbaikan"},
}
CELLS = [(r, b, p) for r, row in DOMAIN_TABLE.items() for b, p in row.items()]


@pytest.mark.parametrize(("result", "behaviour", "predicate"), CELLS)
def test_matrix_cell(result, behaviour, predicate):
    assert predicate_for(result=result, behaviour=behaviour) == predicate


@pytest.mark.django_db
@pytest.mark.parametrize(("result", "behaviour", "predicate"), CELLS)
def test_review_sets_predicate_over_http(result, behaviour, predicate, org, at_state, api):
    appraisal = at_state("self_assessed")
    body = {
        **valid_body("submit_review", appraisal),
        "result_rating": result,
        "behaviour_rating": behaviour,
    }
    r = api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/submit_review/", body, format="json"
    )
    assert r.status_code == 200
    assert r.json()["predicate"] == predicate


@pytest.mark.django_db
def test_predicate_is_null_before_review(org, appraisal, api):
    r = api(org.users["employee"]).get(f"/api/appraisals/{appraisal.pk}/")
    assert r.json()["predicate"] is None
