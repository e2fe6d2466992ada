"""Files people attached, served back to those who may see the appraisal: as an attachment,
under the name they gave (never a path), with the content type recognised at upload."""

from __future__ import annotations

import os
import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from ..models import Appeal, Evidence
from ..services.evidence import FILE_KINDS
from .views import opened, visible_or_404

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def download_name(name: str, content_type: str, stored: str) -> str:
    """The label as a file name: no directory part, no control characters, and ending in
    an extension that fits its content."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = _UNSAFE.sub("_", name).strip(" .") or "berkas"
    extensions = next(
        (exts for kind, exts in FILE_KINDS.values() if kind == content_type),
        (os.path.splitext(stored)[1].lower() or ".bin",),
    )
    return name if name.lower().endswith(extensions) else name + extensions[0]


def attachment(file_field, name: str, content_type: str) -> FileResponse:
    try:
        handle = file_field.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(name, content_type, file_field.name),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def evidence_file(request, pk: int, evidence: int):
    """A check-in's evidence file, for whoever may see the appraisal (404 to anyone else)."""
    appraisal = visible_or_404(request.user, pk)
    row = (
        Evidence.objects.filter(pk=evidence, check_in__appraisal=appraisal)
        .exclude(file="")
        .filter(kind=Evidence.Kind.FILE)
        .first()
    )
    if row is None:
        raise Http404
    opened(request, appraisal, "web.evidence_file")
    return attachment(row.file, row.name, row.content_type)


@require_GET
@login_required
def appeal_file(request, pk: int, appeal: int):
    """An appeal's attachment, for whoever may see the appraisal (404 to anyone else)."""
    appraisal = visible_or_404(request.user, pk)
    row = Appeal.objects.filter(pk=appeal, appraisal=appraisal).exclude(attachment="").first()
    if row is None:
        raise Http404
    opened(request, appraisal, "web.appeal_file")
    return attachment(row.attachment, row.attachment_name, row.attachment_type)
