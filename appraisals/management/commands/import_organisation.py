"""`manage.py import_organisation FILE`: check (and with --commit, write) an HR export.

A dry run by default: the report says what a commit would create, update and
close, and lists every error with its row and column. The work is
`appraisals.imports.organisation_import`; this command reads the file,
draws the progress and prints the report. A file over
KINERJA_IMPORT_BACKGROUND_BYTES runs as the bulk job (in this process), so its
progress shows on the job page too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from appraisals.imports import (
    ImportFileError,
    ImportReport,
    organisation_import,
    source_from_bytes,
)
from appraisals.services.import_jobs import (
    import_is_large,
    organisation_import_job_create,
    organisation_import_job_run,
)
from workflow.actors import system_actor

STAGES = {"check": "Memeriksa / checking", "write": "Menulis / writing"}
EVERY = 5000


class Command(BaseCommand):
    help = (
        "Impor unit, jabatan dan pegawai dari CSV/XLSX (uji coba kecuali --commit). / "
        "Import units, positions and employees from CSV/XLSX (a dry run unless --commit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, ',' or ';') or XLSX export")
        parser.add_argument("--commit", action="store_true", help="write (default: dry run)")
        parser.add_argument(
            "--effective-date",
            type=dt.date.fromisoformat,
            help="date supervisor changes take effect, YYYY-MM-DD (default: today)",
        )
        parser.add_argument("--as", dest="username", help="acting HR admin (default: system)")
        parser.add_argument(
            "--max-errors", type=int, default=100, help="errors printed (default 100)"
        )
        parser.add_argument("--errors-out", help="write every error to this CSV file")

    def handle(self, *args, file: str, commit: bool, username: str | None, **options):
        self._printed: dict[str, int] = {}
        actor = system_actor()
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Pengguna tidak ada / no user {username!r}")
        on = options["effective_date"] or timezone.localdate()
        try:
            data = Path(file).read_bytes()
        except FileNotFoundError:
            raise CommandError(f"Berkas tidak ada / no such file: {file}") from None
        if import_is_large(data=data):
            report = self._as_job(
                data=data, name=Path(file).name, on=on, actor=actor, commit=commit
            )
        else:
            try:
                source = source_from_bytes(data=data, name=Path(file).name)
            except ImportFileError as exc:
                raise CommandError(f"{exc.message.id} / {exc.message.en}") from None
            report = organisation_import(
                rows_source=source,
                actor=actor,
                commit=commit,
                effective_date=on,
                progress=self._progress,
            )
        for line in report.summary_lines():
            self.stdout.write(line)
        shown = report.errors[: options["max_errors"]]
        for error in shown:
            self.stdout.write(f"  - {error}")
        if len(report.errors) > len(shown):
            rest = len(report.errors) - len(shown)
            self.stdout.write(f"  ... {rest} kesalahan lagi / more errors (--errors-out)")
        if options["errors_out"] and report.errors:
            with open(options["errors_out"], "w", encoding="utf-8-sig", newline="") as out:
                report.errors_write_csv(out)
        if not report.ok:
            raise CommandError(
                "Impor ditolak; tidak ada yang ditulis. / Import rejected; nothing was written."
            )
        if not commit:
            self.stdout.write(
                "Uji coba: jalankan dengan --commit untuk menyimpan. / Dry run: "
                "run with --commit to write."
            )

    def _as_job(self, *, data: bytes, name: str, on, actor, commit: bool) -> ImportReport:
        """A large file runs as the bulk job, here and now: its progress shows on the job page."""
        job = organisation_import_job_create(
            data=data, name=name, effective_date=on, actor=actor, commit=commit
        )
        self.stdout.write(f"Pekerjaan / job #{job.pk}: /hr/jobs/{job.pk}/")
        job = organisation_import_job_run(job_id=job.pk, also=self._progress)
        return ImportReport.from_dict(job.report)

    def _progress(self, stage: str, done: int, total: int) -> None:
        # Lines, not a redrawn bar: the command mostly runs in logs and CI.
        last = self._printed.get(stage, 0)
        if done - last >= EVERY or (done == total and last != total):
            self._printed[stage] = done
            self.stderr.write(f"{STAGES[stage]}: {done}/{total}", style_func=str)
