"""Changes of appraiser mid-cycle: the handover record, its note, and who is told.

Every reassignment of an open appraisal (supervisor change, transfer, a Plt/Plh
appointed or ended) goes through `appraisal_reassign`: the engine's change
path (locked, versioned, in history and on the audit chain), a handover row
when the appraiser changes, and an outbox row in the same transaction so the
people concerned are told after commit.

The previous appraiser loses access to the appraisal at once (visibility
follows its appraiser and reviewer fields); they keep one right on it: to leave
a handover note (catatan serah terima) for the successor, for
`KINERJA_HANDOVER_NOTE_DAYS` days after the change (our choice: 14, the same
span the regulation gives an appeal; the regulation sets none).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from notifications.relay import relay_trigger
from workflow import services as engine
from workflow.errors import ActionForbidden, NotFound, PayloadInvalid, Problem
from workflow.text import Text

from ..models import Appraisal, AppraiserHandover
from ..policies import appraisal_visibility, profile_of

NOT_FOUND = Text(id="Tidak ditemukan.", en="Not found.")
NOTE_CLOSED = Text(
    id="Catatan serah terima hanya dapat ditulis oleh pejabat penilai sebelumnya, paling lama "
    "{days} hari setelah pergantian.",
    en="Only the previous appraiser may write the handover note, at most {days} days after the "
    "change.",
)
NOTE_EMPTY = Text(id="Catatan serah terima wajib diisi.", en="The handover note is required.")
INVALID = Text(id="Isian tidak valid.", en="The submitted data is invalid.")


def note_days() -> int:
    return int(getattr(settings, "KINERJA_HANDOVER_NOTE_DAYS", 14))


def note_open_until(handover: AppraiserHandover) -> dt.datetime:
    return handover.changed_at + dt.timedelta(days=note_days())


def appraisal_reassign(
    appraisal: Appraisal, *, actor, reason: str, cause: str, **fields
) -> Appraisal:
    """Give `appraisal` new `fields` (appraiser, appeal_reviewer, unit) through the engine."""
    handover: dict = {}

    def apply(locked: Appraisal):
        changes = {}
        for name, value in fields.items():
            old = getattr(locked, f"{name}_id")
            new = value.pk if value is not None else None
            if old != new:
                changes[f"{name}_id"] = [old, new]
                setattr(locked, name, value)
        moved = changes.get("appraiser_id")
        if moved and moved[0] is not None:
            row = AppraiserHandover.objects.create(
                appraisal=locked,
                previous_id=moved[0],
                successor_id=moved[1],
                cause=cause,
                changed_at=timezone.now(),
            )
            handover["row"] = row
            changes["handover_id"] = [None, row.pk]
        changes["cause"] = [None, cause]
        return changes, changes

    locked, changes = engine.change(
        appraisal, actor=actor, action="appraisal.reassigned", apply=apply, reason=reason
    )
    _announce(locked, actor=actor, changes=changes)
    return locked


def _announce(appraisal: Appraisal, *, actor, changes: dict) -> None:
    """Tell the employee and every appraiser or reviewer who came or went (after commit)."""
    people: list[int] = [appraisal.employee_id]
    for field in ("appraiser_id", "appeal_reviewer_id"):
        for person in changes.get(field, []):
            if person is not None and person not in people:
                people.append(person)
    event = (
        AuditEvent.objects.filter(
            subject_type=Appraisal._meta.label_lower, subject_id=str(appraisal.pk)
        )
        .order_by("-seq")
        .values_list("pk", flat=True)
        .first()
    )
    OutboxEvent.objects.create(
        kind="appraisal.reassigned",
        subject_type=Appraisal._meta.label_lower,
        subject_id=appraisal.pk,
        audit_event_id=event,
        actor_id=actor.pk,
        data={
            "unit_id": appraisal.unit_id,
            "audience": [["employee", person] for person in people],
            "appraiser_id": appraisal.appraiser_id,
            "appeal_reviewer_id": appraisal.appeal_reviewer_id,
        },
    )
    transaction.on_commit(partial(relay_trigger))


def handover_note_target(*, user, pk: int) -> tuple[Appraisal, AppraiserHandover]:
    """The appraisal and the handover on which `user` may write the note now.

    404 when the user neither sees the appraisal nor handed it over; 403 when
    they see it (or handed it over) but the note is not theirs to write now.
    """
    profile = profile_of(user)
    appraisal = Appraisal.objects.select_related("unit").filter(pk=pk).first()
    if appraisal is None:
        raise NotFound(NOT_FOUND)
    mine = None
    if profile.employee_id is not None:
        mine = (
            appraisal.handovers.filter(previous_id=profile.employee_id)
            .order_by("-changed_at", "-id")
            .first()
        )
    visible = Appraisal.objects.filter(appraisal_visibility(user), pk=pk).exists()
    if mine is None and not visible:
        raise NotFound(NOT_FOUND)
    if mine is None or timezone.now() > note_open_until(mine):
        raise ActionForbidden(_closed())
    return appraisal, mine


def _closed() -> Text:
    days = note_days()
    return Text(id=NOTE_CLOSED.id.format(days=days), en=NOTE_CLOSED.en.format(days=days))


def handover_note_write(*, actor, pk: int, note: str) -> AppraiserHandover:
    """The previous appraiser's note for the successor, recorded on the appraisal's chain."""
    note = (note or "").strip()
    if not note:
        raise PayloadInvalid(INVALID, [Problem(code="required", message=NOTE_EMPTY, field="note")])
    appraisal, handover = handover_note_target(user=actor, pk=pk)

    def apply(locked: Appraisal):
        row = AppraiserHandover.objects.select_for_update().get(pk=handover.pk)
        if timezone.now() > note_open_until(row):
            raise ActionForbidden(_closed())
        old = row.note
        row.note, row.note_written_at = note, timezone.now()
        row.save(update_fields=["note", "note_written_at"])
        # The chain holds the note's digest, not its words: the employee reads the
        # history too, the note is between appraisers (and those over them).
        digest = hashlib.sha256(note.encode()).hexdigest()
        return row, {
            "handover_id": [None, row.pk],
            "handover_note_sha256": [
                hashlib.sha256(old.encode()).hexdigest() if old else None,
                digest,
            ],
        }

    _locked, row = engine.change(
        appraisal, actor=actor, action="appraisal.handover_noted", apply=apply
    )
    return row
