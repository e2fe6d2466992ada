"""Peer feedback (umpan balik 360°): requested by the appraiser, anonymous to the employee.

The appraiser asks peers of the employee for feedback while the plan is being
carried out or the self-assessment is read; each peer answers once. The
employee sees the texts but never who wrote them — not in the feedback list
and not in the appraisal's history. So the appraisal's own audit chain only
learns *that* feedback was requested or received (counts, no peer, and the
receipt is recorded under the system actor), while each PeerFeedback row
carries its own chain naming the peer, readable by inspectors.
"""

from __future__ import annotations

from django.utils import timezone

from workflow import services as engine
from workflow.actors import system_actor
from workflow.errors import ActionForbidden, NotFound, PayloadInvalid, Problem, StateConflict
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..models import Appraisal, Employee, PeerFeedback
from ..policies import appraisal_roles, profile_of
from ..selectors.feedback import OPEN_STATES, REQUEST_NOT_FOUND

ONLY_APPRAISER = Text(
    id="Hanya pejabat penilai kinerja yang dapat meminta umpan balik rekan kerja.",
    en="Only the appraiser can request peer feedback.",
)
NOT_OPEN = Text(
    id="Umpan balik rekan kerja hanya selama pelaksanaan SKP atau penilaian mandiri.",
    en="Peer feedback is only possible while the plan is in progress or self-assessed.",
)
PEERS_EMPTY = Text(id="Pilih minimal satu rekan kerja.", en="Choose at least one peer.")
PEER_PROBLEMS = {
    "peer_unknown": Text(
        id="Pegawai {peer} tidak ditemukan atau tidak aktif.",
        en="Employee {peer} does not exist or is not active.",
    ),
    "peer_is_employee": Text(
        id="Pegawai yang dinilai tidak dapat menjadi rekan penilai dirinya sendiri.",
        en="The appraised employee cannot be their own peer.",
    ),
    "peer_is_appraiser": Text(
        id="Pejabat penilai kinerja tidak dapat menjadi rekan kerja pemberi umpan balik.",
        en="The appraiser cannot be a peer giving feedback.",
    ),
    "peer_no_account": Text(
        id="Pegawai {peer} belum memiliki akun untuk memberi umpan balik.",
        en="Employee {peer} has no account to give feedback with.",
    ),
}
ALREADY_SUBMITTED = Text(
    id="Umpan balik ini sudah dikirim dan tidak dapat diubah.",
    en="This feedback was already submitted and cannot be changed.",
)
TEXT_EMPTY = Text(id="Isi umpan balik wajib diisi.", en="The feedback text is required.")


def _peer_problem(code: str, index: int, peer_id) -> Problem:
    return Problem(code, PEER_PROBLEMS[code].format(peer=peer_id), f"peers[{index}]")


def _peers_checked(appraisal: Appraisal, peer_ids: list[int]) -> list[Employee]:
    found = Employee.objects.select_related("unit").in_bulk(set(peer_ids))
    instansi_path = appraisal.cycle.instansi.path
    problems, peers, seen = [], [], set()
    for index, peer_id in enumerate(peer_ids):
        peer = found.get(peer_id)
        # Someone outside the cycle's instansi is "unknown": no probing other agencies.
        if peer is None or not peer.active or not peer.unit.path.startswith(instansi_path):
            problems.append(_peer_problem("peer_unknown", index, peer_id))
        elif peer.pk == appraisal.employee_id:
            problems.append(_peer_problem("peer_is_employee", index, peer_id))
        elif peer.pk == appraisal.appraiser_id:
            problems.append(_peer_problem("peer_is_appraiser", index, peer_id))
        elif peer.user_id is None:
            problems.append(_peer_problem("peer_no_account", index, peer_id))
        elif peer.pk not in seen:
            seen.add(peer.pk)
            peers.append(peer)
    if problems:
        raise PayloadInvalid(problems[0].message, problems)
    if not peers:
        raise PayloadInvalid(PEERS_EMPTY, [Problem("required", PEERS_EMPTY, "peers")])
    return peers


def peer_feedback_request(
    *, appraisal: Appraisal, actor, peers: list[int], expected_version: int | None = None
) -> None:
    """Ask `peers` (employee ids) for feedback; peers already asked are left as they are."""
    action = "peer_feedback.requested"

    def apply(locked: Appraisal):
        if "appraiser" not in appraisal_roles(locked, actor):
            raise ActionForbidden(ONLY_APPRAISER)
        if locked.state not in OPEN_STATES:
            raise StateConflict(NOT_OPEN)
        chosen = _peers_checked(locked, peers)
        asked = set(locked.peer_feedback.values_list("peer_id", flat=True))
        before = len(asked)
        now = timezone.now()
        for peer in chosen:
            if peer.pk in asked:
                continue
            row = PeerFeedback(appraisal=locked, peer=peer, requested_by=actor, requested_at=now)
            attribute(row, actor=actor, reason=action)
            row.save()
            asked.add(peer.pk)
            # Who was asked lives on the request's own chain, not the appraisal's.
            audit_record(
                row,
                locked=row,  # inserted by this transaction
                actor=actor,
                action=action,
                changes={"appraisal_id": [None, locked.pk], "peer_id": [None, peer.pk]},
                at=now,
                scope=locked.unit.path,
            )
        changes = {"peer_feedback.requested": [before, len(asked)]} if len(asked) > before else {}
        return None, changes

    engine.change(
        appraisal, actor=actor, action=action, apply=apply, expected_version=expected_version
    )


def peer_feedback_submit(*, request: PeerFeedback, actor, text: str) -> PeerFeedback:
    text = text.strip()
    if profile_of(actor).employee_id != request.peer_id:
        raise NotFound(REQUEST_NOT_FOUND)

    def apply(locked: Appraisal):
        row = PeerFeedback.objects.select_for_update().get(pk=request.pk, appraisal=locked)
        if row.submitted_at is not None:
            raise StateConflict(ALREADY_SUBMITTED)
        if locked.state not in OPEN_STATES:
            raise StateConflict(NOT_OPEN)
        if not text:
            raise PayloadInvalid(TEXT_EMPTY, [Problem("required", TEXT_EMPTY, "text")])
        row.text, row.submitted_at = text, timezone.now()
        attribute(row, actor=actor, reason="peer_feedback.submitted")
        row.save(update_fields=["text", "submitted_at"])
        audit_record(
            row,
            locked=row,  # locked above
            actor=actor,
            action="peer_feedback.submitted",
            changes={"text": [None, text]},
            at=row.submitted_at,
            scope=locked.unit.path,
        )
        received = locked.peer_feedback.filter(submitted_at__isnull=False).count()
        return row, {"peer_feedback.received": [received - 1, received]}

    # The appraisal's chain (which the employee reads) records the receipt under
    # the system actor: the peer's name there would undo the anonymity.
    _, row = engine.change(
        request.appraisal, actor=system_actor(), action="peer_feedback.received", apply=apply
    )
    return row
