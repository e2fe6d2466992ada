"""The appraisal serializers' own output loop (FieldsBuiltOnce, issue #17) renders the same
bytes as DRF's, in every state, for every reader."""

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from appraisals.api.serializers import (
    AppraisalListSerializer,
    AppraisalSerializer,
    EmployeeBriefSerializer,
)
from appraisals.models import Appraisal
from appraisals.selectors import appraisal_get_visible

pytestmark = pytest.mark.django_db


def _drf(serializer, instance) -> dict:
    """What DRF's Serializer.to_representation gives on this serializer's own fields."""
    return serializers.Serializer.to_representation(serializer, instance)


def _bytes(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.mark.parametrize("state", ["draft", "plan_submitted", "result_issued", "appealed"])
@pytest.mark.parametrize("persona", ["employee", "appraiser", "hr_admin"])
def test_an_appraisal_renders_as_drf_renders_it(org, at_state, state, persona):
    appraisal = at_state(state)
    user = org.users[persona]
    request = APIRequestFactory().get("/")
    request.user = user
    seen = appraisal_get_visible(user=user, pk=appraisal.pk)
    for cls in (AppraisalSerializer, AppraisalListSerializer):
        ours = cls(seen, context={"request": request})
        theirs = cls(seen, context={"request": request})
        assert _bytes(ours.data) == _bytes(_drf(theirs, seen))
    many = AppraisalListSerializer(Appraisal.objects.filter(pk=appraisal.pk), many=True)
    assert _bytes(many.data) == _bytes([_drf(AppraisalListSerializer(seen), seen)])


def test_a_missing_person_renders_as_null(org, appraisal):
    Appraisal.objects.filter(pk=appraisal.pk).update(appraiser=None)
    appraisal.refresh_from_db()
    request = APIRequestFactory().get("/")
    request.user = org.users["hr_admin"]
    data = AppraisalSerializer(appraisal, context={"request": request}).data
    assert data["appraiser"] is None and data["appraiser_detail"] is None
    theirs = _drf(AppraisalSerializer(appraisal, context={"request": request}), appraisal)
    assert _bytes(data) == _bytes(theirs)
    assert EmployeeBriefSerializer(appraisal.employee).data == {
        "id": appraisal.employee.pk,
        "nip": appraisal.employee.nip,
        "name": appraisal.employee.name,
    }
