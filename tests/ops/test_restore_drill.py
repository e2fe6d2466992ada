"""The restore drill (issue #20): back up, restore into a fresh database, and the proof holds.

Runs deploy/backup and deploy/restore as an operator would (subprocesses, pg_dump and
pg_restore), on PostgreSQL only. Then a restored copy whose audit rows were altered (as a
superuser, triggers off) must fail verification against the checkpoints exported with the
backup, naming the subject. Evidence files are stored by content hash: the drill proves every
row's file comes back and hashes to its name, and that a changed or missing file after the
restore fails the evidence check, naming the row and its appraisal.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from appraisals.models import Evidence, Indicator
from appraisals.services.checkins import check_in_record
from appraisals.services.evidence import evidence_add
from appraisals.storage import content_hash_of

from ..appraisals.checking import PDF, PNG

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill runs pg_dump/pg_restore: PostgreSQL only")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump and pg_restore are needed beside PostgreSQL")


def url_of(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def scratch_databases(postgres):
    made = []

    def make(suffix: str) -> str:
        name = f"{connection.settings_dict['NAME']}_{suffix}"[:63]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name

    yield make
    with connection.cursor() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(command: str, *args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    """A deploy/ script (or `manage.py <command>`) in the operator's environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "settings.local",
        "DATABASE_URL": url_of(database),
        "KINERJA_MEDIA_ROOT": str(media),
        "KINERJA_VAR_DIR": str(media.parent / "var"),
        "PYTHON": sys.executable,
    }
    script = ROOT / "deploy" / command
    argv = [str(script)] if script.exists() else [sys.executable, "manage.py", command]
    return subprocess.run(
        [*argv, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_restore_keeps_the_proof(org, at_state, scratch_databases, tmp_path, settings):
    # A media folder of its own: the test settings share one across the whole run.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    appraisal = at_state("in_progress")
    employee = org.users["employee"]
    indicator = Indicator.objects.filter(item__appraisal=appraisal).first()
    check_in_record(
        appraisal=appraisal,
        actor=employee,
        period=1,
        note="Triwulan I",
        entries=[{"indicator": indicator.pk, "realisation": "3 sekolah"}],
    )
    appraisal.refresh_from_db()
    # Two rows sharing one blob (the same bytes uploaded twice) and one of their own.
    for label, name, content in (
        ("Bukti", "bukti.pdf", PDF),
        ("Bukti lagi", "salinan.pdf", PDF),
        ("Foto", "foto.png", PNG),
    ):
        evidence_add(
            appraisal=appraisal,
            actor=employee,
            period=1,
            upload=SimpleUploadedFile(name, content),
            name=label,
        )
    rows = list(Evidence.objects.order_by("pk"))
    evidence, copy, photo = rows
    assert evidence.file.name == copy.file.name != photo.file.name
    source_media = Path(settings.MEDIA_ROOT)
    source_files = media_files(source_media)
    assert set(source_files) == {evidence.file.name, photo.file.name}

    backup = tmp_path / "backup"
    done = run("backup", str(backup), database=connection.settings_dict["NAME"], media=source_media)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {p.name for p in backup.iterdir()} == {
        "checkpoints.json",
        "kinerja.dump",
        "media.tar",
        "SHA256SUMS",
    }
    exported = json.loads((backup / "checkpoints.json").read_text())
    assert exported["checkpoints"], "the backup sealed the events before dumping"

    # A fresh database and an empty media folder: restored and verified.
    restored_media = tmp_path / "restored-media"
    scratch_databases_name = scratch_databases("restored")
    done = run("restore", str(backup), database=scratch_databases_name, media=restored_media)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== restored and verified" in done.stdout
    report = json.loads(done.stdout.split("== verifying the evidence files\n")[1].split("\n==")[0])
    assert report == {"ok": True, "checked": 3, "problems": []}
    # No file lost or changed: the restored media hold the same blobs, and every row's file
    # is there and hashes to its name (checked here too, not only by the command).
    assert media_files(restored_media) == source_files
    for row in rows:
        stored = restored_media / row.file.name
        assert stored.is_file(), row.file.name
        digest = hashlib.sha256(stored.read_bytes()).hexdigest()
        assert digest == row.sha256 == content_hash_of(row.file.name)

    # The same backup restored, then its audit rows altered by a superuser: caught, by subject.
    altered = scratch_databases("altered")
    altered_media = tmp_path / "altered-media"
    subprocess.run(
        ["pg_restore", "--no-owner", "--dbname", url_of(altered), str(backup / "kinerja.dump")],
        check=True,
    )
    subprocess.run(
        [
            "psql",
            url_of(altered),
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            "SET session_replication_role = replica; "
            "UPDATE audit_auditevent SET reason = 'diubah diam-diam' "
            f"WHERE subject_type = 'appraisals.appraisal' AND subject_id = '{appraisal.pk}' "
            "AND seq = 1",
        ],
        check=True,
    )
    checkpoints = str(backup / "checkpoints.json")
    done = run("verify_audit", "--checkpoints", checkpoints, database=altered, media=altered_media)
    assert done.returncode == 1, done.stdout + done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert problems
    assert {p.get("subject") for p in problems} == {f"appraisals.appraisal:{appraisal.pk}"}

    # And after the restore, one blob changed on disk and another gone: the evidence check
    # names each row it touches (both rows sharing the changed blob) and its appraisal.
    (restored_media / evidence.file.name).write_bytes(PDF + b"%")
    (restored_media / photo.file.name).unlink()
    done = run("verify_evidence", database=scratch_databases_name, media=restored_media)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["checked"] == 3
    assert report["problems"] == [
        {"evidence": row.pk, "appraisal": appraisal.pk, "problem": problem, "file": row.file.name}
        for row, problem in ((evidence, "changed"), (copy, "changed"), (photo, "missing"))
    ]


def media_files(root: Path) -> dict[str, str]:
    """Every file under a media folder, by its relative name, with the SHA-256 of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
