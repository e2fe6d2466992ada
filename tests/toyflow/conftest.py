"""A toy's owner and reviewer, a stranger, and a draft toy."""

from __future__ import annotations

import pytest

from ..factories import UserFactory
from .factories import toy_create


@pytest.fixture
def owner(db):
    return UserFactory(username="toy_owner")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="toy_reviewer")


@pytest.fixture
def stranger(db):
    return UserFactory(username="toy_stranger")


@pytest.fixture
def toy(owner, reviewer):
    return toy_create(owner=owner, reviewer=reviewer, title="Mainan kayu")
