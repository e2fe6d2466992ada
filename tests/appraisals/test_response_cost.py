"""A transition's response is built without re-deriving the serializers from the model (#17)."""

from unittest import mock

import pytest
from rest_framework import serializers

from appraisals.api.serializers import (
    AppraisalListSerializer,
    AppraisalSerializer,
    EmployeeBriefSerializer,
    FieldsBuiltOnce,
)

pytestmark = pytest.mark.django_db

BUILT_ONCE = (EmployeeBriefSerializer, AppraisalListSerializer, AppraisalSerializer)


@pytest.mark.parametrize("cls", BUILT_ONCE, ids=lambda c: c.__name__)
def test_the_fields_built_once_are_the_fields_drf_builds(cls):
    assert issubclass(cls, FieldsBuiltOnce)
    first, second = cls(), cls()
    first_fields, second_fields = first.get_fields(), second.get_fields()
    drf = serializers.ModelSerializer.get_fields(cls())
    assert repr(first_fields) == repr(second_fields) == repr(drf)
    # Fresh copies each time: nothing bound to one serializer is seen by another.
    for name, field in first_fields.items():
        assert field is not second_fields[name]


def test_a_second_transition_response_does_not_introspect_the_model(org, api, at_state):
    appraisal = at_state("plan_submitted")
    client = api(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/transitions/return_plan/"
    first = client.post(url, {"reason": "Lengkapi indikator."}, format="json")
    assert first.status_code == 200, first.json()
    employee = api(org.users["employee"])
    with mock.patch.object(
        serializers.ModelSerializer, "build_field", wraps=None, side_effect=AssertionError
    ) as build:
        second = employee.post(
            f"/api/appraisals/{appraisal.pk}/transitions/submit_plan/", {}, format="json"
        )
    assert second.status_code == 200, second.json()
    assert build.call_count == 0
    assert second.json()["employee_detail"]["id"] == appraisal.employee_id
    assert second.json()["state"] == "plan_submitted"


def _discussion_response(org, api, appraisal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..flow import valid_body

    body = valid_body("record_discussion", appraisal)
    url = f"/api/appraisals/{appraisal.pk}/transitions/record_discussion/"
    with CaptureQueriesContext(connection) as ctx:
        r = api(org.users["appraiser"]).post(url, body, format="json")
    assert r.status_code == 200, r.json()
    curve = [q["sql"] for q in ctx.captured_queries if "appraisals_unitpredicate" in q["sql"]]
    return [t["name"] for t in r.json()["available_transitions"]], curve


def test_the_response_asks_no_further_than_the_first_unmet_condition(org, api, at_state):
    """Before the period's end, issuing the result is not offered; the curve is not asked."""
    import datetime as dt

    from appraisals.models import Cycle

    appraisal = at_state("reviewed")
    later = dt.date.today() + dt.timedelta(days=400)
    Cycle.objects.filter(pk=appraisal.cycle_id).update(ends_on=later, issue_early_days=0)
    available, curve = _discussion_response(org, api, appraisal)
    assert "issue_result" not in available
    assert curve == []


def test_once_the_period_ended_the_curve_is_asked_and_the_result_offered(org, api, at_state):
    appraisal = at_state("reviewed")
    available, curve = _discussion_response(org, api, appraisal)
    assert "issue_result" in available
    assert len(curve) == 1
