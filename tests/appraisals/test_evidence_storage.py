"""Evidence and appeal attachments stored by content: a file's name is the SHA-256 of its bytes,
identical uploads share one blob, and `verify_evidence` proves every file against its name and
its recorded digest, naming the row and the appraisal of any that is off."""

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from appraisals.management.commands.verify_evidence import evidence_problems
from appraisals.models import Evidence
from appraisals.services.appeals import appeal_attachment_add
from appraisals.storage import ContentAddressedStorage, content_hash_of

from .checking import PDF, PNG, upload

pytestmark = pytest.mark.django_db

SHA = hashlib.sha256(PDF).hexdigest()


def on_disk(settings, name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def test_an_upload_is_stored_under_the_sha256_of_its_bytes(org, check_in, api, settings):
    client = api(org.users["employee"])
    r = upload(client, check_in, PDF, "Laporan triwulan.pdf")
    assert r.status_code == 201, r.json()
    row = Evidence.objects.get(pk=r.json()["id"])
    assert row.file.name == f"evidence/{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf"
    assert row.sha256 == SHA == content_hash_of(row.file.name)
    assert hashlib.sha256(on_disk(settings, row.file.name).read_bytes()).hexdigest() == SHA
    # The name people gave stays the label the download carries.
    got = client.get(f"/api/appraisals/{check_in.pk}/check-ins/1/evidence/{row.pk}/file/")
    assert got.status_code == 200
    assert got["Content-Disposition"] == 'attachment; filename="Laporan triwulan.pdf"'
    assert b"".join(got.streaming_content) == PDF


def test_identical_uploads_share_one_blob(org, check_in, api, settings):
    client = api(org.users["employee"])
    first = upload(client, check_in, PDF, "a.pdf").json()["id"]
    second = upload(client, check_in, PDF, "b.pdf").json()["id"]
    other = upload(client, check_in, PNG, "foto.png").json()["id"]
    a, b, c = (Evidence.objects.get(pk=pk) for pk in (first, second, other))
    assert a.file.name == b.file.name != c.file.name
    assert [p.name for p in on_disk(settings, a.file.name).parent.iterdir()] == [f"{SHA}.pdf"]
    assert (a.name, b.name) == ("a.pdf", "b.pdf")
    pages = api(org.users["superior"])
    for pk, label in ((first, "a.pdf"), (second, "b.pdf")):
        got = pages.get(f"/api/appraisals/{check_in.pk}/check-ins/1/evidence/{pk}/file/")
        assert got["Content-Disposition"] == f'attachment; filename="{label}"'
        assert b"".join(got.streaming_content) == PDF


def test_a_partial_blob_left_by_a_crashed_write_is_replaced(settings):
    storage = ContentAddressedStorage()
    target = on_disk(settings, f"evidence/{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PDF[:10])
    name = storage.save("evidence/whatever.pdf", ContentFile(PDF))
    assert on_disk(settings, name) == target
    assert target.read_bytes() == PDF


def test_only_a_short_safe_extension_is_kept(settings):
    storage = ContentAddressedStorage()
    assert storage.save("evidence/x.PDF", ContentFile(PDF)).endswith(f"/{SHA}.pdf")
    assert storage.save("evidence/x.p$f", ContentFile(PDF)).endswith(f"/{SHA}")
    assert storage.save("evidence/x", ContentFile(PDF)).endswith(f"/{SHA}")


def test_a_name_proves_its_content_only_in_the_content_layout():
    assert content_hash_of(f"evidence/{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf") == SHA
    assert content_hash_of(f"evidence/{SHA[:2]}/{SHA[2:4]}/{SHA}") == SHA
    assert content_hash_of(f"evidence/00/{SHA[2:4]}/{SHA}.pdf") is None
    assert content_hash_of("evidence/2026/05/0f3c9e.pdf") is None


def test_an_appeal_attachment_is_stored_by_content(org, appraisal, at_state, settings):
    at_state("appealed")
    appeal_attachment_add(
        appraisal=appraisal,
        actor=org.users["employee"],
        upload=SimpleUploadedFile("surat.pdf", PDF),
    )
    appeal = appraisal.appeals.get()
    assert appeal.attachment.name == f"appeals/{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf"
    assert appeal.attachment_sha256 == SHA
    assert appeal.attachment_name == "surat.pdf"


# --- verify_evidence ---------------------------------------------------------------------


def verify() -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("verify_evidence", stdout=out)
        code = 0
    except SystemExit as stop:
        code = stop.code
    return code, json.loads(out.getvalue())


def test_verify_evidence_passes_files_that_hash_to_their_names(org, check_in, api):
    client = api(org.users["employee"])
    upload(client, check_in, PDF, "a.pdf")
    upload(client, check_in, PDF, "b.pdf")
    assert verify() == (0, {"ok": True, "checked": 2, "problems": []})


def test_verify_evidence_names_a_changed_and_a_missing_file(org, check_in, api, settings):
    client = api(org.users["employee"])
    changed = Evidence.objects.get(pk=upload(client, check_in, PDF, "a.pdf").json()["id"])
    gone = Evidence.objects.get(pk=upload(client, check_in, PNG, "b.png").json()["id"])
    on_disk(settings, changed.file.name).write_bytes(PDF + b"%")
    on_disk(settings, gone.file.name).unlink()
    code, report = verify()
    assert code == 1 and report["ok"] is False and report["checked"] == 2
    assert report["problems"] == [
        {
            "evidence": changed.pk,
            "appraisal": check_in.pk,
            "problem": "changed",
            "file": changed.file.name,
        },
        {
            "evidence": gone.pk,
            "appraisal": check_in.pk,
            "problem": "missing",
            "file": gone.file.name,
        },
    ]


def test_verify_evidence_catches_a_recorded_digest_that_no_longer_fits_the_name(org, check_in, api):
    """The bytes still hash to the name, but the row's digest was rewritten (to fit a swapped
    file, say): the name and the record disagree, and that is reported."""
    client = api(org.users["employee"])
    row = Evidence.objects.get(pk=upload(client, check_in, PDF, "a.pdf").json()["id"])
    Evidence.objects.filter(pk=row.pk).update(sha256="0" * 64)
    code, report = verify()
    assert code == 1
    assert report["problems"] == [
        {"evidence": row.pk, "appraisal": check_in.pk, "problem": "changed", "file": row.file.name}
    ]


def test_a_file_stored_before_content_naming_is_still_served_and_verified(
    org, check_in, api, settings
):
    client = api(org.users["employee"])
    row = Evidence.objects.get(pk=upload(client, check_in, PDF, "a.pdf").json()["id"])
    legacy = "evidence/2026/05/0f3c9e5a.pdf"
    on_disk(settings, legacy).parent.mkdir(parents=True, exist_ok=True)
    on_disk(settings, legacy).write_bytes(PDF)
    Evidence.objects.filter(pk=row.pk).update(file=legacy)
    got = client.get(f"/api/appraisals/{check_in.pk}/check-ins/1/evidence/{row.pk}/file/")
    assert b"".join(got.streaming_content) == PDF
    assert verify()[0] == 0
    on_disk(settings, legacy).write_bytes(PDF + b"%")
    assert [p["problem"] for p in verify()[1]["problems"]] == ["changed"]


def test_verify_evidence_covers_appeal_attachments(org, appraisal, at_state, settings):
    at_state("appealed")
    appeal_attachment_add(
        appraisal=appraisal,
        actor=org.users["employee"],
        upload=SimpleUploadedFile("surat.pdf", PDF),
    )
    appeal = appraisal.appeals.get()
    assert evidence_problems() == (1, [])
    on_disk(settings, appeal.attachment.name).unlink()
    assert evidence_problems() == (
        1,
        [
            {
                "appeal": appeal.pk,
                "appraisal": appraisal.pk,
                "problem": "missing",
                "file": appeal.attachment.name,
            }
        ],
    )
