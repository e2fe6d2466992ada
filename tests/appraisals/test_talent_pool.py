"""The talent pool (issue #18, part 4): who is in it, who reads it, its files and page.

The rule (appraisals/talent.py): the latest final annual predicates of
KINERJA_TALENT_POOL_YEARS consecutive years (default 2) all Sangat Baik.
"""

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from appraisals.models import Appraisal
from appraisals.selectors.talent import talent_pool_of
from appraisals.services.cycles import cycle_open
from audit.models import ReadAccess
from workflow.actors import system_actor

from ..factories import EmployeeFactory, make_cycle, supervise

pytestmark = pytest.mark.django_db

SB, B = "sangat_baik", "baik"


@pytest.fixture
def years(org):
    """Cycles for the three years before the fixture's, then the fixture's own."""
    last = org.cycle.year
    cycles = {y: make_cycle(org.instansi, year=y) for y in (last - 3, last - 2, last - 1)}
    cycles[last] = org.cycle
    return cycles


def _person(org, name: str, history: dict, *, unit=None, state="final"):
    """An employee with a result per year: {year: predicate}, each final unless `state`
    (for the latest year) says otherwise."""
    employee = EmployeeFactory(unit=unit or org.dinas, name=name)
    supervise(employee, org.appraiser)
    latest = max(history) if history else None
    for year, predicate in history.items():
        cycle = org.cycle.__class__.objects.get(instansi=org.instansi, year=year)
        cycle_open(cycle=cycle, actor=system_actor(), employees=[employee])
        Appraisal.objects.filter(cycle=cycle, employee=employee).update(
            predicate=predicate, state=state if year == latest else "final"
        )
    return employee


def test_the_rule_two_latest_consecutive_years_sangat_baik(org, years):
    y = org.cycle.year
    ins = {
        _person(org, "Dua Tahun", {y - 1: SB, y: SB}),
        _person(org, "Tiga Tahun", {y - 2: SB, y - 1: SB, y: SB}),
        # The latest final result is last year's: this year's still open to appeal.
        _person(org, "Tahun Lalu", {y - 2: SB, y - 1: SB, y: B}, state="result_issued"),
    }
    outs = {
        _person(org, "Sekali", {y: SB}),
        _person(org, "Baik Dulu", {y - 1: B, y: SB}),
        _person(org, "Turun", {y - 1: SB, y: B}),
        _person(org, "Berlubang", {y - 3: SB, y - 1: SB}),  # y-2 missing: not consecutive
        _person(org, "Tidak Final", {y - 1: SB, y: SB}, state="decision_proposed") and None,
    }
    outs.discard(None)
    pool = set(talent_pool_of(unit=org.instansi))
    assert ins <= pool
    assert not pool & outs
    # "decision_proposed" is a final result (its follow-up under way): in.
    assert {e.name for e in pool} == {"Dua Tahun", "Tiga Tahun", "Tahun Lalu", "Tidak Final"}


def test_a_unit_sees_its_subtree_only(org, years):
    y = org.cycle.year
    _person(org, "Pendidikan", {y - 1: SB, y: SB})
    _person(org, "Kesehatan", {y - 1: SB, y: SB}, unit=org.other_dinas)
    assert [e.name for e in talent_pool_of(unit=org.dinas)] == ["Pendidikan"]
    assert {e.name for e in talent_pool_of(unit=org.instansi)} == {"Pendidikan", "Kesehatan"}


def test_the_number_of_years_is_the_agencys_setting(org, years, settings):
    y = org.cycle.year
    _person(org, "Sekali", {y: SB})
    assert not talent_pool_of(unit=org.instansi).exists()
    settings.KINERJA_TALENT_POOL_YEARS = 1
    assert [e.name for e in talent_pool_of(unit=org.instansi)] == ["Sekali"]


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("hr_admin", "instansi", 200),
        ("panel", "dinas", 200),
        ("authority", "dinas", 403),
        ("inspector", "dinas", 403),
        ("employee", "dinas", 403),  # their own unit is seen, not its pool
        ("outsider", "dinas", 404),  # another dinas: not even seen
        ("superior", "other_dinas", 404),
    ],
)
def test_who_reads_the_pool(persona, unit, status, org, years, api):
    y = org.cycle.year
    _person(org, "Dua Tahun", {y - 1: SB, y: SB})
    target = getattr(org, unit)
    client = api(org.users[persona])
    for suffix in ("", "xlsx/", "csv/"):
        r = client.get(f"/api/units/{target.pk}/talent-pool/{suffix}")
        assert r.status_code == status, (suffix, r.status_code)


