"""Check every stored file (evidence, appeal attachments) against its name and recorded digest.

Run after a restore (deploy/restore does) or any time. Files are named by the SHA-256 of
their bytes (appraisals.storage), so each file must hash to its name and to the digest
recorded, and audited, at upload (`evidence.added`, `appeal.attachment_added`; a rewritten
digest also shows in `verify_audit`). Files stored before that naming keep random names and
are checked against the recorded digest alone. A file missing from the media storage, or
whose bytes, name and record disagree, is listed by its row (evidence or appeal id) and
appraisal, and the command exits 1.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from appraisals.models import Appeal, Evidence
from appraisals.storage import content_hash_of, file_sha256


def file_problem(field_file, recorded: str) -> str | None:
    """Why a stored file fails: "missing", "changed" (bytes, name, record disagree) or None."""
    try:
        with field_file.open("rb") as handle:
            actual = file_sha256(handle)
    except (FileNotFoundError, ValueError):
        return "missing"
    named = content_hash_of(field_file.name)
    if actual != recorded or (named is not None and named != recorded):
        return "changed"
    return None


def _stored_files():
    """(row key, row id, appraisal id, field file, recorded digest) for every stored file."""
    evidence = (
        Evidence.objects.filter(kind=Evidence.Kind.FILE)
        .select_related("check_in")
        .order_by("pk")
        .only("pk", "file", "sha256", "check_in__appraisal_id")
    )
    for row in evidence.iterator(chunk_size=500):
        yield "evidence", row.pk, row.check_in.appraisal_id, row.file, row.sha256
    appeals = (
        Appeal.objects.exclude(attachment="")
        .order_by("pk")
        .only("pk", "attachment", "attachment_sha256", "appraisal_id")
    )
    for row in appeals.iterator(chunk_size=500):
        yield "appeal", row.pk, row.appraisal_id, row.attachment, row.attachment_sha256


def evidence_problems() -> tuple[int, list[dict]]:
    checked, problems = 0, []
    for key, pk, appraisal_id, field_file, recorded in _stored_files():
        checked += 1
        problem = file_problem(field_file, recorded)
        if problem:
            problems.append(
                {key: pk, "appraisal": appraisal_id, "problem": problem, "file": field_file.name}
            )
    return checked, problems


class Command(BaseCommand):
    help = (
        "Check each evidence file and appeal attachment against its name and recorded "
        "SHA-256; exit 1 if any is off."
    )

    def handle(self, *args, **options):
        checked, problems = evidence_problems()
        report = {"ok": not problems, "checked": checked, "problems": problems}
        self.stdout.write(json.dumps(report, indent=2))
        if problems:
            raise SystemExit(1)
