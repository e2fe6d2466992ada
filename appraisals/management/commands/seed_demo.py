"""`manage.py seed_demo`: the demo organisation, its logins and an open 2026 cycle.

With --living (what `make demo` runs) the demo opens on a living organisation instead:
this year's and last year's cycles, the appraisals spread over the lifecycle by their
real actors, and one admin login for /admin/ (appraisals/demo/living.py).
The building is `appraisals.demo.build.demo_build`; this command checks its
arguments, runs it, prints a summary and writes the logins to --out.
"""

from __future__ import annotations

import json
import logging
import os
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from appraisals.demo.build import DemoAlreadySeeded, demo_build
from appraisals.demo.data import (
    DEFAULT_EMPLOYEES,
    DEFAULT_PASSWORD,
    MIN_EMPLOYEES,
    PROGRESS_FROM,
    SUMMARY_STAFF,
    URL_HINT,
)
from appraisals.management.commands.signing_demo_ca import PASSPHRASE_ENV

# Up to this many employees the demo gets one PKCS#12 per person.
PEOPLE_KEYS_UP_TO = 200


class Command(BaseCommand):
    help = (
        "Membuat organisasi demo dan siklus 2026 yang terbuka. / Build a demo organisation "
        "and an open 2026 cycle (refused when DEBUG is off unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees",
            type=int,
            default=DEFAULT_EMPLOYEES,
            help="Total employees including officials (default 40, at least 6).",
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Every user's password.")
        parser.add_argument("--out", help="Write the logins as JSON to this file.")
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument(
            "--living",
            action="store_true",
            help=(
                "Spread the appraisals over every state and predicate (this year's and last "
                "year's cycles, moved through the lifecycle) and add an admin login."
            ),
        )
        parser.add_argument(
            "--no-signing",
            action="store_true",
            help="Do not make the demo CA and PKCS#12 files (see signing_demo_ca).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo hanya untuk pengembangan dan demo (DEBUG mati); tambahkan --force "
                "untuk tetap menjalankan. / seed_demo is for development and demos only (DEBUG "
                "is off); pass --force to run it anyway."
            )
        total = options["employees"]
        if total < MIN_EMPLOYEES:
            raise CommandError(
                "--employees minimal 6 (sekda, kepala dinas, dua kepala bidang, dua staf). / "
                "--employees must be at least 6 (Sekda, a head of dinas, two heads of bidang, "
                "two staff)."
            )
        password = options["password"]
        if not password:
            raise CommandError("Kata sandi tidak boleh kosong. / The password must not be empty.")

        progress = self._progress if total >= PROGRESS_FROM else None
        # Eager Celery logs every task it runs (the notifications of each step): not news.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        try:
            result = demo_build(
                employees=total, password=password, progress=progress, living=options["living"]
            )
        except DemoAlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                f"Gagal membuat data demo (bentrok dengan data yang ada). / Could not build the "
                f"demo data (it clashes with existing data): {exc}"
            ) from exc

        if options["out"]:
            written = {"cycle_id": result.cycle.pk, "users": result.rows}
            if result.previous is not None:
                written["previous_cycle_id"] = result.previous.pk
            Path(options["out"]).write_text(
                json.dumps(
                    written,
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
        self._summary(result, password, options["out"])
        if not options["no_signing"]:
            self._signing(total)

    def _signing(self, total: int) -> None:
        """The demo CA and PKCS#12 files, so documents can be signed on the pages. Their
        passphrase comes from the environment (settings/local.py gives the demo a default),
        never from the database; one file per person on small demos (a signature then names
        its signer), the agency's alone on large ones (RSA keys take time)."""
        if not os.environ.get(PASSPHRASE_ENV):
            self.stdout.write(
                f"Tanpa {PASSPHRASE_ENV}: CA demo tidak dibuat; penandatanganan belum dapat "
                f"dicoba. / {PASSPHRASE_ENV} unset: no demo CA, signing cannot be tried."
            )
            return
        people = ["--people"] if total <= PEOPLE_KEYS_UP_TO else []
        call_command("signing_demo_ca", *people, "--force", stdout=StringIO())
        self.stdout.write(
            "CA demo dan berkas PKCS#12 siap; dokumen dapat ditandatangani di halaman "
            "penilaian. / Demo CA and PKCS#12 files ready; documents can be signed on the "
            "appraisal page."
        )

    def _progress(self, done: int, todo: int) -> None:
        self.stdout.write(f"  Penilaian dibuat / appraisals created: {done}/{todo}")

    def _summary(self, result, password: str, out: str | None) -> None:
        cycle, rows = result.cycle, result.rows
        employees = sum(1 for r in rows if r["employee_id"] is not None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo siap / demo data ready: {employees} pegawai / employees, "
                f"siklus / cycle {cycle.pk} ({cycle.name})."
            )
        )
        if result.previous is not None:
            self.stdout.write(
                f"Siklus tahun lalu / last year's cycle {result.previous.pk} "
                f"({result.previous.name}): hasil, keberatan dan tindak lanjut / results, "
                f"appeals and follow-ups."
            )
        self.stdout.write(f"Buka / open {URL_HINT}  —  kata sandi / password: {password}")
        for r in rows:
            if r["roles"] == ["admin"]:
                self.stdout.write(
                    f"Admin Django / Django admin: {URL_HINT}admin/  —  "
                    f"{r['username']} / {password}"
                )
        shown = [r for r in rows if r["roles"] != ["staff"]]
        staff = [r for r in rows if r["roles"] == ["staff"]]
        shown += staff[:SUMMARY_STAFF]
        width_user = max(len("username"), *(len(r["username"]) for r in shown))
        width_roles = max(len("roles"), *(len(", ".join(r["roles"])) for r in shown))
        self.stdout.write("")
        self.stdout.write(f"{'username':<{width_user}}  {'roles':<{width_roles}}  unit")
        self.stdout.write(f"{'-' * width_user}  {'-' * width_roles}  {'-' * 4}")
        for r in shown:
            self.stdout.write(
                f"{r['username']:<{width_user}}  {', '.join(r['roles']):<{width_roles}}  "
                f"{r['unit']}"
            )
        hidden = len(staff) - SUMMARY_STAFF
        if hidden > 0:
            where = f" (lihat / see {out})" if out else ""
            self.stdout.write(f"... dan / and {hidden} staf lainnya / more staff{where}")
