"""The one path every transition takes.

perform(): lock the row, replay or refuse a reused idempotency key, check
the expected version, the actor's permission, the state, the payload and the
conditions; apply (django-fsm, then the table's effect); bump the version;
save with simple-history (history_user and change reason set explicitly);
append the audit event in the same transaction; announce the change only
after commit. Each step is a small function below perform(), in that order
(_replay, _authorise, _check_state, _validate, _apply, _record, _announce);
change() shares the lock, version and _record tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from audit.models import AuditEvent

from . import definition
from .checks import context_for, failed, forbidden, holds
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
    WorkflowError,
)
from .models import IdempotencyRecord
from .records import attribute, audit_record
from .signals import transition_applied, transition_committed, transition_refused
from .text import Text
from .translations import both_languages

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
        message = both_languages(str(detail))
    return Problem(code=getattr(detail, "code", "invalid"), message=message, field=field or None)


def perform(obj: Any, name: str, **kwargs) -> Outcome:
    """Fire transition `name` on `obj` (see `_perform`); a refusal is announced, then raised."""
    try:
        return _perform(obj, name, **kwargs)
    except WorkflowError as exc:
        transition_refused.send(
            sender=type(obj),
            workflow=definition.for_model(type(obj)).name,
            transition=name,
            code=exc.code,
        )
        raise


def _perform(
    obj: Any,
    name: str,
    *,
    actor: Any,
    payload: dict | None = None,
    reason: str = "",
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    render=None,
    locked: bool = False,
) -> Outcome:
    """Fire transition `name` on `obj` as `actor`. See the module docstring.

    `render(obj)`, if given, builds the response inside the transaction; it is
    what an idempotent retry replays. `locked=True` says the caller already holds
    `obj`'s row lock, taken in its own open transaction by reading `obj` with
    SELECT ... FOR UPDATE (`lock_visible`): the row is then read once, and `obj`
    itself is the instance checked, changed and rendered.
    """
    workflow = definition.for_model(type(obj))
    t = _transition(workflow, name)
    payload = dict(payload or {})
    reason = (reason or "").strip()
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("perform(locked=True) needs the transaction that took the lock")

    # Inside the caller's transaction no savepoint is needed: a refusal rolls it back whole.
    with transaction.atomic(savepoint=not locked):
        locked = obj if locked else _lock(obj)
        fingerprint = _fingerprint(locked, name, payload, reason) if idempotency_key else ""
        earlier = _replay(actor, idempotency_key, fingerprint)
        if earlier is not None:
            return Outcome(obj=locked, event=None, response=earlier.response, replayed=True)
        version = _checked_version(workflow, locked, expected_version)
        ctx = _authorise(workflow, t, locked, actor, reason)
        _check_live(workflow, locked, ctx)
        state = _check_state(workflow, t, locked)
        ctx = _validate(t, locked, ctx, payload)
        changes, extra = _apply(workflow, t, locked, ctx)
        target = getattr(locked, workflow.state_field)
        event = _record(
            workflow,
            locked,
            actor=actor,
            action=t.name,
            reason=reason,
            version=version,
            fields=changes,
            changes={**changes, **extra},
            from_state=state,
            to_state=target,
            at=ctx.now,
        )
        _announce(workflow, t, locked, actor=actor, from_state=state, event=event)
        response = render(locked) if render else None
        if idempotency_key:
            IdempotencyRecord.objects.create(
                user=actor, key=idempotency_key, fingerprint=fingerprint, response=response
            )
    return Outcome(obj=locked, event=event, response=response)


# -- the steps of perform, in order -----------------------------------------


def _transition(workflow: Workflow, name: str) -> Transition:
    t = workflow.transition(name)
    if t is None:
        raise TransitionUnknown(
            Text(id=f"Transisi '{name}' tidak dikenal.", en=f"Unknown transition '{name}'.")
        )
    return t


def _lock(obj: Any) -> Any:
    """The subject's row, locked until the transaction ends: every write is serialised."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _replay(actor: Any, key: str | None, fingerprint: str) -> IdempotencyRecord | None:
    """The record of an earlier request with this key, to replay (None: a new request).

    The same key with a different request is refused, never replayed.
    """
    if not key:
        return None
    record = IdempotencyRecord.objects.filter(user=actor, key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            Text(
                id="Idempotency-Key ini sudah dipakai untuk permintaan lain.",
                en="This Idempotency-Key was already used for a different request.",
            )
        )
    return record


def _checked_version(workflow: Workflow, locked: Any, expected: int | None) -> int:
    version = getattr(locked, workflow.version_field)
    _check_version(version, expected)
    return version


def _authorise(workflow: Workflow, t: Transition, locked: Any, actor: Any, reason: str) -> Context:
    """The attempt's context, if `actor` holds a role `t` names and its restrictions hold (403)."""
    ctx = context_for(workflow, locked, actor, reason=reason)
    refused = forbidden(t, locked, ctx)
    if refused:
        raise ActionForbidden(refused[0].message, refused)
    return ctx


def _check_live(workflow: Workflow, locked: Any, ctx: Context) -> None:
    """Nothing moves on an object the domain holds still, e.g. in a closed period (409)."""
    frozen = failed(workflow.live_while, locked, ctx)
    if frozen:
        raise StateConflict(frozen[0].message, frozen)


def _check_state(workflow: Workflow, t: Transition, locked: Any) -> str:
    """The current state, if `t` leaves from it (409)."""
    state = getattr(locked, workflow.state_field)
    if state not in workflow.sources_of(t):
        label = workflow.state(state).label
        raise StateConflict(
            Text(
                id=f"'{t.label.id}' tidak dapat dilakukan pada status '{label.id}'.",
                en=f"'{t.label.en}' is not possible in state '{label.en}'.",
            )
        )
    return state


