"""Files named by their content: `<folder>/ab/cd/<sha256><.ext>`.

Evidence and appeal attachments are stored this way (issue #20): identical uploads share one
blob, a file's name proves its bytes (`verify_evidence` hashes each file against its name and
the digest recorded, and audited, at upload), and a backup restored elsewhere can be checked
file by file without the database. The name a person gave the file stays on the row, as the
label a download carries; only a short extension is kept in the stored name, so a served file
is never named by what the client sent.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage

_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
_CONTENT_NAME = re.compile(
    r"(?:^|/)([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})(?:\.[a-z0-9]{1,8})?$"
)
_CHUNK = 1 << 20


def content_hash_of(name: str) -> str | None:
    """The SHA-256 a stored name claims for its bytes; None for a name not in that layout
    (files stored before issue #20, under random names, keep working without it)."""
    match = _CONTENT_NAME.search(name or "")
    if match is None:
        return None
    first, second, digest = match.groups()
    return digest if (first, second) == (digest[:2], digest[2:4]) else None


def file_sha256(handle) -> str:
    """The SHA-256 of an open file, read in 1 MiB chunks (never whole into memory)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class ContentAddressedStorage(FileSystemStorage):
    """The media storage, but `save()` names a file by the SHA-256 of what it writes.

    The folder (the field's `upload_to`) and the extension of the name asked for are kept;
    the rest of that name is ignored. A blob already there is shared, not written again,
    unless its size is wrong: a write cut short (a crash mid-upload) leaves a partial file
    under the right name, which the next identical upload replaces. A blob of the right size
    whose bytes were changed is not "repaired" silently: `verify_evidence` reports it.
    Nothing here deletes a blob another row may share (no code path removes evidence).
    """

    def save(self, name, content, max_length=None):
        if not hasattr(content, "chunks"):
            content = File(content, name)
        digest, size = hashlib.sha256(), 0
        content.seek(0)
        for chunk in content.chunks(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
        content.seek(0)
        sha = digest.hexdigest()
        extension = posixpath.splitext(name or "")[1].lower()
        if not _EXTENSION.fullmatch(extension):
            extension = ""
        folder = posixpath.dirname((name or "").replace("\\", "/"))
        target = posixpath.join(folder, sha[:2], sha[2:4], sha + extension)
        if self.exists(target):
            if self.size(target) == size:
                return target
            self.delete(target)
        saved = super().save(target, content, max_length=max_length)
        if saved != target:
            # Another process wrote the same bytes between our check and our write: theirs
            # stands under the content name, ours (given a suffix by the storage) goes.
            self.delete(saved)
        return target


def evidence_storage() -> ContentAddressedStorage:
    """The storage of evidence files and appeal attachments (a callable, so migrations
    record a reference rather than a configured instance)."""
    return _STORAGE


_STORAGE = ContentAddressedStorage()