def test_the_list_carries_the_record_in_pages(org, years, api):
    y = org.cycle.year
    star = _person(org, "Bintang", {y - 1: SB, y: SB})
    _person(org, "Cahaya", {y - 1: SB, y: SB})
    reads = ReadAccess.objects.count()
    r = api(org.users["hr_admin"]).get(f"/api/units/{org.instansi.pk}/talent-pool/?page_size=1")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and body["next"] and len(body["results"]) == 1
    record = body["results"][0]
    assert record["id"] == star.pk and record["nip"] == star.nip and record["name"] == "Bintang"
    assert record["unit"]["id"] == org.dinas.pk
    assert [(p["year"], p["predicate"]) for p in record["predicates"]] == [(y, SB), (y - 1, SB)]
    latest = Appraisal.objects.get(employee=star, cycle=org.cycle)
    assert record["latest_appraisal"] == latest.pk
    assert ReadAccess.objects.count() == reads + 1  # who read whose record


def test_the_files_list_the_pool(org, years, api):
    y = org.cycle.year
    star = _person(org, "=Bintang", {y - 1: SB, y: SB})  # a formula-looking name
    client = api(org.users["hr_admin"])
    r = client.get(f"/api/units/{org.instansi.pk}/talent-pool/csv/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["NIP", "Nama"] and rows[0][-2:] == [f"Predikat {y}", f"Predikat {y - 1}"]
    assert rows[1][0] == star.nip and rows[1][1] == "'=Bintang"
    assert rows[1][-2:] == ["Sangat Baik", "Sangat Baik"]
    r = client.get(f"/api/units/{org.instansi.pk}/talent-pool/xlsx/")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [star.nip, "'=Bintang"] in [row[:2] for row in values]


def _web(user, language="id") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def test_the_page_in_indonesian_first_and_english(org, years):
    y = org.cycle.year
    _person(org, "Bintang", {y - 1: SB, y: SB})
    r = _web(org.users["hr_admin"]).get(f"/hr/units/{org.instansi.pk}/talent/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Kelompok talenta" in page and "Bintang" in page and "Sangat Baik" in page
    assert "data-propose" not in page  # HR reads; the panel proposes
    r = _web(org.users["hr_admin"], "en").get(f"/hr/units/{org.instansi.pk}/talent/")
    assert "Talent pool" in r.content.decode()
    for fmt in ("xlsx", "csv"):
        r = _web(org.users["hr_admin"]).get(f"/hr/units/{org.instansi.pk}/talent/{fmt}/")
        assert r.status_code == 200
    assert _web(org.users["authority"]).get(f"/hr/units/{org.dinas.pk}/talent/").status_code == 403
    assert _web(org.users["outsider"]).get(f"/hr/units/{org.dinas.pk}/talent/").status_code == 404


def test_the_panel_proposes_a_promotion_from_the_pool(org, years):
    y = org.cycle.year
    star = _person(org, "Bintang", {y - 1: SB, y: SB})
    latest = Appraisal.objects.get(employee=star, cycle=org.cycle)
    panel = _web(org.users["panel"])
    page = panel.get(f"/hr/units/{org.instansi.pk}/talent/").content.decode()
    link = f"/appraisals/{latest.pk}/do/propose_decision/?kind=promotion"
    assert link in page
    form = panel.get(link)
    assert form.status_code == 200
    assert '<option value="promotion" selected>' in form.content.decode()
    r = panel.post(
        f"/appraisals/{latest.pk}/do/propose_decision/",
        {"kind": "promotion", "details": "Calon promosi", "version": latest.version},
    )
    assert r.status_code == 302
    assert latest.decisions.get().kind == "promotion"
    latest.refresh_from_db()
    assert latest.state == "decision_proposed"