def _validate(t: Transition, locked: Any, ctx: Context, payload: dict) -> Context:
    """The context with the validated payload, if it and the conditions hold (400)."""
    ctx = replace(ctx, payload=_validate_payload(t, locked, payload, ctx.reason))
    unmet = failed(t.conditions, locked, ctx)
    if unmet:
        raise ConditionsUnmet(
            Text(
                id="Syarat transisi belum terpenuhi.",
                en="The transition's conditions are unmet.",
            ),
            unmet,
        )
    return ctx


def _apply(
    workflow: Workflow, t: Transition, locked: Any, ctx: Context
) -> tuple[dict[str, list], Mapping[str, list]]:
    """Move the state (django-fsm), run the table's effect; what changed on the row, and
    what else the effect reports."""
    before = _snapshot(locked, workflow)
    if t.settle is None:
        getattr(locked, t.name)()
    else:
        # Settled before the effect runs: the rule reads the object as it is and the
        # attempt (its payload), as the conditions do.
        getattr(locked, t.name)(t.settle(locked, ctx))
    extra = (t.effect(locked, ctx) if t.effect else None) or {}
    return _diff(before, _snapshot(locked, workflow)), extra


def _record(
    workflow: Workflow,
    locked: Any,
    *,
    actor: Any,
    action: str,
    reason: str,
    version: int,
    fields,
    changes: Mapping[str, Any],
    from_state: str,
    to_state: str,
    at=None,
) -> AuditEvent:
    """The tail every change of an aggregate shares (its row locked by the caller).

    Bump the version, save the changed `fields` with it (history attributed to
    `actor` with the action as reason), and append the audit event with
    `changes` and the version's own, in the same transaction.
    """
    setattr(locked, workflow.version_field, version + 1)
    attribute(locked, actor=actor, reason=f"{action}: {reason}" if reason else action)
    locked.save(
        update_fields=[
            *fields,
            workflow.version_field,
            *workflow.untracked_fields & _field_names(locked),
        ]
    )
    return audit_record(
        locked,
        locked=locked,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        changes={**changes, workflow.version_field: [version, version + 1]},
        at=at,
        scope=_scope(workflow, locked),
    )


def _announce(
    workflow: Workflow, t: Transition, locked: Any, *, actor: Any, from_state: str, event
) -> None:
    """Tell listeners now, inside the transaction (e.g. the outbox), and again after commit."""
    announcement = {
        "workflow": workflow.name,
        "transition": t.name,
        "subject_type": locked._meta.label_lower,
        "subject_id": locked.pk,
        "audit_event_id": event.pk,
        "actor_id": actor.pk,
        "from_state": from_state,
        "to_state": getattr(locked, workflow.state_field),
    }
    transition_applied.send(sender=type(locked), obj=locked, **announcement)
    transaction.on_commit(partial(transition_committed.send, sender=type(locked), **announcement))


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
    ctx = context_for(workflow, obj, actor)
    if failed(workflow.live_while, obj, ctx):
        return []
    return [
        (t, failed(t.conditions, obj, ctx))
        for t in workflow.transitions
        if state in workflow.sources_of(t) and not forbidden(t, obj, ctx)
    ]


def transitions_available(obj: Any, *, actor: Any) -> list[Transition]:
    """What `actor` may fire on `obj` now: right state, right role, conditions met.

    The same answer as `transitions_open_to` without the unmet ones, but it asks no more
    than it needs (every response and detail page asks it, issue #17): the guards stop
    at the first that fails, and no reason is worded. After a discussion, say, issuing the
    result waits for the period's end, so the curve (a query) is not asked about.
    """
    workflow = definition.for_model(type(obj))
    state = getattr(obj, workflow.state_field)
    ctx = context_for(workflow, obj, actor)
    if not holds(workflow.live_while, obj, ctx):
        return []
    return [
        t
        for t in workflow.transitions
        if state in workflow.sources_of(t)
        and ctx.roles & t.roles
        and holds(t.restrictions, obj, ctx)
        and holds(t.conditions, obj, ctx)
    ]


def target_of(obj: Any, t: Transition, *, actor: Any) -> str:
    """The state `t` would lead `obj` to, fired now by `actor` with its defaults: its
    `target`, or what its table's `settle` names when the next state depends on the object."""
    if t.settle is None:
        return t.target
    workflow = definition.for_model(type(obj))
    return t.settle(obj, context_for(workflow, obj, actor))


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
        locked = _lock(obj)
        version = _checked_version(workflow, locked, expected_version)
        _check_live(workflow, locked, context_for(workflow, locked, actor))
        result, changes = apply(locked)
        state = getattr(locked, workflow.state_field)
        # Fields of the aggregate that `apply` changed are saved with the version.
        own = {f.attname for f in locked._meta.concrete_fields} & set(changes)
        event = _record(
            workflow,
            locked,
            actor=actor,
            action=action,
            reason=reason,
            version=version,
            fields=own,
            changes=changes,
            from_state=state,
            to_state=state,
        )
        if action in workflow.announced_changes:
            _announce_change(workflow, action, locked, actor=actor, state=state, event=event)
    return locked, result


def _announce_change(
    workflow: Workflow, action: str, locked: Any, *, actor: Any, state: str, event
) -> None:
    """A change the table announces is heard as a transition is (outbox now, nudge on commit)."""
    announcement = {
        "workflow": workflow.name,
        "transition": action,
        "subject_type": locked._meta.label_lower,
        "subject_id": locked.pk,
        "audit_event_id": event.pk,
        "actor_id": actor.pk,
        "from_state": state,
        "to_state": state,
    }
    transition_applied.send(sender=type(locked), obj=locked, **announcement)
    transaction.on_commit(partial(transition_committed.send, sender=type(locked), **announcement))
