"""A unit head's result rating follows the unit's organisation predicate.

PermenPANRB 6/2022 (annex, penetapan predikat kinerja pegawai): when the head of
a unit is the one appraised, the unit's achievement (capaian kinerja
organisasi) is set as their result rating. The head is the holder of the
position that leads the unit (Position.heads_unit).
"""

import pytest

from appraisals.models import Appraisal, Position
from appraisals.services.cycles import cycle_open
from appraisals.units import expected_result_rating, unit_led_by
from workflow.actors import system_actor

from ..factories import EmployeeFactory, PositionFactory, make_unit, supervise
from ..flow import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def bidang(org):
    return make_unit("DISDIK-SD", "Bidang Pendidikan Dasar", "unit_kerja", org.dinas)


@pytest.fixture
def head_appraisal(org, bidang):
    """The head of Bidang Pendidikan Dasar, appraised by the Kepala Bidang persona."""
    position = PositionFactory(
        unit=bidang,
        name="Kepala Bidang Pendidikan Dasar",
        kind=Position.Kind.ADMINISTRATOR,
        heads_unit=True,
    )
    kabid = EmployeeFactory(unit=bidang, position=position, name="Kabid Dikdas")
    supervise(kabid, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[kabid])
    appraisal = Appraisal.objects.get(employee=kabid)
    return advance(appraisal, "self_assessed", users={**org.users, "employee": kabid.user})


def _set_predicate(api, org, unit, predicate):
    r = api(org.users["authority"]).post(
        f"/api/units/{unit.pk}/predicate/",
        {"cycle": org.cycle.pk, "predicate": predicate},
        format="json",
    )
    assert r.status_code == 200, r.json()


def _review(api, org, appraisal, result):
    return api(org.users["appraiser"]).post(
        f"/api/appraisals/{appraisal.pk}/transitions/submit_review/",
        {"result_rating": result, "behaviour_rating": "meets", "feedback": "Catatan."},
        format="json",
    )


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ("istimewa", "above"),
        ("baik", "meets"),
        ("butuh_perbaikan", "below"),
        ("kurang", "below"),
        ("sangat_kurang", "below"),
    ],
)
def test_the_unit_predicate_fixes_the_heads_result_rating(organisation, expected):
    assert expected_result_rating(organisation) == expected


def test_a_head_rated_against_the_units_achievement_is_refused(org, bidang, head_appraisal, api):
    _set_predicate(api, org, bidang, "baik")
    r = _review(api, org, head_appraisal, "above")
    assert r.status_code == 400, r.json()
    (problem,) = r.json()["problems"]
    assert r.json()["code"] == "conditions_unmet"
    assert problem["code"] == "unit_head_result_rating"
    assert "Sesuai ekspektasi" in problem["messages"]["id"]
    assert "pimpinan unit kerja" in problem["messages"]["id"]
    assert "unit head" in problem["messages"]["en"]
    head_appraisal.refresh_from_db()
    assert head_appraisal.state == "self_assessed"
    r = _review(api, org, head_appraisal, "meets")
    assert r.status_code == 200, r.json()
    assert r.json()["predicate"] == "baik"


def test_a_head_without_a_unit_predicate_is_accepted_with_a_warning(
    org, bidang, head_appraisal, api, client
):
    assert unit_led_by(head_appraisal.employee) == bidang
    client.force_login(org.users["appraiser"])
    page = client.get(f"/appraisals/{head_appraisal.pk}/do/submit_review/").content.decode()
    assert 'id="unit-head-warning"' in page
    assert "belum ditetapkan" in page
    assert _review(api, org, head_appraisal, "above").status_code == 200


def test_the_review_form_names_the_rating_the_unit_predicate_sets(
    org, bidang, head_appraisal, api, client
):
    _set_predicate(api, org, bidang, "istimewa")
    client.force_login(org.users["appraiser"])
    page = client.get(f"/appraisals/{head_appraisal.pk}/do/submit_review/").content.decode()
    assert 'id="unit-head-rule"' in page and "Di atas ekspektasi" in page


def test_a_predicate_of_a_parent_unit_does_not_bind_the_head_of_a_child(
    org, bidang, head_appraisal, api
):
    # The head's result is their own unit's achievement, not the Dinas's.
    _set_predicate(api, org, org.dinas, "baik")
    assert _review(api, org, head_appraisal, "above").status_code == 200


def test_staff_of_a_unit_with_a_predicate_are_rated_freely(org, bidang, api):
    _set_predicate(api, org, org.dinas, "baik")
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.employee])
    appraisal = advance(
        Appraisal.objects.get(employee=org.employee), "self_assessed", users=org.users
    )
    assert unit_led_by(org.employee) is None
    assert _review(api, org, appraisal, "above").status_code == 200


def test_only_one_head_position_per_unit(bidang):
    from django.db import IntegrityError, transaction

    PositionFactory(unit=bidang, heads_unit=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(unit=bidang, heads_unit=True)
