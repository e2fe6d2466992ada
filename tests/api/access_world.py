"""The objects the access matrix points at: an "own" and a "foreign" one of each kind.

"Own" lives in the fixture organisation's Dinas Pendidikan (the `employee`'s
side, where a `colleague` of the same unit and appraiser has an appraisal of their own);
"foreign" in Dinas Kesehatan (the `outsider`'s side) or, for cycles and
jobs, in another instansi where no persona holds a role. Both appraisals are
`in_progress` with a result item, a check-in with a file as evidence and a
peer-feedback request, so every sub-resource exists on both sides.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisals.models import Appraisal, BehaviourValue, BulkJob, Indicator, PeerFeedback
from appraisals.services.checkins import check_in_record
from appraisals.services.cycles import cycle_open
from appraisals.services.evidence import evidence_add
from appraisals.services.tokens import api_token_issue
from notifications.models import InboxItem, Message, OutboxEvent
from workflow.actors import system_actor

from ..appraisals.checking import PDF
from ..factories import EmployeeFactory, UserFactory, make_cycle, make_unit, supervise
from ..flow import advance, valid_body
from ..toyflow.factories import toy_create

# The placeholders of the schema's paths, as drf-spectacular names them.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class Side:
    appraisal: Appraisal
    indicator: Indicator
    evidence: int
    peer_request: int
    unit: object
    employee: object
    cycle: object
    instansi: object
    job: int
    toy: int = 0  # the test-only lifecycle's object (tests/toyflow)


@dataclass
class World:
    org: object
    own: Side
    foreign: Side
    inbox: dict = field(default_factory=dict)  # username -> the caller's own inbox item
    stranger_item: int = 0  # an inbox item of a user who is no persona
    tokens: dict = field(default_factory=dict)  # username -> the caller's own API token id
    stranger_token: int = 0  # an API token of a user who is no persona


def _inbox_item(user) -> int:
    event = OutboxEvent.objects.create(kind="test.matrix")
    message = Message.objects.create(event=event, recipient=user, channel="inbox")
    return InboxItem.objects.create(
        message=message, user=user, kind="test.matrix", subject="s", body="b"
    ).pk


def _running(appraisal: Appraisal, users: dict, peer) -> tuple[Appraisal, Indicator, int, int]:
    """In progress, with a check-in for period 1, a file as evidence, a peer asked."""
    appraisal = advance(appraisal, "in_progress", users=users)
    indicator = Indicator.objects.filter(item__appraisal=appraisal).first()
    check_in_record(
        appraisal=appraisal,
        actor=users["employee"],
        period=1,
        note="Triwulan I",
        entries=[{"indicator": indicator.pk, "realisation": "3 sekolah"}],
    )
    appraisal.refresh_from_db()
    evidence = evidence_add(
        appraisal=appraisal,
        actor=users["employee"],
        period=1,
        upload=SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf"),
        name="Bukti",
    )
    request = PeerFeedback.objects.create(
        appraisal=appraisal, peer=peer, requested_by=users["appraiser"], requested_at=timezone.now()
    )
    appraisal.refresh_from_db()
    return appraisal, indicator, evidence.pk, request.pk


def add_colleague(org):
    """A colleague of the employee: same unit, same appraiser, no role towards the employee."""
    colleague = EmployeeFactory(
        unit=org.dinas, name="Staf Pendidikan Dua", user__username="colleague"
    )
    supervise(colleague, org.appraiser)
    org.users["colleague"] = colleague.user
    return colleague


def build_world(org) -> World:
    colleague = add_colleague(org)
    cycle_open(
        cycle=org.cycle, actor=system_actor(), employees=[org.employee, org.outsider, colleague]
    )
    own_users = dict(org.users)
    foreign_users = {
        **org.users,
        "employee": org.users["outsider"],
        "appraiser": org.users["other_appraiser"],
    }
    own, own_ind, own_ev, own_req = _running(
        Appraisal.objects.get(employee=org.employee), own_users, peer=org.head
    )
    foreign, for_ind, for_ev, for_req = _running(
        Appraisal.objects.get(employee=org.outsider), foreign_users, peer=org.appraiser
    )
    # Another instansi: its cycle and its job belong to nobody in the matrix.
    pemkot = make_unit("PEMKOT", "Pemerintah Kota Sabang", "instansi")
    other_cycle = make_cycle(pemkot, year=2026)
    stranger = UserFactory(username="stranger")
    own_job = BulkJob.objects.create(
        kind=BulkJob.Kind.CYCLE_OPEN, cycle=org.cycle, requested_by=org.users["hr_admin"]
    )
    foreign_job = BulkJob.objects.create(
        kind=BulkJob.Kind.CYCLE_OPEN, cycle=other_cycle, requested_by=stranger
    )
    world = World(
        org=org,
        own=Side(
            own,
            own_ind,
            own_ev,
            own_req,
            org.dinas,
            org.employee,
            org.cycle,
            org.instansi,
            own_job.pk,
        ),
        foreign=Side(
            foreign,
            for_ind,
            for_ev,
            for_req,
            org.other_dinas,
            org.outsider,
            other_cycle,
            pemkot,
            foreign_job.pk,
        ),
    )
    world.own.toy = toy_create(owner=own_users["employee"], reviewer=own_users["appraiser"]).pk
    world.foreign.toy = toy_create(
        owner=foreign_users["employee"], reviewer=foreign_users["appraiser"]
    ).pk
    world.inbox = {name: _inbox_item(user) for name, user in org.users.items()}
    world.stranger_item = _inbox_item(stranger)
    world.tokens = {name: api_token_issue(user=user)[0].pk for name, user in org.users.items()}
    world.stranger_token = api_token_issue(user=stranger)[0].pk
    return world


# --- Requests --------------------------------------------------------------------------

TRANSITION = "submit_self_assessment"  # the one an in-progress appraisal's employee may fire
TOY_TRANSITION = "submit"  # the one a draft toy's owner may fire
QUERIES = {
    "/api/units/{id}/calibration/": "cycle={cycle}",
    "/api/audit/bundle/": "subject=appraisals.appraisal:{appraisal}",
    "/api/workflows/{name}/diagram/": "format=mermaid",
    "/api/documents/verify/": "code=AAAAA-AAAAA",
}


def _ids(world: World, which: str, persona: str) -> dict:
    side = getattr(world, which)
    return {
        "appraisals": side.appraisal.pk,
        "units": side.unit.pk,
        "employees": side.employee.pk,
        "cycles": side.cycle.pk,
        "jobs": side.job,
        "toys": side.toy,
        "auth": (
            world.tokens.get(persona, world.stranger_token)
            if which == "own"
            else world.stranger_token
        ),
        "notifications": (
            world.inbox.get(persona, world.stranger_item) if which == "own" else world.stranger_item
        ),
    }


def url_for(world: World, path: str, which: str, persona: str) -> str:
    side = getattr(world, which)
    ids = _ids(world, which, persona)
    resource = path.split("/")[2]
    values = {
        "id": ids.get(resource),
        "item": side.appraisal.plan_items.values_list("pk", flat=True).first(),
        "period": 1,
        "evidence": side.evidence,
        "request_id": side.peer_request,
        "name": {"appraisals": TRANSITION, "toys": TOY_TRANSITION}.get(resource, "appraisal"),
    }
    url = _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), path)
    query = QUERIES.get(path)
    if query:
        url += "?" + query.format(cycle=world.org.cycle.pk, appraisal=side.appraisal.pk)
    return url


def body_for(world: World, method: str, path: str, which: str, persona: str) -> tuple:
    """A body the allowed caller could send: refusals then are about who, not what."""
    org, side = world.org, getattr(world, which)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    indicator = {"name": "Sekolah terakreditasi", "aspect": "quantity", "target": "12"}
    bodies = {
        "/api/auth/token/": {"username": persona, "password": "rahasia-123"},
        "/api/appraisals/{id}/annex/": {"resources": "Anggaran", "accountability": "Kepala"},
        "/api/appraisals/{id}/behaviour-expectations/": {
            "expectations": [{"value": v, "expectation": "Ekspektasi"} for v in BehaviourValue]
        },
        "/api/appraisals/{id}/check-ins/": {
            "period": 2,
            "note": "Triwulan II",
            "entries": [{"indicator": side.indicator.pk, "realisation": "5 sekolah"}],
        },
        "/api/appraisals/{id}/check-ins/{period}/evidence/": {
            "kind": "link",
            "url": "https://example.go.id/bukti",
            "name": "Tautan",
        },
        "/api/appraisals/{id}/check-ins/{period}/feedback/": {"feedback": "Lanjutkan."},
        "/api/appraisals/{id}/peer-feedback/": {"peers": [org.head.pk]},
        "/api/appraisals/{id}/plan-items/": {"result": "Hasil baru", "indicators": [indicator]},
        "/api/appraisals/{id}/plan-items/{item}/": {"result": "Hasil diubah"},
        "/api/appraisals/{id}/transitions/{name}/": valid_body(TRANSITION, side.appraisal),
        "/api/toys/{id}/transitions/{name}/": {"reason": "Siap"},
        "/api/cycles/": {
            "name": "Siklus 2027",
            "instansi": side.instansi.pk,
            "year": 2027,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
        },
        "/api/employees/{id}/supervisor/": {
            "supervisor": org.head.pk,
            "effective": yesterday,
            "reason": "Reorganisasi",
        },
        "/api/employees/{id}/transfer/": {
            "unit": (org.other_dinas if which == "own" else org.dinas).pk,
            "supervisor": org.head.pk,
            "effective": yesterday,
            "reason": "Mutasi",
        },
        "/api/employees/{id}/leave/": {"kind": "retired", "effective": yesterday},
        "/api/notifications/preferences/": {"language": "en"},
        "/api/peer-feedback/requests/{request_id}/": {"text": "Rekan kerja yang andal."},
        "/api/units/{id}/predicate/": {"cycle": org.cycle.pk, "predicate": "baik", "reason": "x"},
        "/api/units/{id}/curve-override/": {"cycle": org.cycle.pk, "reason": "Kalibrasi"},
    }
    if path == "/api/documents/verify/" and method == "POST":
        upload = SimpleUploadedFile("skp.pdf", PDF, content_type="application/pdf")
        return {"file": upload}, "multipart"
    if path == "/api/surveys/import/":
        csv = f"kode_unit,layanan,periode,nilai,responden\n{side.unit.code},PPDB,2026-1,85,120\n"
        upload = SimpleUploadedFile("ikm.csv", csv.encode(), content_type="text/csv")
        return {"file": upload, "cycle": side.cycle.pk}, "multipart"
    return bodies.get(path), "json"
