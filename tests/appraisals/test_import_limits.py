# ruff: noqa: E501  (the XLSX parts below read best as one line each)
"""Decompression bombs and oversized files in the organisation import (issue #13, item 5).

A 910 KiB XLSX holding 1 M rows (228 MiB of XML) held a worker for 60 s until
gunicorn killed it. The zip's members are now measured before (their declared
sizes) and while (the bytes actually inflated) anything parses them, and rows
are counted as they are read; either cap refuses the file as a whole, with a
bilingual message, having written nothing.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from appraisals.imports import ImportFileError, source_from_bytes
from appraisals.imports.reader import members_check
from appraisals.models import Employee, Unit

from .importing import base_rows, to_csv

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Pegawai" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_bomb(rows: int) -> bytes:
    """A valid XLSX whose one sheet repeats the same row `rows` times: tiny zipped, huge inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            header = "".join(
                _cell(f"{c}1", h) for c, h in zip("ABC", ("NIP", "Nama", "Kode Unit"), strict=True)
            )
            sheet.write(f'<row r="1">{header}</row>'.encode())
            row = (
                "<row>"
                + _cell("A2", "199107072020122004")
                + _cell("B2", "Nur Aisyah binti Abdullah")
                + _cell("C2", "DISDIK-B1")
                + "</row>"
            ).encode()
            chunk = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_an_xlsx_bomb_is_refused_quickly_with_a_bilingual_message(client, org):
    bomb = xlsx_bomb(1_000_000)
    assert len(bomb) < 2 * 1024 * 1024  # small on the wire, like the attack's 910 KiB
    with pytest.raises(ImportFileError) as refused:
        source_from_bytes(data=bomb, name="pegawai.xlsx")
    assert "terlalu besar" in refused.value.message.id
    assert "too large" in refused.value.message.en

    # Through the page: 400, the message beside the file field, nothing written.
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.users["hr_admin"])
    counts = (Employee.objects.count(), Unit.objects.count())
    response = client.post(
        reverse("web:hr-import"),
        {"action": "check", "file": SimpleUploadedFile("pegawai.xlsx", bomb)},
    )
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert (Employee.objects.count(), Unit.objects.count()) == counts


def test_inflated_bytes_are_counted_while_reading_whatever_the_header_declares(settings):
    """A member that inflates past the cap is refused even when its declared size is small."""
    settings.KINERJA_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    bomb = xlsx_bomb(20_000)  # about 2.6 MiB of XML
    # Forge the declared sizes down to 1 KiB, in the local and central headers both.
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > settings.KINERJA_IMPORT_MAX_UNZIPPED_BYTES
    with pytest.raises(ImportFileError), zipfile.ZipFile(io.BytesIO(bomb)) as z:
        for member in z.infolist():
            member.file_size = 1024
        members_check(z)
    # And the honest header of the same file is refused before inflating anything.
    with pytest.raises(ImportFileError) as refused, zipfile.ZipFile(io.BytesIO(bomb)) as z:
        members_check(z)
    assert "terlalu besar" in refused.value.message.id


