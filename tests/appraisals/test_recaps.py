"""A unit's recap (XLSX and CSV): its totals are the dashboard's, its cells are text,
its CSV follows the agency's mapping, and it costs the same queries for 2 rows or 20."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.models import Value
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from appraisals.exports import COLUMNS, Column, RecapMappingError, csv_mapping_load, csv_safe
from appraisals.exports import columns as columns_module
from appraisals.exports.mapping import DEFAULT_MAPPING, csv_mapping_parse
from appraisals.models import (
    Appeal,
    Appraisal,
    BulkJob,
    Decision,
    Employee,
    PeriodicEvaluation,
)
from appraisals.selectors.appraisals import appraisal_state_counts_in
from appraisals.selectors.calibration import curve_report
from appraisals.selectors.periods import period_count
from appraisals.services.cycles import cycle_open
from appraisals.states import STATES
from audit.models import ReadAccess
from workflow.actors import system_actor
from workflow.text import Text as T

from ..factories import EmployeeFactory, PositionFactory, make_cycle, make_unit, supervise

pytestmark = pytest.mark.django_db

XLSX = "/api/units/{}/recap/xlsx/?cycle={}"
CSV = "/api/units/{}/recap/csv/?cycle={}"
HOSTILE = {
    "name": '=HYPERLINK("http://evil.example","klik")',
    "position": "+62 811 000",
    "grade": "@SUM(1+1)",
    "reference": "-2+3",
}


@pytest.fixture
def recap_world(org):
    """The dinas's subtree in the org cycle: states, predicates, an appeal, decisions,
    a cancelled appraisal, an employee of a bidang below; and one in another dinas."""
    bidang = make_unit("DISDIK-B1", "Bidang SD", "unit_kerja", org.dinas)
    people = [EmployeeFactory(unit=org.dinas, name=f"Guru {i}") for i in range(8)]
    people.append(EmployeeFactory(unit=bidang, name="Teuku Ni'mah"))
    for person in people:
        supervise(person, org.appraiser)
    stranger = EmployeeFactory(unit=org.other_dinas, name="Dokter Lain")
    supervise(stranger, org.other_appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[*people, stranger])
    by_name = {a.employee.name: a for a in Appraisal.objects.select_related("employee")}
    rated = {
        "Guru 0": ("final", "above", "above", "sangat_baik"),
        "Guru 1": ("final", "meets", "meets", "baik"),
        "Guru 2": ("decided", "meets", "meets", "baik"),
        "Guru 3": ("result_issued", "below", "meets", "butuh_perbaikan"),
        "Guru 4": ("appealed", "below", "below", "sangat_kurang"),
        "Guru 5": ("cancelled", "meets", "meets", "baik"),
        "Teuku Ni'mah": ("final", "meets", "above", "baik"),
    }
    for name, (state, result, behaviour, predicate) in rated.items():
        Appraisal.objects.filter(pk=by_name[name].pk).update(
            state=state, result_rating=result, behaviour_rating=behaviour, predicate=predicate
        )
    now = timezone.now()
    hr = org.users["hr_admin"]
    Appeal.objects.create(appraisal=by_name["Guru 4"], grounds="Tidak adil", filed_at=now)
    Appeal.objects.create(
        appraisal=by_name["Guru 1"],
        grounds="Lama",
        filed_at=now - dt.timedelta(days=30),
        outcome="upheld",
    )
    Appeal.objects.create(
        appraisal=by_name["Guru 1"],
        grounds="Baru",
        filed_at=now - dt.timedelta(days=3),
        outcome="revised",
    )
    Decision.objects.create(
        appraisal=by_name["Guru 2"],
        kind="award",
        status="rejected",
        proposed_by=hr,
        proposed_at=now - dt.timedelta(days=9),
    )
    Decision.objects.create(
        appraisal=by_name["Guru 2"],
        kind="promotion",
        status="approved",
        proposed_by=hr,
        proposed_at=now - dt.timedelta(days=2),
        reference_number="800/123/BKPSDM/2026",
        effective_date=dt.date(2027, 1, 1),
    )
    return {"people": people, "by_name": by_name}


def _xlsx(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["Pegawai"].iter_rows(values_only=True))
    summary = list(wb["Rekapitulasi"].iter_rows(values_only=True))
    return {"data": data, "wb": wb, "header": rows[0], "rows": rows[1:], "summary": summary}


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # sent as it is read
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _summary_counts(summary, first: str) -> dict[str, int]:
    """The block of the totals sheet that starts with `first`, as label -> count."""
    start = next(i for i, row in enumerate(summary) if row and row[0] == first)
    counts = {}
    for row in summary[start + 1 :]:
        if not row or row[0] is None or row[0] == "Jumlah":
            break
        counts[row[0]] = row[1]
    return counts


def test_xlsx_totals_equal_the_dashboard_counts(api, org, recap_world):
    got = _xlsx(api(org.users["hr_admin"]).get(XLSX.format(org.dinas.pk, org.cycle.pk)))
    dashboard = appraisal_state_counts_in(cycle=org.cycle, unit=org.dinas)
    labels = {s.name: s.label.id for s in STATES}
    expected = {labels[s.name]: dashboard.get(s.name, 0) for s in STATES}
    assert _summary_counts(got["summary"], "Status Penilaian") == expected
    assert len(got["rows"]) == sum(dashboard.values()) == 9  # the other dinas is not in it
    # Predicates among the live appraisals: the calibration API's counts.
    calibration = (
        api(org.users["hr_admin"])
        .get(f"/api/units/{org.dinas.pk}/calibration/?cycle={org.cycle.pk}")
        .json()
    )
    predicates = _summary_counts(got["summary"], "Predikat Kinerja")
    assert predicates["Sangat Baik"] == calibration["counts"].get("sangat_baik", 0) == 1
    assert predicates["Baik"] == calibration["counts"]["baik"] == 3
    assert predicates["Belum dinilai"] == calibration["unrated"] == 2
    assert curve_report(unit=org.dinas, cycle=org.cycle).counts == calibration["counts"]


def test_xlsx_rows_carry_the_record_with_indonesian_headers(api, org, recap_world):
    got = _xlsx(api(org.users["panel"]).get(XLSX.format(org.dinas.pk, org.cycle.pk)))
    header = got["header"]
    assert header[:4] == ("NIP", "Nama", "Jabatan", "Pangkat/Golongan")
    assert "Predikat Kinerja" in header and "Hasil Keberatan" in header
    assert "Nomor Keputusan" in header
    rows = {row[header.index("Nama")]: dict(zip(header, row, strict=True)) for row in got["rows"]}
    teuku = rows["Teuku Ni'mah"]
    assert teuku["Unit Kerja"] == "Bidang SD"
    assert teuku["Rating Perilaku Kerja (Tahunan)"] == "Di atas ekspektasi"
    assert teuku["Predikat Kinerja"] == "Baik"
    assert teuku["Status Penilaian"] == "Hasil final"
    nip = recap_world["people"][-1].nip
    assert teuku["NIP"] == nip and isinstance(teuku["NIP"], str)  # 18 digits stay exact
    # The latest appeal and the latest decision.
    assert rows["Guru 1"]["Hasil Keberatan"] == "Hasil diubah"
    assert rows["Guru 4"]["Hasil Keberatan"] == "Dalam proses"
    assert rows["Guru 2"]["Jenis Tindak Lanjut"] == "Promosi"
    assert rows["Guru 2"]["Status Tindak Lanjut"] == "Disetujui"
    assert rows["Guru 2"]["Nomor Keputusan"] == "800/123/BKPSDM/2026"
    assert rows["Guru 2"]["Tanggal Berlaku Keputusan"] == "2027-01-01"
    assert rows["Guru 5"]["Status Penilaian"] == "Dibatalkan"


def test_csv_follows_the_default_mapping_and_counts_as_the_dashboard(api, org, recap_world):
    rows = _csv(api(org.users["inspector"]).get(CSV.format(org.dinas.pk, org.cycle.pk)))
    mapping = csv_mapping_load(DEFAULT_MAPPING)
    assert list(rows[0]) == [m.header for m in mapping.columns]
    by_state: dict[str, int] = {}
    for row in rows:
        by_state[row["STATUS_PENILAIAN"]] = by_state.get(row["STATUS_PENILAIAN"], 0) + 1
    assert by_state == appraisal_state_counts_in(cycle=org.cycle, unit=org.dinas)
    guru2 = next(r for r in rows if r["NAMA"] == "Guru 2")
    assert (guru2["JENIS_TINDAK_LANJUT"], guru2["NOMOR_SK"]) == ("promotion", "800/123/BKPSDM/2026")
    assert guru2["PREDIKAT_KINERJA"] == "Baik" and guru2["RATING_HASIL_KERJA"] == "meets"


@pytest.fixture
def hostile(org, recap_world):
    person = recap_world["people"][0]
    position = PositionFactory(unit=org.dinas, name=HOSTILE["position"])
    Employee.objects.filter(pk=person.pk).update(
        name=HOSTILE["name"], grade=HOSTILE["grade"], position=position
    )
    Decision.objects.create(
        appraisal=recap_world["by_name"]["Guru 0"],
        kind="award",
        proposed_by=org.users["panel"],
        proposed_at=timezone.now(),
        reference_number=HOSTILE["reference"],
    )
    return person


def test_csv_cells_that_would_be_formulas_are_neutralised(api, org, hostile):
    rows = _csv(api(org.users["hr_admin"]).get(CSV.format(org.dinas.pk, org.cycle.pk)))
    row = next(r for r in rows if r["NIP"] == hostile.nip)
    assert row["NAMA"] == "'" + HOSTILE["name"]
    assert row["JABATAN"] == "'" + HOSTILE["position"]
    assert row["GOLONGAN"] == "'" + HOSTILE["grade"]
    assert row["NOMOR_SK"] == "'" + HOSTILE["reference"]
    for cell in (c for r in rows for c in r.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ni Luh", "Ni Luh"),
        ("a=b", "a=b"),
        (None, ""),
        ("", ""),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_xlsx_keeps_such_values_as_text_never_formulas(api, org, hostile):
    got = _xlsx(api(org.users["hr_admin"]).get(XLSX.format(org.dinas.pk, org.cycle.pk)))
    with zipfile.ZipFile(io.BytesIO(got["data"])) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(n) for n in sheets)
    sheet = got["wb"]["Pegawai"]
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row}
    for value in HOSTILE.values():
        assert cells[value].data_type == "s", value


def test_agency_mapping_chooses_columns_headers_and_delimiter(api, org, recap_world, tmp_path):
    path = tmp_path / "bkn.yaml"
    path.write_text(
        "delimiter: ','\nencoding: utf-8\ncolumns:\n"
        "  - {field: nip, header: nip_baru}\n"
        "  - {field: predikat, header: predikat, value: code}\n",
        encoding="utf-8",
    )
    with override_settings(KINERJA_RECAP_CSV_MAPPING=str(path)):
        response = api(org.users["hr_admin"]).get(CSV.format(org.dinas.pk, org.cycle.pk))
        text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "nip_baru,predikat"
    teuku = recap_world["people"][-1]
    assert f"{teuku.nip},baik" in lines


@pytest.mark.parametrize(
    "text,says",
    [
        ("columns: [", "bukan YAML yang sah"),
        ("delimiter: ';'\n", "columns"),
        ("columns:\n  - {field: gaji, header: GAJI}\n", "field 'gaji' tidak dikenal"),
        ("columns:\n  - {field: nip, header: ''}\n", "header kosong"),
        ("columns:\n  - {field: nip, header: A}\n  - {field: nama, header: A}\n", "dua kali"),
        ("columns:\n  - {field: nip, header: A, value: raw}\n", "'label' atau 'code'"),
        ("delimiter: ';;'\ncolumns:\n  - {field: nip, header: A}\n", "delimiter"),
        ("encoding: klingon\ncolumns:\n  - {field: nip, header: A}\n", "klingon"),
        ("version: 2\ncolumns:\n  - {field: nip, header: A}\n", "versi 2"),
    ],
)
def test_a_wrong_mapping_is_refused_at_load_naming_the_mistake(text, says):
    with pytest.raises(RecapMappingError) as caught:
        csv_mapping_parse(text, source="agency.yaml")
    assert says in caught.value.text.id
    assert "agency.yaml" in caught.value.text.en  # and said in English too


def test_a_missing_mapping_file_is_named(tmp_path):
    with pytest.raises(RecapMappingError, match="tidak dapat dibaca"):
        csv_mapping_load(tmp_path / "none.yaml")


def test_the_default_mapping_is_valid_and_documents_every_field():
    mapping = csv_mapping_load(DEFAULT_MAPPING)
    documented = DEFAULT_MAPPING.read_text(encoding="utf-8")
    for column in COLUMNS:
        assert column.key in documented
    assert {m.field for m in mapping.columns} == {c.key for c in COLUMNS}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [XLSX, CSV])
def test_recap_queries_do_not_grow_with_rows(api, org, url):
    people = [EmployeeFactory(unit=org.dinas) for _ in range(2)]
    for person in people:
        supervise(person, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    client = api(org.users["hr_admin"])
    _queries(client, url.format(org.dinas.pk, org.cycle.pk))  # the caller's profile is cached
    few = _queries(client, url.format(org.dinas.pk, org.cycle.pk))
    more = [EmployeeFactory(unit=org.dinas) for _ in range(20)]
    for person in more:
        supervise(person, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=more)
    assert _queries(client, url.format(org.dinas.pk, org.cycle.pk)) == few


# -- who may ask --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["employee", "appraiser", "superior"])
def test_staff_of_the_unit_are_refused(api, org, persona):
    response = api(org.users[persona]).get(XLSX.format(org.dinas.pk, org.cycle.pk))
    assert response.status_code == 403


def test_a_unit_out_of_sight_is_not_found(api, org):
    response = api(org.users["outsider"]).get(CSV.format(org.dinas.pk, org.cycle.pk))
    assert response.status_code == 404


def test_a_cycle_of_another_instansi_is_not_found_and_none_is_a_400(api, org):
    elsewhere = make_cycle(make_unit("PEMKOT", "Pemerintah Kota", "instansi"))
    client = api(org.users["hr_admin"])
    assert client.get(CSV.format(org.dinas.pk, elsewhere.pk)).status_code == 404
    response = client.get(f"/api/units/{org.dinas.pk}/recap/csv/")
    assert response.status_code == 400
    assert "cycle" in response.content.decode()


# -- a large recap is a job ---------------------------------------------------------------------


@override_settings(KINERJA_RECAP_BACKGROUND_ROWS=3)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_large_recap_is_a_job_whose_file_is_then_downloaded(
    api, org, recap_world, django_capture_on_commit_callbacks, fmt
):
    client = api(org.users["panel"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/api/units/{org.dinas.pk}/recap/{fmt}/?cycle={org.cycle.pk}")
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "recap" and body["total"] == 9
    job = client.get(f"/api/jobs/{body['id']}/").json()
    assert job["status"] == "done" and job["done"] == job["total"] == 9
    assert job["file"] == f"/api/jobs/{body['id']}/file/"
    download = client.get(job["file"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    if fmt == "xlsx":
        assert len(list(load_workbook(io.BytesIO(data))["Pegawai"].iter_rows())) == 10
    else:
        assert len(data.decode("utf-8-sig").splitlines()) == 10
    stored = BulkJob.objects.get(pk=body["id"])
    assert stored.report["rows"] == 9
    # Someone else's job, and a job with no file, are not found.
    assert api(org.users["outsider"]).get(job["file"]).status_code == 404


def test_a_job_without_a_file_is_not_found(api, org):
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.CYCLE_OPEN, cycle=org.cycle, requested_by=org.users["hr_admin"]
    )
    response = api(org.users["hr_admin"]).get(f"/api/jobs/{job.pk}/file/")
    assert response.status_code == 404
    assert api(org.users["hr_admin"]).get(f"/api/jobs/{job.pk}/").json()["file"] is None


def test_a_broken_agency_mapping_fails_the_system_check(tmp_path):
    path = tmp_path / "rusak.yaml"
    path.write_text("columns:\n  - {field: gaji, header: GAJI}\n", encoding="utf-8")
    call_command("check")
    with (
        override_settings(KINERJA_RECAP_CSV_MAPPING=str(path)),
        pytest.raises(SystemCheckError, match="gaji"),
    ):
        call_command("check")


def test_each_recap_download_is_noted_as_a_read_of_the_unit(api, org):
    client = api(org.users["inspector"])
    b"".join(client.get(CSV.format(org.dinas.pk, org.cycle.pk)).streaming_content)
    b"".join(client.get(XLSX.format(org.dinas.pk, org.cycle.pk)).streaming_content)
    reads = ReadAccess.objects.filter(reader=org.users["inspector"]).order_by("id")
    assert [(r.subject_id, r.purpose, r.scope) for r in reads] == [
        (str(org.dinas.pk), f"unit.recap.csv:cycle={org.cycle.pk}", org.dinas.path),
        (str(org.dinas.pk), f"unit.recap.xlsx:cycle={org.cycle.pk}", org.dinas.path),
    ]
    # A refused one is not a read.
    api(org.users["employee"]).get(CSV.format(org.dinas.pk, org.cycle.pk))
    assert not ReadAccess.objects.filter(reader=org.users["employee"]).exists()


def test_a_column_provider_adds_per_period_columns_to_both_files(
    api, org, recap_world, monkeypatch, tmp_path
):
    """How the periodic ratings join the recap: a provider of column specs per cycle."""

    def periods(cycle):
        quarters = range(1, 5)
        return [
            Column(
                f"rating_periode_{q}",
                T(f"Rating Periode {q}", f"Period {q} rating"),
                (f"period_{q}",),
                annotations={f"period_{q}": Value(f"q{q}")},
            )
            for q in quarters
        ]

    monkeypatch.setattr(columns_module, "COLUMN_PROVIDERS", [periods])
    got = _xlsx(api(org.users["hr_admin"]).get(XLSX.format(org.dinas.pk, org.cycle.pk)))
    assert got["header"][-4:] == tuple(f"Rating Periode {q}" for q in range(1, 5))
    assert all(row[-1] == "q4" for row in got["rows"])
    path = tmp_path / "periods.yaml"
    path.write_text(
        "columns:\n  - {field: nip, header: NIP}\n  - {field: rating_periode_2, header: P2}\n",
        encoding="utf-8",
    )
    with override_settings(KINERJA_RECAP_CSV_MAPPING=str(path)):
        response = api(org.users["hr_admin"]).get(CSV.format(org.dinas.pk, org.cycle.pk))
        rows = _csv(response)
    assert {row["P2"] for row in rows} == {"q2"}


def test_the_recap_carries_each_rated_period_in_both_files(api, org, recap_world, tmp_path):
    """One column set per period of the cycle (ratings and predicate), blank while a period
    is not rated; the CSV mapping may name them like any other field."""
    by_name = recap_world["by_name"]
    count = period_count(org.cycle)
    rated = {
        ("Guru 0", 1): ("above", "above", "sangat_baik"),
        ("Guru 0", 2): ("meets", "meets", "baik"),
        ("Teuku Ni'mah", count): ("below", "meets", "butuh_perbaikan"),
    }
    for (name, period), (result, behaviour, predicate) in rated.items():
        PeriodicEvaluation.objects.create(
            appraisal=by_name[name],
            period=period,
            result_rating=result,
            behaviour_rating=behaviour,
            predicate=predicate,
            rated_by=org.users["appraiser"],
            rated_at=timezone.now(),
        )
    got = _xlsx(api(org.users["hr_admin"]).get(XLSX.format(org.dinas.pk, org.cycle.pk)))
    header = got["header"]
    for n in range(1, count + 1):
        assert f"Predikat Kinerja (Periode {n})" in header
        assert f"Rating Hasil Kerja (Periode {n})" in header
        assert f"Rating Perilaku Kerja (Periode {n})" in header
    assert f"Predikat Kinerja (Periode {count + 1})" not in header  # only the cycle's periods
    rows = {row[header.index("Nama")]: dict(zip(header, row, strict=True)) for row in got["rows"]}
    guru0 = rows["Guru 0"]
    assert guru0["Predikat Kinerja (Periode 1)"] == "Sangat Baik"
    assert guru0["Rating Hasil Kerja (Periode 1)"] == "Di atas ekspektasi"
    assert guru0["Predikat Kinerja (Periode 2)"] == "Baik"
    assert guru0["Rating Perilaku Kerja (Periode 2)"] == "Sesuai ekspektasi"
    assert guru0[f"Predikat Kinerja (Periode {count})"] in (None, "")
    assert rows["Teuku Ni'mah"][f"Predikat Kinerja (Periode {count})"] == "Butuh Perbaikan"
    assert rows["Guru 1"]["Predikat Kinerja (Periode 1)"] in (None, "")

    path = tmp_path / "periods.yaml"
    path.write_text(
        "columns:\n  - {field: nama, header: NAMA}\n"
        "  - {field: predikat_periode_1, header: PREDIKAT_P1, value: code}\n"
        "  - {field: rating_hasil_kerja_periode_2, header: HASIL_P2}\n"
        "  - {field: predikat_periode_12, header: PREDIKAT_P12}\n",
        encoding="utf-8",
    )
    with override_settings(KINERJA_RECAP_CSV_MAPPING=str(path)):
        csv_rows = _csv(api(org.users["hr_admin"]).get(CSV.format(org.dinas.pk, org.cycle.pk)))
    guru0 = next(r for r in csv_rows if r["NAMA"] == "Guru 0")
    assert guru0["PREDIKAT_P1"] == "sangat_baik" and guru0["HASIL_P2"] == "Sesuai ekspektasi"
    if count < 12:  # a period the cycle lacks is a blank column, not an error
        assert {r["PREDIKAT_P12"] for r in csv_rows} == {""}
