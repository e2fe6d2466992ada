"""The distribution curve, every row of the table in ../shared/domain.md, and its enforcement."""

import pytest

from appraisals.curve import evaluate
from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from audit.models import AuditEvent
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise
from ..flow import advance

SB, B, BP, K, SK = "sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"

# (organisation predicate, distribution of 10, which rule breaks or None)
CASES = [
    ("istimewa", {SB: 5, B: 3, BP: 2}, None),
    ("istimewa", {SB: 7, B: 3}, None),
    ("istimewa", {SB: 8, B: 2}, "sangat_baik at most 70 %"),
    ("istimewa", {SB: 3, B: 4, BP: 3}, "sangat_baik is the largest group"),
    ("baik", {B: 6, SB: 2, BP: 1, SK: 1}, None),
    ("baik", {B: 7, SB: 2, K: 1}, None),
    ("baik", {B: 7, SB: 3}, "at least one butuh_perbaikan/kurang"),
    ("baik", {B: 8, BP: 1, SB: 1}, "baik at most 70 %"),
    ("baik", {SB: 5, B: 4, BP: 1}, "baik is the largest group"),
    ("butuh_perbaikan", {BP: 6, SB: 1, B: 2, K: 1}, None),
    ("butuh_perbaikan", {BP: 5, B: 5}, "butuh_perbaikan at least 60 %"),
    ("butuh_perbaikan", {BP: 6, SB: 2, B: 2}, "sangat_baik at most 10 %"),
    ("kurang", {K: 6, BP: 1, SB: 1, B: 1, SK: 1}, None),
    ("kurang", {K: 5, BP: 2, B: 3}, "kurang at least 60 %"),
    ("kurang", {K: 6, B: 4}, "butuh_perbaikan at least 10 %"),
    ("kurang", {K: 6, BP: 1, SB: 2, B: 1}, "sangat_baik at most 10 %"),
    ("sangat_kurang", {SK: 6, K: 1, B: 3}, None),
    ("sangat_kurang", {SK: 6, BP: 4}, None),
    ("sangat_kurang", {SK: 5, K: 1, B: 4}, "sangat_kurang at least 60 %"),
    ("sangat_kurang", {SK: 6, B: 4}, "butuh_perbaikan/kurang at least 10 %"),
    ("sangat_kurang", {SK: 6, K: 1, SB: 1, B: 2}, "sangat_baik at most 0 %"),
]


@pytest.mark.parametrize(("org_predicate", "counts", "broken"), CASES)
def test_distribution_table(org_predicate, counts, broken):
    report = evaluate(organisation_predicate=org_predicate, counts=counts)
    assert report.size == 10 and not report.advisory
    failing = [r["rule"]["en"] for r in report.rules if not r["met"]]
    assert failing == ([broken] if broken else [])
    assert report.blocking == bool(broken)


def test_rounding_floor_for_maxima_ceil_for_minima():
    report = evaluate(organisation_predicate="kurang", counts={K: 5, BP: 1, B: 1})
    bounds = {r["rule"]["en"]: (r["min"], r["max"]) for r in report.rules}
    assert bounds["kurang at least 60 %"] == (5, 7)  # ceil(4.2)
    assert bounds["butuh_perbaikan at least 10 %"] == (1, 7)  # ceil(0.7)
    assert bounds["sangat_baik at most 10 %"] == (0, 0)  # floor(0.7)
    assert report.as_dict()["ok"]


def test_the_report_as_the_calibration_page_and_api_show_it():
    """Every field of every rule, in both languages: what HR and the authority read."""
    report = evaluate(organisation_predicate="baik", counts={SB: 3, B: 2}, unrated=3)
    assert report.as_dict() == {
        "organisation_predicate": "baik",
        "size": 8,
        "counts": {SB: 3, B: 2, BP: 0, K: 0, SK: 0},
        "unrated": 3,
        "advisory": False,
        "ok": True,
        "rules": [
            {
                "rule": {"id": "baik kelompok terbesar", "en": "baik is the largest group"},
                "predicates": [B],
                "kind": "largest",
                "count": 2,
                "min": 0,
                "max": 8,
                "met": False,  # 2 against 3 sangat_baik so far
                "achievable": True,  # the 3 unrated may still make baik the largest
            },
            {
                "rule": {"id": "baik paling banyak 70 %", "en": "baik at most 70 %"},
                "predicates": [B],
                "kind": "max",
                "count": 2,
                "min": 0,
                "max": 5,  # floor(0.7 x 8)
                "met": True,
                "achievable": True,
            },
            {
                "rule": {
                    "id": "minimal satu butuh_perbaikan/kurang",
                    "en": "at least one butuh_perbaikan/kurang",
                },
                "predicates": [BP, K],
                "kind": "min",
                "count": 0,
                "min": 1,
                "max": 8,
                "met": False,
                "achievable": True,
            },
        ],
    }
    kurang = evaluate(organisation_predicate="kurang", counts={K: 1})
    assert [r["rule"]["id"] for r in kurang.rules] == [
        "kurang paling sedikit 60 %",
        "butuh_perbaikan paling sedikit 10 %",
        "sangat_baik paling banyak 10 %",
    ]


