"""From an audience (rules.py) to users, their language and their channels.

One `Resolver` serves one relay batch and caches what it looked up, so a
batch of events costs a handful of queries, not a few per event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from appraisals.models import Employee, RoleAssignment, Unit

from .models import Message, Preference


@dataclass(frozen=True)
class Recipient:
    user_id: int
    language: str
    channels: tuple[str, ...]


def ancestor_paths(path: str) -> list[str]:
    """'/1/4/9/' -> ['/1/', '/1/4/', '/1/4/9/']: the units whose subtree holds it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class Resolver:
    def __init__(self) -> None:
        self._unit_paths: dict[int, str] = {}
        self._employee_users: dict[int, int | None] = {}
        self._role_users: dict[tuple[str, str], list[int]] = {}
        self._users: dict[int, tuple[bool, bool]] = {}  # id -> (active, has e-mail)
        self._prefs: dict[int, Preference | None] = {}

    def unit_path(self, unit_id: int | None) -> str:
        if unit_id is None:
            return ""
        if unit_id not in self._unit_paths:
            self._unit_paths[unit_id] = (
                Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
            )
        return self._unit_paths[unit_id]

    def employee_users(self, employee_ids: list[int]) -> dict[int, int | None]:
        missing = [e for e in employee_ids if e not in self._employee_users]
        if missing:
            found = dict(
                Employee.objects.filter(pk__in=missing, active=True).values_list("id", "user_id")
            )
            for employee_id in missing:
                self._employee_users[employee_id] = found.get(employee_id)
        return {e: self._employee_users[e] for e in employee_ids}

    def role_users(self, role: str, unit_path: str) -> list[int]:
        key = (role, unit_path)
        if key not in self._role_users:
            today = timezone.localdate()
            self._role_users[key] = sorted(
                set(
                    RoleAssignment.objects.filter(
                        role=role, unit__path__in=ancestor_paths(unit_path), valid_from__lte=today
                    )
                    .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
                    .values_list("user_id", flat=True)
                )
            )
        return self._role_users[key]

    def users(self, specs, *, unit_path: str, exclude: int | None = None) -> list[int]:
        """User ids for an audience, in order, without duplicates or `exclude`."""
        out: list[int] = []
        employees = [value for kind, value in specs if kind == "employee"]
        by_employee = self.employee_users(employees) if employees else {}
        for kind, value in specs:
            found = [by_employee.get(value)] if kind == "employee" else []
            if kind == "user":
                found = [value]
            elif kind == "role":
                found = self.role_users(value, unit_path) if unit_path else []
            for user_id in found:
                if user_id is not None and user_id != exclude and user_id not in out:
                    out.append(user_id)
        return out

    def recipients(self, user_ids: list[int]) -> list[Recipient]:
        self._load(user_ids)
        out = []
        for user_id in user_ids:
            active, has_email = self._users.get(user_id, (False, False))
            if not active:
                continue
            pref = self._prefs.get(user_id)
            language = pref.language if pref else settings.LANGUAGE_CODE
            channels = []
            if pref is None or pref.inbox:
                channels.append(Message.Channel.INBOX)
            if has_email and (pref is None or pref.email):
                channels.append(Message.Channel.EMAIL)
            out.append(Recipient(user_id, language, tuple(channels)))
        return out

    def _load(self, user_ids: list[int]) -> None:
        missing = [u for u in user_ids if u not in self._users]
        if not missing:
            return
        for user_id, active, email in (
            get_user_model().objects.filter(pk__in=missing).values_list("id", "is_active", "email")
        ):
            self._users[user_id] = (active, bool(email))
        prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=missing)}
        for user_id in missing:
            self._prefs[user_id] = prefs.get(user_id)
