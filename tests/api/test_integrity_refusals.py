"""A database refusal (a named constraint) answers 400 in the bilingual shape, never 500.

Issue #13, item 8: an employee as their own supervisor rolled back correctly
but answered 500. The services check what is cheap before writing; the one
exception handler maps any IntegrityError that still gets through.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.test import RequestFactory
from django.utils import timezone, translation

from appraisals.models import SupervisorRelation
from workflow.api.errors import exception_handler
from workflow.constraints import integrity_refusal

pytestmark = pytest.mark.django_db


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def test_own_supervisor_is_a_400_field_problem(org, api):
    before = SupervisorRelation.objects.count()
    r = api(org.users["hr_admin"]).post(
        f"/api/employees/{org.employee.pk}/supervisor/",
        {"supervisor": org.employee.pk, "effective": _yesterday()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400, r.content
    body = r.json()
    assert set(body) >= {"code", "detail", "messages", "problems"}
    assert body["messages"]["id"] and body["messages"]["en"]
    assert [p["field"] for p in body["problems"]] == ["supervisor"]
    assert body["problems"][0]["code"] == "supervisor_not_self"
    assert SupervisorRelation.objects.count() == before


def _integrity(message: str) -> IntegrityError:
    return IntegrityError(message)


@pytest.mark.parametrize(
    "message",
    [
        "CHECK constraint failed: supervisor_not_self",  # SQLite
        'new row for relation "appraisals_supervisorrelation" violates check constraint '
        '"supervisor_not_self"',  # PostgreSQL
    ],
)
def test_a_named_constraint_gets_its_own_message(message):
    request = RequestFactory().post("/api/x/")
    response = exception_handler(_integrity(message), {"request": request})
    assert response.status_code == 400
    assert response.data["code"] == "supervisor_not_self"
    assert "sendiri" in response.data["messages"]["id"]
    assert "own supervisor" in response.data["messages"]["en"]


def test_an_unknown_constraint_gets_a_generic_message_that_names_nothing():
    request = RequestFactory().post("/api/x/")
    exc = _integrity('duplicate key value violates unique constraint "secret_table_key"')
    response = exception_handler(exc, {"request": request})
    assert response.status_code == 400
    assert response.data["code"] == "constraint_violated"
    assert "secret_table_key" not in str(response.data)
    assert response.data["messages"]["id"] and response.data["messages"]["en"]


def test_the_mapping_prefers_the_driver_s_constraint_name():
    class Diag:
        constraint_name = "supervisor_not_self"

    class Cause(Exception):
        diag = Diag()

    exc = IntegrityError("something unrelated")
    exc.__cause__ = Cause()
    assert integrity_refusal(exc).problems[0].code == "supervisor_not_self"


def test_a_web_page_answers_400_not_500(org, rf):
    """The pages' middleware maps it too (a page that lets an IntegrityError through)."""
    from workflow.web.errors import WorkflowErrorPages

    request = rf.post("/hr/cycles/")
    request.user = org.users["hr_admin"]
    exc = IntegrityError("CHECK constraint failed: supervisor_not_self")
    with translation.override("id"):  # LocaleMiddleware's part in a real request
        response = WorkflowErrorPages(lambda r: None).process_exception(request, exc)
    assert response is not None and response.status_code == 400
    assert "sendiri" in response.content.decode()


def test_every_named_constraint_of_the_domain_has_its_message():
    from django.apps import apps

    from appraisals.constraints import MESSAGES

    named = {
        c.name for m in apps.get_app_config("appraisals").get_models() for c in m._meta.constraints
    }
    assert named <= set(MESSAGES)


def test_the_constraint_itself_still_refuses_when_the_service_is_bypassed(org):
    """The safety net stays: the check before writing does not replace the constraint."""
    from django.db import transaction

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        SupervisorRelation.objects.create(
            employee=org.employee, supervisor=org.employee, valid_from=timezone.localdate()
        )
    # And what this database says is recognised (SQLite's text, PostgreSQL's diag).
    refusal = integrity_refusal(caught.value)
    assert refusal.code == "supervisor_not_self" and refusal.problems[0].field == "supervisor"
