"""Database refusals (IntegrityError from a named constraint) as 400 problems.

The services check what is cheap before writing; this is the safety net for
what gets through (a race, a path that forgot). Each app registers a message
per constraint name beside its models; an unknown constraint gets a generic
message that names nothing (a constraint's or table's name is not the
client's business).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import PayloadInvalid, Problem
from .text import Text

GENERIC = Text(
    id="Data ditolak oleh basis data karena bertentangan dengan data yang ada.",
    en="The database refused the data: it conflicts with what is already recorded.",
)
GENERIC_CODE = "constraint_violated"


@dataclass(frozen=True)
class ConstraintMessage:
    message: Text
    field: str | None = None


_REGISTERED: dict[str, ConstraintMessage] = {}
# SQLite names check constraints ("CHECK constraint failed: name"); PostgreSQL
# quotes the name ('violates check constraint "name"').
_NAMED = re.compile(r'constraint(?: failed:)? "?([A-Za-z0-9_]+)"?')


def constraint_message_register(name: str, message: Text, *, field: str | None = None) -> None:
    _REGISTERED[name] = ConstraintMessage(message, field)


def constraint_name(exc: Exception) -> str | None:
    """The constraint a database refusal names: the driver's own field first, then its text."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return name
    text = str(exc)
    for found in _NAMED.findall(text):
        if found in _REGISTERED:
            return found
    # A registered name anywhere in the text (drivers word it differently).
    return next((n for n in _REGISTERED if re.search(rf"\b{re.escape(n)}\b", text)), None)


def integrity_refusal(exc: Exception) -> PayloadInvalid:
    name = constraint_name(exc)
    known = _REGISTERED.get(name) if name else None
    if known is None:
        error = PayloadInvalid(GENERIC, [Problem(code=GENERIC_CODE, message=GENERIC)])
        error.code = GENERIC_CODE
        return error
    error = PayloadInvalid(known.message, [Problem(name, known.message, known.field)])
    error.code = name
    return error
