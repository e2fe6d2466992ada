"""Writes on the inbox and on a user's preferences."""

from __future__ import annotations

from django.utils import timezone

from .models import InboxItem, Preference
from .selectors import inbox_get


def inbox_item_mark_read(*, user, pk) -> InboxItem:
    item = inbox_get(user=user, pk=pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return item


def inbox_mark_all_read(*, user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_get(*, user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def preference_update(*, user, **changes) -> Preference:
    preference, _created = Preference.objects.get_or_create(user=user)
    fields = [name for name in ("language", "inbox", "email") if name in changes]
    for name in fields:
        setattr(preference, name, changes[name])
    if fields:
        preference.save(update_fields=fields)
    return preference
