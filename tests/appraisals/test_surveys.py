"""Public satisfaction survey results (IKM): CSV import by HR, shown beside the appraisal."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisals.models import SurveyResult
from appraisals.services.surveys import parse_score
from audit.models import AuditEvent

from ..factories import UserFactory, assign_role, make_cycle, make_unit

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
IMPORT = "/api/surveys/import/"


def csv_file(content: bytes, name="ikm.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post(client, cycle, content: bytes, commit=False):
    return client.post(
        IMPORT + ("?commit=1" if commit else ""),
        {"file": csv_file(content), "cycle": cycle.pk},
        format="multipart",
    )


@pytest.fixture
def hr(org, api):
    return api(org.users["hr_admin"])


def test_dry_run_reports_and_writes_nothing(org, hr):
    r = post(hr, org.cycle, (DATA / "ikm.csv").read_bytes())
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "committed": False,
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert not SurveyResult.objects.exists()


def test_commit_writes_with_decimal_commas_and_audit(org, hr):
    r = post(hr, org.cycle, (DATA / "ikm.csv").read_bytes(), commit=True)
    assert r.status_code == 200, r.json()
    assert r.json()["committed"] is True and r.json()["created"] == 4
    row = SurveyResult.objects.get(unit=org.dinas, service="Legalisir ijazah")
    assert row.score == Decimal("87.45") and row.respondents == 120
    assert row.period == "Semester I" and row.imported_by == org.users["hr_admin"]
    assert SurveyResult.objects.get(service="Mutasi siswa").score == Decimal("82.10")
    assert row.history.get().history_user == org.users["hr_admin"]
    event = AuditEvent.objects.get(action="survey_results.imported")
    assert event.changes["created"] == [None, 4]
    assert AuditEvent.objects.filter(action="survey_result.imported").count() == 4


def test_re_import_is_idempotent_and_updates_changed_rows(org, hr):
    content = (DATA / "ikm.csv").read_bytes()
    post(hr, org.cycle, content, commit=True)
    events = AuditEvent.objects.count()
    again = post(hr, org.cycle, content, commit=True).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert SurveyResult.objects.count() == 4 and AuditEvent.objects.count() == events
    row = SurveyResult.objects.get(service="Legalisir ijazah")
    assert row.history.count() == 1

    changed = content.replace(b"87,45;120", b"88,00;130")
    report = post(hr, org.cycle, changed, commit=True).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 3)
    row.refresh_from_db()
    assert (row.score, row.respondents) == (Decimal("88.00"), 130)


def test_bad_rows_are_reported_with_row_numbers_in_both_languages(org, hr):
    content = (DATA / "ikm_errors.csv").read_bytes()
    report = post(hr, org.cycle, content).json()
    assert report["rows"] == 4 and report["committed"] is False
    found = {(e["row"], e["column"], e["code"]) for e in report["errors"]}
    assert found == {
        (3, "kode_unit", "unit_unknown"),
        (4, "layanan", "required"),
        (4, "nilai", "score_invalid"),
        (5, "responden", "respondents_invalid"),
        (5, "layanan", "duplicate_row"),
    }
    unknown = next(e for e in report["errors"] if e["code"] == "unit_unknown")
    assert unknown["messages"]["id"].startswith("Baris 3, kolom kode_unit:")
    assert unknown["messages"]["en"].startswith("Row 3, column kode_unit:")

    r = post(hr, org.cycle, content, commit=True)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "payload_invalid" and body["messages"]["en"]
    assert "row[3].kode_unit" in {p["field"] for p in body["problems"]}
    # One transaction: the valid first row was not written either.
    assert not SurveyResult.objects.exists()


def test_missing_columns_and_unreadable_files(org, hr):
    r = post(hr, org.cycle, b"kode_unit,layanan,nilai\nDISDIK,x,80\n")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "columns_missing"
    assert "periode" in problem["messages"]["id"] and "responden" in problem["messages"]["en"]
    assert post(hr, org.cycle, b"\xff\xfe\x00bad").status_code == 400
    assert post(hr, org.cycle, b"kode_unit,layanan\x00,periode").status_code == 400


def test_units_outside_the_cycle_are_refused(org, hr):
    other = make_unit("LUAR", "Pemerintah Kota Lain", "instansi")
    assert other.path
    report = post(hr, org.cycle, b"kode_unit,layanan,periode,nilai,responden\nLUAR,A,I,80,5\n")
    assert report.json()["errors"][0]["code"] == "unit_outside_cycle"


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector", "panel", "outsider"])
def test_only_hr_over_the_instansi_imports(org, api, persona):
    r = post(api(org.users[persona]), org.cycle, (DATA / "ikm.csv").read_bytes(), commit=True)
    assert r.status_code == 403
    assert r.json()["messages"]["id"] and r.json()["messages"]["en"]
    assert not SurveyResult.objects.exists()


def test_hr_of_another_instansi_cannot_import(org, api):
    elsewhere = make_unit("KOTA", "Pemerintah Kota", "instansi")
    user = UserFactory(username="hr_kota")
    assign_role(user, "hr_admin", elsewhere)
    assert post(api(user), org.cycle, (DATA / "ikm.csv").read_bytes()).status_code == 403
    assert post(api(user), make_cycle(elsewhere), b"x").status_code == 400  # no columns


@pytest.mark.parametrize(
    ("raw", "value"),
    [("87,45", "87.45"), ("87.455", "87.46"), ("100", "100.00"), (" 0 ", "0.00")],
)
def test_scores_take_a_decimal_comma_or_point(raw, value):
    assert parse_score(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["101", "-1", "1.234,5", "abc", "", "NaN", "Infinity"])
def test_scores_outside_0_to_100_are_refused(raw):
    assert parse_score(raw) is None


def test_appraisal_shows_its_unit_and_ancestors_in_its_cycle(org, appraisal, api, hr):
    post(hr, org.cycle, (DATA / "ikm.csv").read_bytes(), commit=True)
    surveys_url = f"/api/appraisals/{appraisal.pk}/surveys/"
    page = api(org.users["appraiser"]).get(surveys_url).json()
    assert page["count"] == 3
    assert {(r["unit"]["code"], r["service"]) for r in page["results"]} == {
        ("PEMKAB", "Mal Pelayanan Publik"),
        ("DISDIK", "Legalisir ijazah"),
        ("DISDIK", "Mutasi siswa"),
    }
    assert page["results"][0]["unit"]["code"] == "PEMKAB"  # the instansi first
    for persona in ("employee", "inspector", "superior"):
        assert api(org.users[persona]).get(surveys_url).json()["count"] == 3
    for persona in ("outsider", "other_appraiser"):
        assert api(org.users[persona]).get(surveys_url).status_code == 404


def test_results_of_another_cycle_are_not_shown(org, appraisal, api, hr):
    later = make_cycle(org.instansi, year=2027)
    post(hr, later, (DATA / "ikm.csv").read_bytes(), commit=True)
    page = api(org.users["appraiser"]).get(f"/api/appraisals/{appraisal.pk}/surveys/").json()
    assert page["count"] == 0


def test_an_unknown_cycle_is_a_field_error(org, hr):
    for cycle in (10**6, 10**20, "abc"):
        r = hr.post(
            IMPORT,
            {"file": csv_file((DATA / "ikm.csv").read_bytes()), "cycle": cycle},
            format="multipart",
        )
        assert r.status_code == 400, cycle
        assert r.json()["problems"][0]["field"] == "cycle"
    r = hr.post(IMPORT, {"cycle": org.cycle.pk}, format="multipart")
    assert r.status_code == 400 and r.json()["problems"][0]["field"] == "file"
