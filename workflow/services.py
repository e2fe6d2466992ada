"""The one path every transition takes.

perform(): lock the row, replay or refuse a reused idempotency key, check
the expected version, the actor's permission, the state, the payload and the
conditions; apply (django-fsm, then the table's effect); bump the version;
save with simple-history (history_user and change reason set explicitly);
append the audit event in the same transaction; announce the change only
after commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_event_append

from . import definition
from .checks import failed, forbidden
from .definition import Context, Transition, Workflow
from .errors import (
    ActionForbidden,
    ConditionsUnmet,
    IdempotencyKeyReused,
    PayloadInvalid,
    Problem,
    StateConflict,
    TransitionUnknown,
    VersionMismatch,
)
from .models import IdempotencyRecord
from .signals import transition_applied, transition_committed
from .text import Text

UNKNOWN_FIELD = Text(
    id="Isian {field} tidak dikenal untuk transisi ini.",
    en="{field} is not a field of this transition.",
)
REASON_REQUIRED = Text(id="Alasan wajib diisi.", en="A reason is required.")
REASON_MAX_LENGTH = 10000
REASON_INVALID = Text(
    id=f"Alasan paling banyak {REASON_MAX_LENGTH} karakter, tanpa karakter NUL.",
    en=f"A reason has at most {REASON_MAX_LENGTH} characters and no NUL character.",
)


@dataclass(frozen=True)
class Outcome:
    obj: Any
    event: AuditEvent | None
    response: Any
    replayed: bool = False


def _check_version(version: int, expected: int | None) -> None:
    if expected is not None and version != expected:
        raise VersionMismatch(
            Text(
                id=f"Data telah berubah (versi sekarang {version}); muat ulang lalu coba lagi.",
                en=f"The record has changed (now version {version}); reload and try again.",
            )
        )


def _fingerprint(obj: Any, name: str, payload: dict, reason: str) -> str:
    doc = {
        "subject": f"{obj._meta.label_lower}:{obj.pk}",
        "transition": name,
        "payload": payload,
        "reason": reason,
    }
    raw = json.dumps(doc, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _snapshot(obj: Any, workflow: Workflow) -> dict[str, Any]:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname not in workflow.untracked_fields
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _validate_payload(t: Transition, obj: Any, payload: dict, reason: str) -> dict:
    problems: list[Problem] = []
    if t.reason_required and not reason.strip():
        problems.append(Problem(code="required", message=REASON_REQUIRED, field="reason"))
    if len(reason) > REASON_MAX_LENGTH or "\x00" in reason:
        problems.append(Problem(code="invalid", message=REASON_INVALID, field="reason"))
    data: dict = {}
    # A field the transition does not take is refused, never silently dropped: a
    # caller sending ratings or a decision where they have no say must hear "no".
    known = set(t.payload().fields) if t.payload is not None else set()
    for name in sorted(set(payload) - known, key=str):
        problems.append(
            Problem(code="unknown_field", message=UNKNOWN_FIELD.format(field=name), field=name)
        )
    if t.payload is not None:
        serializer = t.payload(data=payload, context={"obj": obj})
        if serializer.is_valid():
            data = dict(serializer.validated_data)
        else:
            problems.extend(serializer_problems(serializer.errors))
    if problems:
        raise PayloadInvalid(
            Text(id="Isian tidak valid.", en="The submitted data is invalid."), problems
        )
    return data


def serializer_problems(errors: Any, prefix: str = "") -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # DRF keys a nested list's errors by index
                path = f"{prefix}[{key}]"
            else:
                name = key if key != "non_field_errors" else ""
                path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            problems.extend(serializer_problems(value, path))
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                problems.extend(serializer_problems(value, f"{prefix}[{index}]"))
            else:
                problems.append(_detail_problem(value, prefix))
    else:
        problems.append(_detail_problem(errors, prefix))
    return problems


def _detail_problem(detail: Any, field: str) -> Problem:
    message = getattr(detail, "bilingual", None)
    if message is None:
        message = Text(id=str(detail), en=str(detail))
    return Problem(code=getattr(detail, "code", "invalid"), message=message, field=field or None)


def perform(
    obj: Any,
    name: str,
    *,
    actor: Any,
    payload: dict | None = None,
    reason: str = "",
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    render=None,
) -> Outcome:
    """Fire transition `name` on `obj` as `actor`. See the module docstring.

    `render(obj)`, if given, builds the response inside the transaction; it is
    what an idempotent retry replays.
    """
    workflow = definition.for_model(type(obj))
    t = workflow.transition(name)
    if t is None:
        raise TransitionUnknown(
            Text(id=f"Transisi '{name}' tidak dikenal.", en=f"Unknown transition '{name}'.")
        )
    payload = dict(payload or {})
    reason = (reason or "").strip()

    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        fingerprint = ""
        if idempotency_key:
            fingerprint = _fingerprint(locked, name, payload, reason)
            record = IdempotencyRecord.objects.filter(user=actor, key=idempotency_key).first()
            if record is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        Text(
                            id="Idempotency-Key ini sudah dipakai untuk permintaan lain.",
                            en="This Idempotency-Key was already used for a different request.",
                        )
                    )
                return Outcome(obj=locked, event=None, response=record.response, replayed=True)

        version = getattr(locked, workflow.version_field)
        _check_version(version, expected_version)

        ctx = Context(
            actor=actor,
            roles=workflow.roles_of(locked, actor),
            now=timezone.now(),
            reason=reason,
        )
        refused = forbidden(t, locked, ctx)
        if refused:
            raise ActionForbidden(refused[0].message, refused)

        state = getattr(locked, workflow.state_field)
        if state not in workflow.sources_of(t):
            label = workflow.state(state).label
            raise StateConflict(
                Text(
                    id=f"'{t.label.id}' tidak dapat dilakukan pada status '{label.id}'.",
                    en=f"'{t.label.en}' is not possible in state '{label.en}'.",
                )
            )

        ctx = replace(ctx, payload=_validate_payload(t, locked, payload, reason))
        unmet = failed(t.conditions, locked, ctx)
        if unmet:
            raise ConditionsUnmet(
                Text(
                    id="Syarat transisi belum terpenuhi.",
                    en="The transition's conditions are unmet.",
                ),
                unmet,
            )

        before = _snapshot(locked, workflow)
        getattr(locked, t.name)()
        extra = (t.effect(locked, ctx) if t.effect else None) or {}
        setattr(locked, workflow.version_field, version + 1)
        locked._history_user = actor
        locked._change_reason = f"{t.name}: {reason}" if reason else t.name
        changes = _diff(before, _snapshot(locked, workflow))
        locked.save(update_fields=[*changes, *workflow.untracked_fields & _field_names(locked)])
        event = audit_event_append(
            subject=locked,
            actor=actor,
            action=t.name,
            from_state=state,
            to_state=t.target,
            reason=reason,
            changes={**changes, **extra},
            at=ctx.now,
            scope=_scope(workflow, locked),
        )
        announcement = {
            "workflow": workflow.name,
            "transition": t.name,
            "subject_type": locked._meta.label_lower,
            "subject_id": locked.pk,
            "audit_event_id": event.pk,
            "actor_id": actor.pk,
            "from_state": state,
            "to_state": t.target,
        }
        transition_applied.send(sender=type(locked), obj=locked, **announcement)
        response = render(locked) if render else None
        if idempotency_key:
            IdempotencyRecord.objects.create(
                user=actor, key=idempotency_key, fingerprint=fingerprint, response=response
            )
        transaction.on_commit(
            partial(transition_committed.send, sender=type(locked), **announcement)
        )
    return Outcome(obj=locked, event=event, response=response)


def _scope(workflow: Workflow, obj: Any) -> str:
    return workflow.scope_of(obj) if workflow.scope_of else ""


def _field_names(obj: Any) -> set[str]:
    return {f.name for f in obj._meta.concrete_fields}


def transitions_open_to(obj: Any, *, actor: Any) -> list[tuple[Transition, list[Problem]]]:
    """What `actor` may fire on `obj` in its state, each with its unmet conditions.

    An empty list of problems means it can be fired now; otherwise the
    problems say what is missing (a page shows them beside a disabled button).
    """
    workflow = definition.for_model(type(obj))
    state = getattr(obj, workflow.state_field)
    ctx = Context(actor=actor, roles=workflow.roles_of(obj, actor), now=timezone.now())
    return [
        (t, failed(t.conditions, obj, ctx))
        for t in workflow.transitions
        if state in workflow.sources_of(t) and not forbidden(t, obj, ctx)
    ]


def transitions_available(obj: Any, *, actor: Any) -> list[Transition]:
    """What `actor` may fire on `obj` now: right state, right role, conditions met."""
    return [t for t, unmet in transitions_open_to(obj, actor=actor) if not unmet]


def change(
    obj: Any,
    *,
    actor: Any,
    action: str,
    apply,
    reason: str = "",
    expected_version: int | None = None,
):
    """A change to an aggregate that is not a state transition (e.g. a plan item).

    Same guarantees as perform(): the row is locked, the version checked and
    bumped, the history row attributed, and the audit event appended in the
    same transaction. `apply(locked)` checks its own rules (raising a
    WorkflowError) and returns (result, {field: [old, new]}); changed fields of
    the aggregate itself (by attname) are saved with the new version.
    """
    workflow = definition.for_model(type(obj))
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        version = getattr(locked, workflow.version_field)
        _check_version(version, expected_version)
        result, changes = apply(locked)
        setattr(locked, workflow.version_field, version + 1)
        locked._history_user = actor
        locked._change_reason = f"{action}: {reason}" if reason else action
        # Fields of the aggregate that `apply` changed are saved with the version.
        own = {f.attname for f in locked._meta.concrete_fields} & set(changes)
        locked.save(
            update_fields=[
                workflow.version_field,
                *own,
                *workflow.untracked_fields & _field_names(locked),
            ]
        )
        state = getattr(locked, workflow.state_field)
        audit_event_append(
            subject=locked,
            actor=actor,
            action=action,
            from_state=state,
            to_state=state,
            reason=reason,
            changes={**changes, workflow.version_field: [version, version + 1]},
            scope=_scope(workflow, locked),
        )
    return locked, result
