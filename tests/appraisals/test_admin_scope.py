"""The admin, for an HR administrator who is staff, keeps to their scope at both ends.

Supervisor relations are written in the admin (acting assignments are read-only
there since issue #14: HR's page and the API appoint them): an HR admin of Dinas
Pendidikan must neither see another unit's rows nor point one of theirs at an
employee of another unit (issue #13, item 7).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from appraisals.models import ActingAssignment, SupervisorRelation

from ..factories import UserFactory, assign_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_hr(org, client):
    user = UserFactory(username="hr_disdik_staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="appraisals"))
    assign_role(user, "hr_admin", org.dinas)
    client.force_login(user)
    return user


def test_lists_show_only_the_admin_s_units(org, client, staff_hr):
    page = client.get("/admin/appraisals/employee/").content.decode()
    assert org.employee.nip in page and org.outsider.nip not in page
    assert client.get(f"/admin/appraisals/employee/{org.outsider.pk}/change/").status_code == 302


def test_acting_assignments_are_read_only_in_the_admin(org, client, staff_hr):
    """Appointed on HR's page or the API, whose service moves the open appraisals (#14)."""
    body = {
        "substitute": org.head.pk,
        "replaces": org.appraiser.pk,
        "kind": "plt",
        "valid_from": "2026-03-01",
    }
    r = client.post("/admin/appraisals/actingassignment/add/", body)
    assert r.status_code == 403
    assert not ActingAssignment.objects.exists()
    assert client.get("/admin/appraisals/actingassignment/").status_code == 200


def test_a_supervisor_relation_cannot_point_outside_the_scope(org, client, staff_hr):
    before = SupervisorRelation.objects.count()
    body = {
        "employee": org.employee.pk,
        "supervisor": org.other_appraiser.pk,
        "valid_from": "2026-03-01",
    }
    r = client.post("/admin/appraisals/supervisorrelation/add/", body)
    assert r.status_code == 200 and SupervisorRelation.objects.count() == before


def test_a_superuser_sees_everything(org, client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get("/admin/appraisals/employee/").content.decode()
    assert org.employee.nip in page and org.outsider.nip in page
