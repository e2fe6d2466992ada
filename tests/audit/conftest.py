"""Audit test helpers: a second appraisal in another unit, and sealing."""

from __future__ import annotations

import os

import pytest

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from workflow.actors import system_actor

from ..flow import advance


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """KINERJA_AUDIT_PARTITIONED=1: the audit family runs on a time-partitioned event table."""
    if os.environ.get("KINERJA_AUDIT_PARTITIONED") == "1":
        from django.db import connection

        from audit.partition import partition

        with django_db_blocker.unblock():
            if connection.vendor == "postgresql":
                partition(interval="year", ahead=2)


@pytest.fixture
def other_appraisal(org):
    """The outsider's appraisal, in Dinas Kesehatan (another unit than the fixture's)."""
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    return Appraisal.objects.get(cycle=org.cycle, employee=org.outsider)


@pytest.fixture
def other_users(org):
    return {**org.users, "employee": org.outsider.user, "appraiser": org.other_appraiser.user}


@pytest.fixture
def histories(org, appraisal, other_appraisal, other_users):
    """Two appraisals with a few events each, in two units."""
    first = advance(appraisal, "in_progress", users=org.users)
    second = advance(other_appraisal, "plan_submitted", users=other_users)
    return first, second
