"""Check every evidence file against the SHA-256 recorded (and audited) when it was uploaded.

Run after a restore (deploy/restore does) or any time: a file missing from the media
storage, or whose bytes no longer hash to the recorded digest, is listed by evidence id
and appraisal, and the command exits 1. The digest itself sits in the audit chain
(`evidence.added`), so a rewritten digest shows in `verify_audit`.
"""

from __future__ import annotations

import hashlib
import json

from django.core.management.base import BaseCommand

from appraisals.models import Evidence


def evidence_problems() -> tuple[int, list[dict]]:
    checked, problems = 0, []
    rows = (
        Evidence.objects.filter(kind=Evidence.Kind.FILE)
        .select_related("check_in")
        .order_by("pk")
        .only("pk", "file", "sha256", "check_in__appraisal_id")
    )
    for evidence in rows.iterator(chunk_size=500):
        checked += 1
        where = {"evidence": evidence.pk, "appraisal": evidence.check_in.appraisal_id}
        try:
            digest = hashlib.sha256()
            with evidence.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except (FileNotFoundError, ValueError):
            problems.append({**where, "problem": "missing", "file": evidence.file.name})
            continue
        if digest.hexdigest() != evidence.sha256:
            problems.append({**where, "problem": "changed", "file": evidence.file.name})
    return checked, problems


class Command(BaseCommand):
    help = "Check each evidence file against its recorded SHA-256; exit 1 if any is off."

    def handle(self, *args, **options):
        checked, problems = evidence_problems()
        report = {"ok": not problems, "checked": checked, "problems": problems}
        self.stdout.write(json.dumps(report, indent=2))
        if problems:
            raise SystemExit(1)
