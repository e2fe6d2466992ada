"""A unit's recap (rekapitulasi kinerja) for a cycle, as XLSX or CSV.

Reads go through one query iterated in chunks (`recap_queryset`), so a recap
of 100,000 employees costs the same few queries as one of ten and bounded
memory. Who may ask is the unit dashboard's rule (`unit_get_visible`), checked
by the callers (the pages and the API); a recap larger than
KINERJA_RECAP_BACKGROUND_ROWS is made by a worker as a bulk job
(`recap_jobs.py`) whose file is then downloaded from the job.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.services import read_access_record
from workflow.errors import NotFound
from workflow.text import Text

from ..exports import csv_mapping_load, recap_columns, recap_csv_chunks, recap_xlsx_write
from ..exports.columns import recap_queryset
from ..exports.write import RecapTotals
from ..models import Appraisal, BulkJob, Cycle, Unit
from ..models.organisation import path_ids

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
CHUNK_SIZE = 2000
CYCLE_NOT_FOUND = Text(id="Siklus penilaian tidak ditemukan.", en="Cycle not found.")
FILE_GONE = Text(
    id="Berkas rekap tidak tersedia (belum selesai atau sudah dihapus).",
    en="The recap file is not available (not finished yet, or removed).",
)
# Finished recaps hold NIPs and names: kept a day, then swept.
STALE_SECONDS = 24 * 3600


def recap_cycle_get(*, unit: Unit, cycle_id: int | str | None) -> Cycle:
    """The cycle, if it is one of the unit's instansi's (else not found)."""
    cycle = (
        Cycle.objects.select_related("instansi")
        .filter(pk=cycle_id, instansi_id__in=path_ids(unit.path))
        .first()
        if str(cycle_id or "").isdigit()
        else None
    )
    if cycle is None:
        raise NotFound(CYCLE_NOT_FOUND)
    return cycle


def recap_read_record(*, reader, unit: Unit, cycle: Cycle, fmt: str) -> None:
    """Who took a recap of whose data (UU 27/2022): one record per download, as a page view."""
    read_access_record(
        reader=reader, subject=unit, purpose=f"unit.recap.{fmt}:cycle={cycle.pk}", scope=unit.path
    )


def recap_size(*, cycle: Cycle, unit: Unit) -> int:
    return Appraisal.objects.filter(cycle=cycle, unit__path__startswith=unit.path).count()


def recap_is_large(*, cycle: Cycle, unit: Unit) -> bool:
    return recap_size(cycle=cycle, unit=unit) > settings.KINERJA_RECAP_BACKGROUND_ROWS


def recap_filename(*, cycle: Cycle, unit: Unit, fmt: str) -> str:
    code = "".join(c if c.isalnum() or c in "-_" else "-" for c in unit.code)
    return f"rekap-kinerja-{code}-{cycle.year}-{cycle.pk}.{fmt}"


def recap_rows(*, cycle: Cycle, unit: Unit, columns) -> Iterator[dict]:
    return recap_queryset(cycle=cycle, unit_path=unit.path, columns=columns).iterator(
        chunk_size=CHUNK_SIZE
    )


def recap_csv_stream(*, cycle: Cycle, unit: Unit, totals: RecapTotals | None = None, progress=None):
    """The CSV's bytes, chunk by chunk, in the agency's exchange layout."""
    columns = recap_columns(cycle)
    mapping = csv_mapping_load()  # checked before the first byte is sent
    return recap_csv_chunks(
        recap_rows(cycle=cycle, unit=unit, columns=columns),
        columns=columns,
        mapping=mapping,
        totals=totals,
        progress=progress,
    )


def recap_xlsx_write_to(path: Path, *, cycle: Cycle, unit: Unit, progress=None) -> RecapTotals:
    columns = recap_columns(cycle)
    title = [
        ("Rekapitulasi Penilaian Kinerja Pegawai", ""),
        ("Unit Kerja", f"{unit.name} ({unit.code})"),
        ("Siklus", cycle.name),
        ("Dibuat", timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
    ]
    return recap_xlsx_write(
        path,
        recap_rows(cycle=cycle, unit=unit, columns=columns),
        columns=columns,
        title=title,
        progress=progress,
    )


def recap_xlsx_tempfile(*, cycle: Cycle, unit: Unit):
    """The workbook in an anonymous temporary file (gone when closed), rewound."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    recap_xlsx_write_to(handle, cycle=cycle, unit=unit)
    handle.seek(0)
    return handle


# -- the finished files of recap jobs ----------------------------------------------------


def recap_store() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "recaps"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def recap_file_path(job: BulkJob) -> Path | None:
    token, fmt = job.params.get("file"), job.params.get("format")
    if not token or fmt not in FORMATS or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return recap_store() / f"{token}.{fmt}"


def recap_files_sweep(*, older_than: float = STALE_SECONDS) -> int:
    cutoff, removed = time.time() - older_than, 0
    for path in recap_store().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def recap_job_run(*, job_id: int) -> BulkJob:
    """The worker's half: write the file, its progress on the job, its totals as the report."""
    job = BulkJob.objects.select_related("cycle", "requested_by").get(pk=job_id)
    if job.status in (BulkJob.Status.DONE, BulkJob.Status.FAILED):
        return job  # a redelivered task: nothing left to do
    job.status, job.started_at = BulkJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(done: int) -> None:
        job.done = min(done, job.total)
        job.save(update_fields=["done"])

    fmt = job.params["format"]
    token = secrets.token_urlsafe(24)
    path = recap_store() / f"{token}.{fmt}"
    try:
        unit = Unit.objects.get(pk=job.params["unit"])
        if fmt == "xlsx":
            totals = recap_xlsx_write_to(path, cycle=job.cycle, unit=unit, progress=progress)
        else:
            totals = RecapTotals()
            with path.open("wb") as out:
                for chunk in recap_csv_stream(
                    cycle=job.cycle, unit=unit, totals=totals, progress=progress
                ):
                    out.write(chunk)
    except Exception as exc:
        path.unlink(missing_ok=True)
        job.status, job.error = BulkJob.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.params = {**job.params, "file": token}
    job.report = {"rows": totals.rows, "states": dict(totals.states)}
    job.done, job.total = totals.rows, totals.rows
    job.status, job.finished_at = BulkJob.Status.DONE, timezone.now()
    job.save(update_fields=["params", "report", "done", "total", "status", "finished_at"])
    return job


def recap_job_file(job: BulkJob) -> tuple[Path, str, str]:
    """(path, download name, content type) of a finished recap job, else not found."""
    path = recap_file_path(job) if job.kind == BulkJob.Kind.RECAP else None
    if job.status != BulkJob.Status.DONE or path is None or not path.exists():
        raise NotFound(FILE_GONE)
    unit = Unit.objects.get(pk=job.params["unit"])
    fmt = job.params["format"]
    return path, recap_filename(cycle=job.cycle, unit=unit, fmt=fmt), FORMATS[fmt]
