"""A large organisation import as a bulk job: queued from the page or the command, run by
a worker, its progress on the job page and its report (row-level problems) kept on the job.

The file waits under the import uploads (appraisals.imports.uploads) by a random
token, with its SHA-256 on the job: the worker reads exactly the bytes that were
sent. A dry-run job that found nothing wrong can be applied once, as a second
job over the same bytes; everything is checked again then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import zipfile
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflow.errors import NotFound, StateConflict
from workflow.text import Text

from .. import imports
from ..imports.report import RowProblem
from ..imports.uploads import upload_path, uploads_sweep
from ..models import BulkJob
from .jobs import job_enqueue

NOT_APPLICABLE = Text(
    id="Uji coba ini tidak dapat diterapkan (sudah diterapkan, ada kesalahan, atau berkas "
    "sudah dihapus); unggah berkas lagi.",
    en="This check cannot be applied (already applied, refused, or its file is gone); "
    "upload the file again.",
)
JOB_NOT_FOUND = Text(id="Pekerjaan tidak ditemukan.", en="Job not found.")
# Progress is saved this often (rows or writes), not on every row.
SAVE_EVERY = 1000


def import_work_size(*, data: bytes) -> int:
    """What reading the file costs, roughly: an XLSX's declared inflated size, else its bytes."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            return len(data)
    return len(data)


def import_is_large(*, data: bytes) -> bool:
    return import_work_size(data=data) > settings.KINERJA_IMPORT_BACKGROUND_BYTES


def _queue(job: BulkJob) -> BulkJob:
    # tasks.py imports this module (the worker's half); the task is looked up when queued.
    from ..tasks import organisation_import_task

    transaction.on_commit(partial(job_enqueue, organisation_import_task, job.pk))
    return job


def organisation_import_job_create(
    *, data: bytes, name: str, effective_date: dt.date, actor, commit: bool = False
) -> BulkJob:
    """Keep the file and record the job (the command runs it at once, the page queues it)."""
    uploads_sweep()
    token = secrets.token_urlsafe(24)
    upload_path(token).write_bytes(data)
    return BulkJob.objects.create(
        kind=BulkJob.Kind.ORGANISATION_IMPORT,
        requested_by=actor,
        params={
            "token": token,
            "name": name,
            "effective_date": effective_date.isoformat(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "commit": commit,
        },
    )


@transaction.atomic
def organisation_import_job_start(
    *, data: bytes, name: str, effective_date: dt.date, actor
) -> BulkJob:
    """Queue the file's dry run; the worker starts after this transaction commits."""
    job = organisation_import_job_create(
        data=data, name=name, effective_date=effective_date, actor=actor
    )
    return _queue(job)


def import_job_applicable(job: BulkJob) -> bool:
    """A finished dry run with changes and no problems, not yet applied."""
    if not (
        job.kind == BulkJob.Kind.ORGANISATION_IMPORT
        and job.status == BulkJob.Status.DONE
        and job.report
        and not job.params.get("commit")
        and not job.params.get("applied_as")
    ):
        return False
    report = imports.ImportReport.from_dict(job.report)
    return report.ok and report.changes > 0


@transaction.atomic
def organisation_import_job_apply(*, job_id: int, actor) -> BulkJob:
    """Queue the commit of a checked dry run: once, by whom checked it, over the same bytes."""
    dry = BulkJob.objects.select_for_update().filter(pk=job_id, requested_by=actor).first()
    if dry is None or dry.kind != BulkJob.Kind.ORGANISATION_IMPORT:
        raise NotFound(JOB_NOT_FOUND)
    if not import_job_applicable(dry):
        raise StateConflict(NOT_APPLICABLE)
    try:
        data = upload_path(dry.params["token"]).read_bytes()
    except (OSError, ValueError):
        raise StateConflict(NOT_APPLICABLE) from None
    if hashlib.sha256(data).hexdigest() != dry.params["sha256"]:
        raise StateConflict(NOT_APPLICABLE)
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ORGANISATION_IMPORT,
        requested_by=actor,
        params={**dry.params, "commit": True, "checked_as": dry.pk},
    )
    dry.params = {**dry.params, "applied_as": job.pk}
    dry.save(update_fields=["params"])
    return _queue(job)


def organisation_import_job_run(*, job_id: int, also=None) -> BulkJob:
    """Run the job; `also(stage, done, total)` hears the progress too (the command's lines)."""
    job = BulkJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status in (BulkJob.Status.DONE, BulkJob.Status.FAILED):
        return job  # a redelivered task: nothing left to do
    job.status, job.started_at = BulkJob.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    params = job.params

    def progress(stage: str, done: int, total: int) -> None:
        if also is not None:
            also(stage, done, total)
        # One bar over both stages: the rows checked, then the objects written.
        moved_on = stage != job.params.get("stage") or total != job.total
        if moved_on or done == total or done - job.done >= SAVE_EVERY:
            job.done, job.total = done, total
            job.params = {**job.params, "stage": stage}
            job.save(update_fields=["done", "total", "params"])

    try:
        path = upload_path(params["token"])
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != params["sha256"]:
            raise ValueError("the waiting file changed")
        try:
            source = imports.source_from_bytes(data=data, name=params["name"])
        except imports.ImportFileError as error:
            report = imports.ImportReport(source=params["name"])
            report.errors = [RowProblem(code="file_invalid", message=error.message)]
        else:
            report = imports.organisation_import(
                rows_source=source,
                actor=job.requested_by,
                commit=params["commit"],
                effective_date=dt.date.fromisoformat(params["effective_date"]),
                progress=progress,
            )
    except Exception as exc:
        job.status, job.error = BulkJob.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    if params["commit"] or not report.ok or not report.changes:
        # Applied or refused: the file has served its purpose (it holds NIPs and names).
        path.unlink(missing_ok=True)
    job.report = report.as_dict()
    job.status, job.finished_at = BulkJob.Status.DONE, timezone.now()
    job.save(update_fields=["report", "status", "finished_at"])
    return job
