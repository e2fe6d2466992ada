"""What the audit app asks the domain, through settings (it never imports the domain).

Each hook is a dotted path in settings; a missing or broken hook degrades to
the safe answer (deny, nothing in scope, feature unavailable) and is logged
once, never a crash.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("kinerja.audit")


@cache
def _load(path: str):
    try:
        return import_string(path)
    except ImportError:
        logger.warning("audit hook %s is missing", path)
        return None


def hook(setting: str):
    path = getattr(settings, setting, "")
    return _load(path) if path else None


def is_inspector(user) -> bool:
    check = hook("AUDIT_INSPECTOR_CHECK")
    return bool(check is not None and user is not None and user.is_authenticated and check(user))


def inspector_scopes(user) -> list[str]:
    """Unit paths under which `user` inspects; nothing if the domain cannot say."""
    scopes = hook("AUDIT_INSPECTOR_SCOPES")
    if scopes is None:
        return []
    return [p for p in scopes(user) if p]


def unit_path(unit_id) -> str | None:
    resolve = hook("AUDIT_UNIT_PATH")
    return resolve(unit_id) if resolve is not None else None


def unit_cycle_subjects(unit_id, cycle_id) -> list[str] | None:
    """Subjects ("app_label.model:id") of one unit-cycle; None if the domain cannot say."""
    resolve = hook("AUDIT_UNIT_CYCLE_SUBJECTS")
    return list(resolve(unit_id, cycle_id)) if resolve is not None else None


def in_scope(scope: str, scopes: list[str]) -> bool:
    return any(scope.startswith(path) for path in scopes)
