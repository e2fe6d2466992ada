"""Personal data (NIP, e-mail, name) never appears in log lines or Celery message payloads."""

import logging

import pytest
from celery.app.task import Task

from appraisals.models import Employee

from ..flow import ACTOR, PATHS, add_plan_item, set_expectations, valid_body

pytestmark = pytest.mark.django_db

SENTINEL_NIP = "199912312025129999"
SENTINEL_EMAIL = "sentinel.pribadi@contoh.go.id"
SENTINEL_NAME = "Sentinelia Rahasiawati"


def test_a_whole_lifecycle_leaks_nothing(
    org, appraisal, api, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    Employee.objects.filter(pk=org.employee.pk).update(nip=SENTINEL_NIP, name=SENTINEL_NAME)
    user = org.users["employee"]
    user.email, user.first_name = SENTINEL_EMAIL, SENTINEL_NAME
    user.save()
    sent: list[tuple] = []
    original = Task.apply_async

    def recording(self, args=None, kwargs=None, *rest, **options):
        sent.append((self.name, args, kwargs))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recording)
    caplog.set_level(logging.DEBUG)
    add_plan_item(appraisal, user)
    for name in PATHS["decided"]:
        appraisal.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            r = api(org.users[ACTOR[name]]).post(
                f"/api/appraisals/{appraisal.pk}/transitions/{name}/",
                valid_body(name, appraisal),
                format="json",
            )
        assert r.status_code == 200, (name, r.json())
        if name == "submit_plan":
            set_expectations(appraisal, org.users["appraiser"])
        # A refused attempt is logged too: it must not carry the person either.
        api(org.users["outsider"]).get(f"/api/appraisals/{appraisal.pk}/?nip={SENTINEL_NIP}")

    assert sent, "the lifecycle should have queued notification work"
    payloads = repr(sent)
    logs = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in (SENTINEL_NIP, SENTINEL_EMAIL, SENTINEL_NAME):
        assert secret not in payloads
        assert secret not in logs
