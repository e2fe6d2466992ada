"""A field's problem in the API's error shape carries its English in English and its
Indonesian in Indonesian, whichever language the request asked for (issue #16)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", ["id", "en"])
def test_a_missing_field_is_told_in_both_languages(org, appraisal, api, accept):
    client = api(org.users["employee"])
    r = client.post(
        f"/api/appraisals/{appraisal.pk}/plan-items/",
        {"indicators": [{"name": "Sekolah", "aspect": "quantity", "target": ""}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"code", "detail", "messages", "problems"}
    problems = {p["field"]: p for p in body["problems"]}
    assert problems["result"]["messages"] == {
        "id": "Bidang ini harus diisi.",
        "en": "This field is required.",
    }
    assert problems["indicators[0].target"]["messages"] == {
        "id": "Bidang ini tidak boleh kosong.",
        "en": "This field may not be blank.",
    }
    assert problems["result"]["message"] == problems["result"]["messages"][accept]


def test_a_limit_keeps_its_number_in_both_languages(org, appraisal, api):
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/plan-items/",
        {
            "result": "Hasil",
            "indicators": [{"name": "I", "aspect": "quantity", "target": "x" * 300}],
        },
        format="json",
    )
    assert r.status_code == 400
    (problem,) = [p for p in r.json()["problems"] if p["field"] == "indicators[0].target"]
    assert "255" in problem["messages"]["id"] and "255" in problem["messages"]["en"]
    assert problem["messages"]["en"].startswith("Ensure this field has no more than")
    assert not problem["messages"]["id"].startswith("Ensure")


def test_a_domain_refusal_raised_in_indonesian_keeps_its_english(org, appraisal, api, at_state):
    at_state("in_progress")
    item = appraisal.plan_items.get()
    rows = [{"id": item.pk, "realisation": "ok", "self_rating": "meets"}] * 2
    r = api(org.users["employee"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/submit_self_assessment/",
        {"items": rows},
        format="json",
    )
    assert r.status_code == 400
    (problem,) = [p for p in r.json()["problems"] if p.get("field") == "items"]
    assert problem["messages"] == {
        "id": "Satu rencana hasil kerja dinilai dua kali.",
        "en": "A result item is assessed twice.",
    }
