"""Domain errors with an HTTP meaning; one exception handler maps them.

Every error carries a bilingual message and, where useful, a list of
problems so a client can show each one beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import Text


@dataclass(frozen=True)
class Problem:
    code: str
    message: Text
    field: str | None = None

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": str(self.message), "messages": self.message.as_dict()}
        if self.field is not None:
            out["field"] = self.field
        return out


@dataclass
class WorkflowError(Exception):
    message: Text
    problems: list[Problem] = field(default_factory=list)

    status = 400
    code = "invalid"

    def __str__(self) -> str:
        return self.message.en

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "detail": str(self.message),
            "messages": self.message.as_dict(),
            "problems": [p.as_dict() for p in self.problems],
        }


class NotFound(WorkflowError):
    status = 404
    code = "not_found"


class TransitionUnknown(NotFound):
    code = "transition_unknown"


class VersionMismatch(WorkflowError):
    status = 412
    code = "version_mismatch"


class ActionForbidden(WorkflowError):
    status = 403
    code = "forbidden"


class StateConflict(WorkflowError):
    status = 409
    code = "state_conflict"


class PayloadInvalid(WorkflowError):
    status = 400
    code = "payload_invalid"


class ConditionsUnmet(WorkflowError):
    status = 400
    code = "conditions_unmet"


class IdempotencyKeyReused(WorkflowError):
    status = 422
    code = "idempotency_key_reused"
