"""Evidence (bukti dukung) of check-ins: files recognised by their content, or links.

Files are typed by magic bytes (PDF, PNG, JPEG; DOCX/XLSX by their package
manifest), never by the client's Content-Type; the name's extension must fit
the content. The audit event carries name, size and sha256, and the file is stored under
that sha256 (appraisals.storage).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone

from workflow import services as engine
from workflow.errors import PayloadInvalid
from workflow.records import attribute
from workflow.text import Text

from ..models import Appraisal, Evidence
from ..selectors.checkins import check_in_get
from ..storage import content_hash_of
from .checkins import evidence_writable_check, indicator_of, invalid

_OOXML = "application/vnd.openxmlformats-officedocument."
# kind -> (content type we record and serve, file name extensions that fit it)
FILE_KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "docx": (_OOXML + "wordprocessingml.document", (".docx",)),
    "xlsx": (_OOXML + "spreadsheetml.sheet", (".xlsx",)),
}
# What [Content_Types].xml of an Office Open XML package names as its main part.
_OOXML_MAIN = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_MAX = 1024 * 1024

FILE_TOO_LARGE = Text(
    id="Berkas terlalu besar ({size} bita); batasnya {limit} bita.",
    en="The file is too large ({size} bytes); the limit is {limit} bytes.",
)
FILE_EMPTY = Text(id="Berkas kosong.", en="The file is empty.")
FILE_TYPE_REFUSED = Text(
    id="Jenis berkas tidak diterima; yang diterima: {allowed} (dikenali dari isinya).",
    en="File type not accepted; accepted: {allowed} (recognised by content).",
)
EXTENSION_MISMATCH = Text(
    id="Nama berkas berakhiran '{ext}' tetapi isinya {kind}.",
    en="The file name ends in '{ext}' but its content is {kind}.",
)
LINK_SCHEME = Text(
    id="Tautan harus diawali http:// atau https://.", en="A link must start with http(s)://."
)
NO_FILE = Text(id="Berkas wajib dilampirkan.", en="A file is required.")


def evidence_max_bytes() -> int:
    return settings.KINERJA_EVIDENCE_MAX_BYTES


def evidence_too_large(size: int) -> PayloadInvalid:
    return invalid(
        FILE_TOO_LARGE.format(size=size, limit=evidence_max_bytes()), "file_too_large", "file"
    )


def _ooxml_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            types = package.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    for key, marker in _OOXML_MAIN.items():
        if marker in types:
            return key
    return None


def sniff_file_kind(upload) -> str | None:
    """The kind of file by its first bytes (and, for a ZIP, its package manifest)."""
    upload.seek(0)
    head = upload.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    return None


@dataclass(frozen=True)
class InspectedFile:
    name: str
    kind: str
    size: int
    sha256: str


def evidence_file_inspect(upload) -> InspectedFile:
    """Size, kind (by content, matching the name's extension) and SHA-256 of an upload."""
    size = upload.size
    if size > evidence_max_bytes():
        raise evidence_too_large(size)
    if size == 0:
        raise invalid(FILE_EMPTY, "file_empty", "file")
    allowed = [k for k in settings.KINERJA_EVIDENCE_TYPES if k in FILE_KINDS]
    kind = sniff_file_kind(upload)
    if kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise invalid(FILE_TYPE_REFUSED.format(allowed=names), "file_type_not_allowed", "file")
    name = os.path.basename((upload.name or "").replace("\\", "/")).strip()[:200] or "berkas"
    ext = os.path.splitext(name)[1].lower()
    if ext not in FILE_KINDS[kind][1]:
        message = EXTENSION_MISMATCH.format(ext=ext or "-", kind=kind.upper())
        raise invalid(message, "file_extension_mismatch", "file")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return InspectedFile(name=name, kind=kind, size=size, sha256=digest.hexdigest())


def stored_as_inspected(name: str, sha256: str) -> None:
    """The stored name must prove the digest we record and audit; if the upload changed
    between the inspection and the write, the whole change rolls back."""
    if content_hash_of(name) != sha256:
        raise RuntimeError(f"stored {name!r}, but the upload inspected hashed to {sha256}")


def evidence_add(
    *,
    appraisal: Appraisal,
    actor,
    period: int,
    upload=None,
    url: str = "",
    name: str = "",
    indicator_id: int | None = None,
    expected_version: int | None = None,
) -> Evidence:
    """Attach a file (`upload`) or a link (`url`) to the check-in of `period`."""
    action = "evidence.added"

    def apply(locked: Appraisal):
        evidence_writable_check(locked, actor)
        check_in = check_in_get(appraisal=locked, period=period)
        indicator = indicator_of(locked, indicator_id, "indicator")
        if upload is None and not url:
            raise invalid(NO_FILE, "required", "file")
        evidence = Evidence(
            check_in=check_in,
            indicator=indicator,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        record = {"check_in": period, "indicator": indicator.pk if indicator else None}
        if upload is not None:
            inspected = evidence_file_inspect(upload)
            content_type, extensions = FILE_KINDS[inspected.kind]
            evidence.kind, evidence.content_type = Evidence.Kind.FILE, content_type
            evidence.name = (name.strip() or inspected.name)[:255]
            evidence.size, evidence.sha256 = inspected.size, inspected.sha256
            # The storage names the file by its bytes' SHA-256 (keeping only the extension
            # given here); the client's name is only the label.
            evidence.file.save(f"upload{extensions[0]}", File(upload), save=False)
            stored_as_inspected(evidence.file.name, inspected.sha256)
            record |= {"content_type": content_type, "size": inspected.size}
            record |= {"sha256": inspected.sha256}
        else:
            if not url.lower().startswith(("https://", "http://")):
                raise invalid(LINK_SCHEME, "link_scheme", "url")
            evidence.kind, evidence.url = Evidence.Kind.LINK, url
            evidence.name = (name.strip() or url)[:255]
            record["url"] = url
        attribute(evidence, actor=actor, reason=action).save()
        record |= {"kind": evidence.kind, "name": evidence.name}
        return evidence, {f"evidence[{evidence.pk}]": [None, record]}

    _, evidence = engine.change(
        appraisal, actor=actor, action=action, apply=apply, expected_version=expected_version
    )
    return evidence
