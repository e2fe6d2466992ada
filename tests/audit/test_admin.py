"""No admin page offers to add, edit, delete or revert history or audit records."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from audit.admin import HistoryAdmin
from audit.guards import historical_models
from audit.models import AuditEvent, Checkpoint, ReadAccess

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_no_history_model_is_registered_and_audit_models_are_read_only(rf):
    from django.apps import apps

    request = rf.get("/")
    request.user = UserFactory(username="root2", is_staff=True, is_superuser=True)
    registered = admin.site._registry
    assert not set(historical_models(apps)) & set(registered)
    for model in (AuditEvent, Checkpoint, ReadAccess):
        model_admin = registered[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.get_actions(request)
    tracked = [m for m in registered if hasattr(m, "history")]
    assert tracked and all(isinstance(registered[m], HistoryAdmin) for m in tracked)


def test_history_pages_are_read_only(org, at_state, superuser_client):
    appraisal = at_state("plan_submitted")
    unit = org.dinas
    history = appraisal.history.order_by("history_id").first()
    assert (
        superuser_client.get(f"/admin/appraisals/appraisal/{appraisal.pk}/history/").status_code
        == 200
    )
    unit_history = unit.history.order_by("history_id").first()
    page = f"/admin/appraisals/unit/{unit.pk}/history/{unit_history.history_id}/"
    shown = superuser_client.get(page)
    assert shown.status_code == 200 and b"Revert" not in shown.content
    before = (unit.history.count(), unit.name)
    reverted = superuser_client.post(
        page, {"code": unit.code, "name": "Dikembalikan", "kind": unit.kind}
    )
    assert reverted.status_code == 403
    unit.refresh_from_db()
    assert (unit.history.count(), unit.name) == before
    page = f"/admin/appraisals/appraisal/{appraisal.pk}/history/{history.history_id}/"
    assert superuser_client.post(page, {}).status_code == 403


def test_admin_changes_are_attributed(org, superuser_client):
    unit = org.dinas
    r = superuser_client.post(
        f"/admin/appraisals/unit/{unit.pk}/change/",
        {"code": unit.code, "name": "Dinas Pendidikan dan Kebudayaan", "kind": unit.kind,
         "parent": org.instansi.pk},
    )  # fmt: skip
    assert r.status_code == 302, r.content[:500]
    latest = unit.history.order_by("-history_id").first()
    assert latest.history_user.username == "root"
    assert latest.history_change_reason == "admin.changed"
