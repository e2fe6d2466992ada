"""Signed tree heads published where the database cannot reach them.

A superuser who controls the database can rewrite events, recompute every chain
and, knowing the signing key, re-sign every checkpoint: the database then agrees
with itself. What it cannot rewrite is what already left it. After each
checkpoint commits, its signed statement and tree head go to

- AUDIT_PUBLISH_DIR: one file per checkpoint, `checkpoint-00000042.json`, written
  once and never overwritten (point it at storage the database host cannot
  write: another machine's mount, a WORM bucket synced from it, ...);
  AUDIT_PUBLISH_ENTRIES adds the sealed leaves, which lets verification name
  the subject and sequence that changed, not only the checkpoint;
- AUDIT_PUBLISH_EMAIL: the inspectorate's address(es), the head without leaves.

verify_audit compares the database's checkpoints with the published ones
(--published DIR, or AUDIT_PUBLISH_DIR when set). A failed publication never
undoes the checkpoint: it is logged, and `audit_checkpoint --publish` publishes
whatever is missing.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .checkpoints import EXPORT_FORMAT, exported
from .models import Checkpoint

logger = logging.getLogger(__name__)
FILE_PATTERN = "checkpoint-*.json"


def published_doc(cp: Checkpoint, *, with_entries: bool = False) -> dict:
    doc = exported(cp, with_entries=with_entries)
    if cp.tree_size is not None:
        doc.update(tree_size=cp.tree_size, tree_root=cp.tree_root, tree_signature=cp.tree_signature)
    return doc


def _text(doc: dict) -> str:
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def file_name(number: int) -> str:
    return f"checkpoint-{number:08d}.json"


def publish_to_dir(cp: Checkpoint, directory: str | os.PathLike) -> bool:
    """Write the checkpoint's file once; False if one is there already (left untouched)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with_entries = getattr(settings, "AUDIT_PUBLISH_ENTRIES", True)
    text = _text(published_doc(cp, with_entries=with_entries))
    target = folder / file_name(cp.number)
    # Written beside, then linked into place: a reader never sees half a file, and
    # os.link fails rather than replace a head published before.
    temp = folder / f".{target.name}.{os.getpid()}.tmp"
    temp.write_text(text, "utf-8")
    try:
        os.link(temp, target)
    except FileExistsError:
        if target.read_text("utf-8") != text:
            logger.error("checkpoint %s: a different head is already published", cp.number)
        return False
    finally:
        temp.unlink(missing_ok=True)
    return True


def publish_by_email(cp: Checkpoint, recipients: list[str]) -> None:
    send_mail(
        _("Signed audit tree head, checkpoint %(number)d") % {"number": cp.number},
        _text(published_doc(cp)),
        None,
        recipients,
    )


def _recipients() -> list[str]:
    value = getattr(settings, "AUDIT_PUBLISH_EMAIL", "") or ""
    if isinstance(value, str):
        value = value.split(",")
    return [a.strip() for a in value if a.strip()]


def checkpoint_publish(*, checkpoint_id: int) -> None:
    """Publish one checkpoint everywhere configured (after its commit); never raises."""
    cp = Checkpoint.objects.filter(pk=checkpoint_id).first()
    if cp is None:
        return
    directory = getattr(settings, "AUDIT_PUBLISH_DIR", "")
    try:
        if directory:
            publish_to_dir(cp, directory)
        if recipients := _recipients():
            publish_by_email(cp, recipients)
    except Exception:  # a checkpoint stays valid unpublished; the log says so
        logger.exception("checkpoint %s could not be published", cp.number)


def checkpoints_publish_missing() -> list[int]:
    """Publish to AUDIT_PUBLISH_DIR every checkpoint not there yet; their numbers."""
    directory = getattr(settings, "AUDIT_PUBLISH_DIR", "")
    if not directory:
        return []
    done = []
    for cp in Checkpoint.objects.order_by("number"):
        if not (Path(directory) / file_name(cp.number)).exists() and publish_to_dir(cp, directory):
            done.append(cp.number)
    return done


def published_load(directory: str | os.PathLike) -> dict:
    """The published heads as a checkpoints export (see checkpoints.checkpoints_export)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a directory")
    docs = []
    for path in sorted(folder.glob(FILE_PATTERN)):
        try:
            docs.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read {path}: {exc}") from exc
    return {"format": EXPORT_FORMAT, "checkpoints": docs}


def published_default() -> dict | None:
    """The published heads at AUDIT_PUBLISH_DIR, if configured and there."""
    directory = getattr(settings, "AUDIT_PUBLISH_DIR", "")
    if directory and Path(directory).is_dir():
        return published_load(directory)
    return None
