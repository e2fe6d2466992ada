"""Helpers shared by the check-in and evidence tests."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisals.models import Indicator
from audit.models import AuditEvent

DATA = Path(__file__).parent / "data"
PDF = (DATA / "bukti.pdf").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(appraisal, tail=""):
    return f"/api/appraisals/{appraisal.pk}/check-ins/{tail}"


def indicator(appraisal) -> Indicator:
    return Indicator.objects.filter(item__appraisal=appraisal).first()


def body(appraisal, period=1, realisation="3 sekolah terakreditasi", note="Triwulan I"):
    return {
        "period": period,
        "note": note,
        "entries": [{"indicator": indicator(appraisal).pk, "realisation": realisation}],
    }


def actions(appraisal) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="appraisals.appraisal", subject_id=str(appraisal.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def running(at_state):
    return at_state("in_progress")


@pytest.fixture
def check_in(org, running, api):
    r = api(org.users["employee"]).post(url(running), body(running), format="json")
    assert r.status_code == 201, r.json()
    return running


def upload(client, appraisal, content, name, content_type="application/pdf", period=1, **extra):
    return client.post(
        url(appraisal, f"{period}/evidence/"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), **extra},
        format="multipart",
    )
