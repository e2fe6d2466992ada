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

from appraisals.curve import evaluate
from appraisals.models import (
    ActingAssignment,
    AgencyDay,
    Appraisal,
    BehaviourValue,
    BulkJob,
    CurveFlag,
    Indicator,
    PeerFeedback,
)
from appraisals.services.checkins import check_in_record
from appraisals.services.cycles import cycle_open
from appraisals.services.evidence import evidence_add
from appraisals.services.periodic import periodic_evaluation_rate
from appraisals.services.recaps import recap_file_path
from appraisals.services.tokens import api_token_issue
from notifications.models import InboxItem, Message, OutboxEvent
from notifications.models.deadlines import PHASE_STATES
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
    acting: int = 0  # a Plt appointment (expired in 2020, never ended: nothing moves now)
    curve_flag: int = 0  # an appeal decision that broke the side's curve
    agency_day: int = 0  # a joint leave day of the side's instansi


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
    """In progress, with a check-in for period 1, a file as evidence, period 1 rated by the
    appraiser (a periodic evaluation), a peer asked."""
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
    appraisal.refresh_from_db()
    periodic_evaluation_rate(
        appraisal=appraisal,
        actor=users["appraiser"],
        period=1,
        result_rating="meets",
        behaviour_rating="meets",
        feedback="Triwulan I sesuai ekspektasi.",
    )
    request = PeerFeedback.objects.create(
        appraisal=appraisal, peer=peer, requested_by=users["appraiser"], requested_at=timezone.now()
    )
    appraisal.refresh_from_db()
    return appraisal, indicator, evidence.pk, request.pk


def _acting(substitute, replaces) -> int:
    return ActingAssignment.objects.create(
        substitute=substitute,
        replaces=replaces,
        kind="plt",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 12, 31),
    ).pk


def _curve_flag(appraisal, unit, cycle) -> int:
    """As a revised appeal decision raises it (appraisals.effects), here without the walk."""
    return CurveFlag.objects.create(
        appraisal=appraisal,
        unit=unit,
        cycle=cycle,
        predicate_before="butuh_perbaikan",
        predicate_after="baik",
        curve=evaluate(organisation_predicate="baik", counts={"baik": 5}).as_dict(),
        raised_at=timezone.now(),
    ).pk


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
    # HR's own job is a finished recap of the own unit, so that its file can be fetched.
    own_job = BulkJob.objects.create(
        kind=BulkJob.Kind.RECAP,
        cycle=org.cycle,
        requested_by=org.users["hr_admin"],
        status=BulkJob.Status.DONE,
        params={"unit": org.dinas.pk, "format": "csv", "file": "access-world-recap"},
    )
    recap_file_path(own_job).write_bytes(b"NIP;NAMA\r\n")
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
    world.own.agency_day = AgencyDay.objects.create(
        instansi=org.instansi, date=dt.date(2026, 12, 24), name="Cuti bersama Natal"
    ).pk
    world.foreign.agency_day = AgencyDay.objects.create(
        instansi=pemkot, date=dt.date(2026, 12, 24), name="Cuti bersama Natal"
    ).pk
    world.own.toy = toy_create(owner=own_users["employee"], reviewer=own_users["appraiser"]).pk
    world.foreign.toy = toy_create(
        owner=foreign_users["employee"], reviewer=foreign_users["appraiser"]
    ).pk
    pemkot_unit = make_unit("PEMKOT-BAG", "Bagian Umum", "unit_kerja", pemkot)
    world.own.acting = _acting(org.appraiser, org.head)
    world.foreign.acting = _acting(
        EmployeeFactory(unit=pemkot_unit), EmployeeFactory(unit=pemkot_unit)
    )
    world.own.curve_flag = _curve_flag(world.own.appraisal, org.dinas, org.cycle)
    world.foreign.curve_flag = _curve_flag(world.foreign.appraisal, org.other_dinas, org.cycle)
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
    "/api/units/{id}/recap/xlsx/": "cycle={cycle}",
    "/api/units/{id}/recap/csv/": "cycle={cycle}",
    "/api/units/{id}/curve-flags/": "cycle={cycle}",
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
        "agency-days": side.agency_day,
        "toys": side.toy,
        "acting-assignments": side.acting,
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
        "kind": "skp",
        "evidence": side.evidence,
        "request_id": side.peer_request,
        "flag": side.curve_flag,
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
        "/api/appraisals/{id}/periodic-evaluations/": {
            "period": 1,
            "result_rating": "above",
            "behaviour_rating": "meets",
            "feedback": "Triwulan I baik.",
        },
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
        # Every phase named (a PUT's need; a PATCH takes it too), inside the 2026 cycle.
        "/api/cycles/{id}/phase-deadlines/": {
            "plan_fallback_on": "2026-01-13",
            "deadlines": {
                state: {"due_on": "2026-01-31" if state == "plan_submitted" else "2026-01-13"}
                if state in ("draft", "plan_submitted")
                else {"due_on": "2027-01-31"}
                for state, _label in PHASE_STATES
            },
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
        "/api/acting-assignments/": {
            "substitute": org.head.pk,
            "replaces": org.appraiser.pk,
            "kind": "plt",
            "valid_from": yesterday,
            "reason": "Sprint",
        },
        "/api/acting-assignments/{id}/end/": {"reason": "Pejabat definitif kembali"},
        "/api/appraisals/{id}/handover-note/": {"note": "Catatan serah terima"},
        "/api/notifications/preferences/": {"language": "en"},
        "/api/peer-feedback/requests/{request_id}/": {"text": "Rekan kerja yang andal."},
        "/api/units/{id}/predicate/": {"cycle": org.cycle.pk, "predicate": "baik", "reason": "x"},
        "/api/units/{id}/curve-override/": {"cycle": org.cycle.pk, "reason": "Kalibrasi"},
        "/api/units/{id}/curve-flags/{flag}/acknowledge/": {"reason": "Keputusan final."},
        "/api/units/{id}/time-zone/": {"time_zone": "Asia/Makassar"},
        "/api/cycles/{id}/close/": {"reason": "Penilaian selesai."},
        "/api/cycles/{id}/reopen/": {"reason": "Koreksi atas putusan keberatan."},
        "/api/agency-days/": {
            "instansi": side.instansi.pk,
            "date": "2026-12-31",
            "kind": "joint_leave",
            "name": "Cuti bersama",
        },
    }
    if path == "/api/documents/verify/" and method == "POST":
        upload = SimpleUploadedFile("skp.pdf", PDF, content_type="application/pdf")
        return {"file": upload}, "multipart"
    if path == "/api/surveys/import/":
        csv = f"kode_unit,layanan,periode,nilai,responden\n{side.unit.code},PPDB,2026-1,85,120\n"
        upload = SimpleUploadedFile("ikm.csv", csv.encode(), content_type="text/csv")
        return {"file": upload, "cycle": side.cycle.pk}, "multipart"
    if path == "/api/appraisals/{id}/signatures/{kind}/":
        # Not a PDF: an allowed signer is told 400 without any key being needed.
        upload = SimpleUploadedFile("skp.pdf", b"GIF89a", content_type="application/pdf")
        return {"file": upload}, "multipart"
    return bodies.get(path), "json"