def test_a_tie_for_the_largest_group_counts_as_largest():
    tie = evaluate(organisation_predicate="baik", counts={SB: 3, B: 3, BP: 1})
    assert tie.rules[0]["met"] and tie.rules[0]["achievable"]
    # Two unrated can still bring baik level with sangat_baik: achievable, not yet met.
    level = evaluate(organisation_predicate="baik", counts={SB: 4, B: 2, BP: 1}, unrated=2)
    assert (level.rules[0]["met"], level.rules[0]["achievable"]) == (False, True)
    short = evaluate(organisation_predicate="baik", counts={SB: 5, B: 2, BP: 1}, unrated=2)
    assert (short.rules[0]["met"], short.rules[0]["achievable"]) == (False, False)


def test_the_advisory_size_is_a_setting(settings):
    settings.KINERJA_CURVE_ADVISORY_BELOW = 3
    assert not evaluate(organisation_predicate="kurang", counts={SB: 4}).advisory
    settings.KINERJA_CURVE_ADVISORY_BELOW = 6
    assert evaluate(organisation_predicate="kurang", counts={SB: 5}).advisory


def test_small_unit_is_advisory():
    report = evaluate(organisation_predicate="kurang", counts={SB: 4})
    assert report.advisory and not report.blocking
    assert not report.as_dict()["ok"]


def test_unrated_employees_keep_the_curve_achievable():
    early = evaluate(organisation_predicate="kurang", counts={K: 2}, unrated=8)
    assert not early.blocking
    hopeless = evaluate(organisation_predicate="kurang", counts={SB: 2}, unrated=8)
    assert hopeless.blocking


def test_no_organisation_predicate_no_constraint():
    assert evaluate(organisation_predicate=None, counts={SB: 10}).rules == []


@pytest.fixture
def rated_unit(org):
    """Five employees of the appraiser, all reviewed as sangat_baik and discussed."""
    people = [org.employee] + [EmployeeFactory(unit=org.dinas) for _ in range(4)]
    for person in people[1:]:
        supervise(person, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    out = []
    for person in people:
        appraisal = Appraisal.objects.get(employee=person)
        out.append(advance(appraisal, "discussed", users={**org.users, "employee": person.user}))
    return out


@pytest.mark.django_db
def test_issue_refused_when_curve_breaks_until_override(org, rated_unit, api):
    authority = api(org.users["authority"])
    r = authority.post(
        f"/api/units/{org.dinas.pk}/predicate/",
        {"cycle": org.cycle.pk, "predicate": "kurang"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["ok"] is False and r.json()["size"] == 5

    first = rated_unit[0]
    url = f"/api/appraisals/{first.pk}/transitions/issue_result/"
    r = api(org.users["appraiser"]).post(url, {}, format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "curve_unachievable"

    override = f"/api/units/{org.dinas.pk}/curve-override/"
    assert authority.post(override, {"cycle": org.cycle.pk}, format="json").status_code == 400
    assert (
        api(org.users["hr_admin"])
        .post(override, {"cycle": org.cycle.pk, "reason": "x"}, format="json")
        .status_code
        == 403
    )
    r = authority.post(
        override, {"cycle": org.cycle.pk, "reason": "Kinerja unit luar biasa."}, format="json"
    )
    assert r.status_code == 201
    assert api(org.users["appraiser"]).post(url, {}, format="json").status_code == 200
    event = AuditEvent.objects.get(action="curve.override")
    assert event.actor_username == "authority" and event.scope == org.dinas.path


@pytest.mark.django_db
def test_issue_allowed_when_curve_holds(org, rated_unit, api):
    api(org.users["authority"]).post(
        f"/api/units/{org.dinas.pk}/predicate/",
        {"cycle": org.cycle.pk, "predicate": "istimewa"},
        format="json",
    )
    r = api(org.users["appraiser"]).post(
        f"/api/appraisals/{rated_unit[0].pk}/transitions/issue_result/", {}, format="json"
    )
    # Five sangat_baik out of five breaks "at most 70 %": refused as well.
    assert r.status_code == 400
    report = (
        api(org.users["panel"])
        .get(f"/api/units/{org.dinas.pk}/calibration/", {"cycle": org.cycle.pk})
        .json()
    )
    assert [r["rule"]["en"] for r in report["rules"] if not r["met"]] == [
        "sangat_baik at most 70 %"
    ]


@pytest.mark.django_db
def test_calibration_is_scoped(org, api):
    url = f"/api/units/{org.dinas.pk}/calibration/"
    # The employee sees their own unit in the directory: forbidden, not hidden.
    assert api(org.users["employee"]).get(url, {"cycle": org.cycle.pk}).status_code == 403
    assert api(org.users["outsider"]).get(url, {"cycle": org.cycle.pk}).status_code == 404
    assert api(org.users["inspector"]).get(url, {"cycle": org.cycle.pk}).status_code == 200
    r = api(org.users["panel"]).post(
        f"/api/units/{org.dinas.pk}/predicate/",
        {"cycle": org.cycle.pk, "predicate": "baik"},
        format="json",
    )
    assert r.status_code == 403
