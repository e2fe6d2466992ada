"""An appeal's attachment: a document the employee files beside the grounds.

Checked as evidence is (size limit, type recognised by content, the name's extension
fitting it), stored under its SHA-256 (appraisals.storage), and recorded on the appraisal's chain.
"""

from __future__ import annotations

from django.core.files.base import File

from workflow import services as engine
from workflow.errors import ActionForbidden, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal
from ..policies import appraisal_roles
from .evidence import FILE_KINDS, InspectedFile, evidence_file_inspect, stored_as_inspected

ONLY_APPELLANT = Text(
    id="Hanya pegawai yang mengajukan keberatan yang dapat melampirkan berkas.",
    en="Only the employee who filed the appeal can attach a file to it.",
)
NO_OPEN_APPEAL = Text(
    id="Tidak ada keberatan yang sedang diajukan.", en="There is no appeal awaiting a decision."
)


def appeal_attachment_inspect(upload, field: str = "attachment") -> InspectedFile:
    """The evidence checks, the problem named after the appeal form's field."""
    try:
        return evidence_file_inspect(upload)
    except PayloadInvalid as error:
        raise PayloadInvalid(
            error.message,
            [Problem(code=p.code, message=p.message, field=field) for p in error.problems],
        ) from None


def appeal_attachment_add(
    *, appraisal: Appraisal, actor, upload, expected_version: int | None = None
) -> None:
    inspected = appeal_attachment_inspect(upload)

    def apply(locked: Appraisal):
        if "employee" not in appraisal_roles(locked, actor):
            raise ActionForbidden(ONLY_APPELLANT)
        appeal = locked.appeals.filter(outcome="").order_by("-filed_at").first()
        if locked.state != "appealed" or appeal is None:
            raise StateConflict(NO_OPEN_APPEAL)
        content_type, extensions = FILE_KINDS[inspected.kind]
        appeal.attachment.save(f"upload{extensions[0]}", File(upload), save=False)
        stored_as_inspected(appeal.attachment.name, inspected.sha256)
        appeal.attachment_name = inspected.name[:255]
        appeal.attachment_type = content_type
        appeal.attachment_size = inspected.size
        appeal.attachment_sha256 = inspected.sha256
        attribute(appeal, actor=actor, reason="appeal.attachment_added").save()
        record = {"name": inspected.name, "size": inspected.size, "sha256": inspected.sha256}
        return None, {"appeal.attachment": [None, record]}

    engine.change(
        appraisal,
        actor=actor,
        action="appeal.attachment_added",
        apply=apply,
        expected_version=expected_version,
    )