def test_xlsx_over_the_row_cap_is_refused(settings, tmp_path):
    from openpyxl import Workbook

    settings.KINERJA_IMPORT_MAX_ROWS = 50
    book = Workbook()
    sheet = book.active
    sheet.append(["NIP", "Nama", "Kode Unit"])
    for n in range(51):
        sheet.append([f"1991070720201220{n:02d}", f"Pegawai {n}", "DISDIK"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    with pytest.raises(ImportFileError) as refused:
        source_from_bytes(data=path.read_bytes(), name="p.xlsx")
    assert "50" in refused.value.message.id and "50" in refused.value.message.en
    settings.KINERJA_IMPORT_MAX_ROWS = 51
    assert len(source_from_bytes(data=path.read_bytes(), name="p.xlsx").rows) == 51


def test_a_padded_dimension_does_not_make_every_row_wide(tmp_path):
    """read_only pads rows to the sheet's declared dimension: a forged A1:XFD... must not count."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bomb(10_000))) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(
                    b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1
                )
            dst.writestr(item, data)
    source = source_from_bytes(data=out.getvalue(), name="p.xlsx")
    assert len(source.headers) == 3 and len(source.rows) == 10_000


def test_a_csv_over_the_row_cap_is_refused_and_nothing_written(client, org, settings):
    rows = base_rows()
    data = to_csv(rows)
    line = data.splitlines()[-1] + b"\n"
    big = data + line * 200_001
    with pytest.raises(ImportFileError) as refused:
        source_from_bytes(data=big, name="pegawai.csv")
    assert "200000" in refused.value.message.id.replace(".", "").replace(",", "")

    from django.core.files.uploadedfile import SimpleUploadedFile

    # Through the page (a cap that fits under the upload limit): 400, nothing written.
    settings.KINERJA_IMPORT_MAX_ROWS = 1000
    client.force_login(org.users["hr_admin"])
    before = Employee.objects.count()
    response = client.post(
        reverse("web:hr-import"),
        {"action": "check", "file": SimpleUploadedFile("pegawai.csv", data + line * 1000)},
    )
    assert response.status_code == 400
    assert "Terlalu banyak baris" in response.content.decode()
    assert Employee.objects.count() == before


def test_a_file_within_the_caps_still_imports():
    source = source_from_bytes(data=to_csv(base_rows()), name="pegawai.csv")
    assert len(source.rows) == 5


# -- large files go to the background job ------------------------------------------------


def _check_in_background(client, data: bytes, django_capture_on_commit_callbacks, name="p.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("web:hr-import"),
            {
                "action": "check",
                "file": SimpleUploadedFile(name, data),
                "effective_date": "2026-03-01",
            },
        )
    assert response.status_code == 302, response.content
    from appraisals.models import BulkJob

    job = BulkJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert response["Location"] == reverse("web:hr-job", args=[job.pk])
    return job


def test_a_large_import_runs_as_the_bulk_job_then_applies_once(
    client, org, settings, django_capture_on_commit_callbacks
):
    import re

    from appraisals.models import BulkJob

    from .importing import STAF1

    settings.KINERJA_IMPORT_BACKGROUND_BYTES = 100
    client.force_login(org.users["hr_admin"])
    before = Employee.objects.count()
    job = _check_in_background(client, to_csv(base_rows()), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.kind == BulkJob.Kind.ORGANISATION_IMPORT and job.status == BulkJob.Status.DONE
    assert job.total == 5 and job.done == 5  # the progress bar counted the rows
    assert Employee.objects.count() == before  # a dry run

    page = client.get(reverse("web:hr-job", args=[job.pk])).content.decode()
    assert 'data-ok="true" data-committed="false"' in page
    assert re.search(r'data-kind="employees"><th scope="row">[^<]*</th><td>5</td>', page)
    assert f'name="job" value="{job.pk}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(reverse("web:hr-import"), {"action": "apply", "job": job.pk})
    assert applied.status_code == 302
    commit_job = BulkJob.objects.exclude(pk=job.pk).get(kind=BulkJob.Kind.ORGANISATION_IMPORT)
    assert commit_job.status == BulkJob.Status.DONE and commit_job.report["committed"]
    assert Employee.objects.count() == before + 5
    assert Employee.objects.get(nip=STAF1).unit.code == "DISDIK-B1"
    page = client.get(reverse("web:hr-job", args=[commit_job.pk])).content.decode()
    assert 'data-committed="true"' in page

    # Once: the same check cannot be applied again, and its page says where it went.
    again = client.post(reverse("web:hr-import"), {"action": "apply", "job": job.pk})
    assert again.status_code == 409
    page = client.get(reverse("web:hr-job", args=[job.pk])).content.decode()
    assert 'id="import-apply"' not in page and 'id="import-applied-as"' in page


def test_a_large_dry_run_reports_its_row_problems_on_the_job_page(
    client, org, settings, django_capture_on_commit_callbacks
):
    settings.KINERJA_IMPORT_BACKGROUND_BYTES = 100
    rows = base_rows()
    rows[3]["NIP"] = "123"
    client.force_login(org.users["hr_admin"])
    job = _check_in_background(client, to_csv(rows), django_capture_on_commit_callbacks)
    page = client.get(reverse("web:hr-job", args=[job.pk])).content.decode()
    assert 'data-ok="false"' in page and 'id="import-problems"' in page
    assert "<td>5</td>" in page  # the spreadsheet's row number of the bad NIP
    assert 'id="import-apply"' not in page
    refused = client.post(reverse("web:hr-import"), {"action": "apply", "job": job.pk})
    assert refused.status_code == 409


def test_a_large_file_error_reaches_the_job_page(
    client, org, settings, django_capture_on_commit_callbacks
):
    settings.KINERJA_IMPORT_BACKGROUND_BYTES = 100
    settings.KINERJA_IMPORT_MAX_ROWS = 3
    client.force_login(org.users["hr_admin"])
    job = _check_in_background(client, to_csv(base_rows()), django_capture_on_commit_callbacks)
    page = client.get(reverse("web:hr-job", args=[job.pk])).content.decode()
    assert 'data-ok="false"' in page and "Terlalu banyak baris" in page


def test_someone_else_s_import_job_is_not_found(
    client, org, settings, django_capture_on_commit_callbacks
):
    from ..factories import UserFactory, assign_role

    settings.KINERJA_IMPORT_BACKGROUND_BYTES = 100
    client.force_login(org.users["hr_admin"])
    job = _check_in_background(client, to_csv(base_rows()), django_capture_on_commit_callbacks)
    other = UserFactory(username="hr_other")
    assign_role(other, "hr_admin", org.instansi)
    client.force_login(other)
    assert client.get(reverse("web:hr-job", args=[job.pk])).status_code == 404
    refused = client.post(reverse("web:hr-import"), {"action": "apply", "job": job.pk})
    assert refused.status_code == 404
    assert Employee.objects.filter(nip=base_rows()[-1]["NIP"]).count() == 0


def test_the_command_runs_a_large_file_as_the_bulk_job(tmp_path, settings, capsys):
    from django.core.management import call_command

    from appraisals.models import BulkJob

    settings.KINERJA_IMPORT_BACKGROUND_BYTES = 100
    path = tmp_path / "pegawai.csv"
    path.write_bytes(to_csv(base_rows()))
    call_command("import_organisation", str(path), "--commit", "--effective-date", "2026-03-01")
    job = BulkJob.objects.get(kind=BulkJob.Kind.ORGANISATION_IMPORT)
    assert job.status == BulkJob.Status.DONE and job.report["committed"]
    assert job.done == job.total > 0
    assert Employee.objects.count() == 5
    assert f"#{job.pk}" in capsys.readouterr().out
