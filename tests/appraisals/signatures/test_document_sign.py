"""Signing a document is an audited action: who may sign what, when, and what the chain keeps."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from appraisals.models import Appraisal, IssuedDocument
from appraisals.selectors.documents import document_current_of, document_verify_bytes
from appraisals.signatures.backends import Credentials
from appraisals.signatures.errors import SigningCredentialsRefused, SigningUnavailable
from appraisals.signatures.local import LocalPkcs12Signer
from appraisals.signatures.services import document_sign
from appraisals.signatures.validation import validate_pdf
from audit.models import AuditEvent
from audit.verify import verify_chains
from tests.flow import valid_body
from workflow.actors import system_actor
from workflow.errors import ActionForbidden, PayloadInvalid, StateConflict
from workflow.services import perform

from .pki import (
    BSRE_PASSPHRASE,
    BSRE_PASSWORD,
    NIK,
    P12_PASSPHRASE,
    closed_port_url,
    issued,
    small_pdf,
)


def events(appraisal, action="document.signed"):
    return list(
        AuditEvent.objects.filter(
            subject_type="appraisals.appraisal", subject_id=str(appraisal.pk), action=action
        ).order_by("seq")
    )


def footprint(appraisal):
    appraisal.refresh_from_db()
    return appraisal.version, AuditEvent.objects.count()


def decide_appeal(appraisal, users):
    body = dict(valid_body("decide_appeal", appraisal))
    reason = body.pop("reason")
    perform(appraisal, "decide_appeal", actor=users["superior"], payload=body, reason=reason)


@pytest.mark.usefixtures("local_signing")
class TestWhoSignsWhat:
    def test_the_employee_signs_the_agreed_plan_and_the_chain_records_both_hashes(
        self, org, at_state
    ):
        appraisal = at_state("in_progress")
        version = appraisal.version
        pdf = issued(appraisal, "skp")

        signed = document_sign(appraisal, kind="skp", pdf=pdf, actor=org.users["employee"])

        assert signed.role == "employee" and signed.field == "ttd_pegawai"
        assert signed.sha256 == hashlib.sha256(signed.pdf).hexdigest()
        report = validate_pdf(signed.pdf)
        assert report.ok and report.signatures[0].name == org.employee.name
        [event] = events(appraisal)
        assert event.actor == org.users["employee"]
        assert event.changes["signature[skp].employee"] == [
            hashlib.sha256(pdf).hexdigest(),
            signed.sha256,
        ]
        assert event.changes["signature.backend"] == [None, "local_pkcs12"]
        appraisal.refresh_from_db()
        assert appraisal.version == version + 1
        assert verify_chains().ok

    def test_the_appraiser_then_sets_the_plan_with_a_second_signature(self, org, at_state):
        appraisal = at_state("in_progress")
        by_employee = document_sign(
            appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=org.users["employee"]
        )

        by_both = document_sign(
            appraisal, kind="skp", pdf=by_employee.pdf, actor=org.users["appraiser"]
        )

        report = validate_pdf(by_both.pdf)
        assert report.ok
        assert [s.name for s in report.signatures] == [org.employee.name, org.appraiser.name]
        # jsonb keeps no key order: pick the signature's key by its name.
        assert [
            next(k for k in e.changes if k.startswith("signature[")) for e in events(appraisal)
        ] == [
            "signature[skp].employee",
            "signature[skp].appraiser",
        ]

    def test_a_plan_not_yet_agreed_cannot_be_signed(self, org, at_state):
        appraisal = at_state("plan_submitted")
        before = footprint(appraisal)
        with pytest.raises(StateConflict):
            document_sign(
                appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=org.users["employee"]
            )
        assert footprint(appraisal) == before

    @pytest.mark.parametrize("persona", ["outsider", "panel", "inspector", "hr_admin", "superior"])
    def test_no_one_else_signs_the_plan(self, org, at_state, persona):
        appraisal = at_state("in_progress")
        before = footprint(appraisal)
        with pytest.raises(ActionForbidden) as refused:
            document_sign(
                appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=org.users[persona]
            )
        assert refused.value.status == 403
        assert "pegawai yang dinilai" in refused.value.message.id
        assert footprint(appraisal) == before

    def test_the_evaluation_is_signed_by_the_appraiser_and_received_by_the_employee(
        self, org, at_state
    ):
        appraisal = at_state("result_issued")
        by_appraiser = document_sign(
            appraisal,
            kind="evaluation",
            pdf=issued(appraisal, "evaluation"),
            actor=org.users["appraiser"],
        )
        received = document_sign(
            appraisal, kind="evaluation", pdf=by_appraiser.pdf, actor=org.users["employee"]
        )
        assert validate_pdf(received.pdf).ok
        assert [r.role for r in (by_appraiser, received)] == ["appraiser", "employee"]

    def test_the_evaluation_does_not_exist_before_the_result_is_issued(self, org, at_state):
        appraisal = at_state("discussed")
        with pytest.raises(StateConflict):
            document_sign(
                appraisal,
                kind="evaluation",
                pdf=issued(appraisal, "evaluation"),
                actor=org.users["appraiser"],
            )

    def test_the_appeal_decision_is_signed_by_who_decided_it(self, org, at_state):
        appraisal = at_state("appealed")
        decide_appeal(appraisal, org.users)

        signed = document_sign(
            appraisal,
            kind="appeal_decision",
            pdf=issued(appraisal, "appeal_decision"),
            actor=org.users["superior"],
        )

        assert signed.role == "appeal_reviewer" and signed.field == "ttd_atasan_pejabat_penilai"
        assert validate_pdf(signed.pdf).signatures[0].name == org.head.name
        for persona in ("appraiser", "employee", "authority"):
            with pytest.raises(ActionForbidden):
                document_sign(
                    appraisal,
                    kind="appeal_decision",
                    pdf=issued(appraisal, "appeal_decision"),
                    actor=org.users[persona],
                )

    def test_an_appeal_not_yet_decided_has_no_decision_to_sign(self, org, at_state):
        appraisal = at_state("appealed")
        with pytest.raises(ActionForbidden):
            document_sign(
                appraisal,
                kind="appeal_decision",
                pdf=issued(appraisal, "appeal_decision"),
                actor=org.users["superior"],
            )

    def test_an_unknown_kind_and_a_non_pdf_are_400_and_record_nothing(self, org, at_state):
        appraisal = at_state("in_progress")
        before = footprint(appraisal)
        with pytest.raises(PayloadInvalid) as unknown:
            document_sign(
                appraisal, kind="sk", pdf=issued(appraisal, "sk"), actor=org.users["employee"]
            )
        assert unknown.value.problems[0].field == "kind"
        with pytest.raises(PayloadInvalid) as not_pdf:
            document_sign(appraisal, kind="skp", pdf=b"<html>", actor=org.users["employee"])
        assert not_pdf.value.problems[0].field == "file"
        assert footprint(appraisal) == before


class CancellingSigner(LocalPkcs12Signer):
    """Signs, but meanwhile HR cancels the appraisal (a race the lock-time check must catch)."""

    actor = None

    def sign(self, request):
        signed = super().sign(request)
        appraisal = Appraisal.objects.get(employee__nip=request.signer_nip)
        perform(appraisal, "cancel", actor=self.actor, reason="Pegawai pensiun.")
        return signed


@pytest.mark.usefixtures("local_signing")
def test_a_rule_broken_while_signing_records_nothing(org, at_state, settings):
    appraisal = at_state("in_progress")
    settings.KINERJA_SIGNING_BACKEND = f"{__name__}.CancellingSigner"
    CancellingSigner.actor = org.users["hr_admin"]
    with pytest.raises(StateConflict):
        document_sign(
            appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=org.users["employee"]
        )
    assert events(appraisal) == []
    assert events(appraisal, "cancel")  # the other change went through on its own


@pytest.mark.usefixtures("bsre_signing")
class TestThroughBsre:
    def test_signed_through_bsre_with_the_signers_own_credentials(self, org, at_state):
        appraisal = at_state("in_progress")
        signed = document_sign(
            appraisal,
            kind="skp",
            pdf=issued(appraisal, "skp"),
            actor=org.users["employee"],
            credentials=Credentials(nik=NIK, passphrase=BSRE_PASSPHRASE),
        )
        assert validate_pdf(signed.pdf).ok
        assert events(appraisal)[0].changes["signature.backend"] == [None, "bsre"]

    def test_a_wrong_passphrase_records_nothing_and_the_retry_is_recorded_once(self, org, at_state):
        appraisal = at_state("in_progress")
        before = footprint(appraisal)
        pdf = issued(appraisal, "skp")
        with pytest.raises(SigningCredentialsRefused):
            document_sign(
                appraisal,
                kind="skp",
                pdf=pdf,
                actor=org.users["employee"],
                credentials=Credentials(nik=NIK, passphrase="Tebakan-Keliru-123"),
            )
        assert footprint(appraisal) == before

        document_sign(
            appraisal,
            kind="skp",
            pdf=pdf,
            actor=org.users["employee"],
            credentials=Credentials(nik=NIK, passphrase=BSRE_PASSPHRASE),
        )
        assert len(events(appraisal)) == 1

    def test_service_down_records_nothing(self, org, at_state, settings):
        appraisal = at_state("in_progress")
        settings.KINERJA_SIGNING_AGENCIES["PEMKAB"]["url"] = closed_port_url()
        before = footprint(appraisal)
        with pytest.raises(SigningUnavailable):
            document_sign(
                appraisal,
                kind="skp",
                pdf=issued(appraisal, "skp"),
                actor=org.users["employee"],
                credentials=Credentials(nik=NIK, passphrase=BSRE_PASSPHRASE),
            )
        assert footprint(appraisal) == before


def database_text() -> str:
    """Every value of every table, as text: what a database dump would reveal."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.extend(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in row
                )
    return "\n".join(chunks)


def test_no_secret_reaches_the_database(org, at_state, settings, request):
    appraisal = at_state("in_progress")
    request.getfixturevalue("local_signing")
    document_sign(appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=org.users["employee"])
    request.getfixturevalue("bsre_signing")
    with pytest.raises(SigningCredentialsRefused):
        document_sign(
            appraisal,
            kind="skp",
            pdf=issued(appraisal, "skp"),
            actor=org.users["appraiser"],
            credentials=Credentials(nik=NIK, passphrase="Tebakan-Keliru-123"),
        )
    document_sign(
        appraisal,
        kind="skp",
        pdf=issued(appraisal, "skp"),
        actor=org.users["appraiser"],
        credentials=Credentials(nik=NIK, passphrase=BSRE_PASSPHRASE),
    )
    assert len(events(appraisal)) == 2

    text = database_text()
    for secret in (P12_PASSPHRASE, BSRE_PASSPHRASE, "Tebakan-Keliru-123", BSRE_PASSWORD):
        assert secret not in text
    assert NIK not in text  # the signer's NIK is used, not kept


def test_system_actor_is_no_signer(org, at_state, settings, request):
    request.getfixturevalue("local_signing")
    appraisal = at_state("in_progress")
    with pytest.raises(ActionForbidden):
        document_sign(appraisal, kind="skp", pdf=issued(appraisal, "skp"), actor=system_actor())


@pytest.mark.usefixtures("local_signing")
class TestOnlyIssuedDocuments:
    """Only what Kinerja issued is signed; the signed copy verifies as that document."""

    def test_a_pdf_kinerja_did_not_issue_is_refused_and_nothing_recorded(self, org, at_state):
        appraisal = at_state("in_progress")
        before = footprint(appraisal)
        with pytest.raises(PayloadInvalid) as refused:
            document_sign(appraisal, kind="skp", pdf=small_pdf(), actor=org.users["employee"])
        assert [p.code for p in refused.value.problems] == ["not_issued"]
        assert "bukan dokumen" in refused.value.message.id
        assert footprint(appraisal) == before

    def test_the_signed_copy_verifies_as_the_issued_document(self, org, at_state):
        appraisal = at_state("in_progress")
        original = document_current_of(appraisal=appraisal, kind="skp")
        signed = document_sign(
            appraisal, kind="skp", pdf=bytes(original.content), actor=org.users["employee"]
        )
        result = document_verify_bytes(data=signed.pdf)
        assert result.found and result.signed_copy and result.code == original.code
        # The appraiser countersigns the employee's signed copy: still the same document.
        both = document_sign(appraisal, kind="skp", pdf=signed.pdf, actor=org.users["appraiser"])
        assert document_verify_bytes(data=both.pdf).code == original.code
        assert [e.changes["signature.document_code"][1] for e in events(appraisal)] == [
            original.code,
            original.code,
        ]

    def test_a_superseded_document_is_not_signed(self, org, at_state):
        appraisal = at_state("in_progress")
        original = document_current_of(appraisal=appraisal, kind="skp")
        newer = IssuedDocument.objects.create(
            appraisal=appraisal,
            kind="skp",
            code="NEWER-CODE1",
            sha256="0" * 64,
            size=1,
            content=b"x",
            appraisal_state=appraisal.state,
            appraisal_version=appraisal.version,
            issued_at=original.issued_at,
            issued_by=org.users["appraiser"],
        )
        original.superseded_by = newer
        original.save()
        with pytest.raises(StateConflict):
            document_sign(
                appraisal, kind="skp", pdf=bytes(original.content), actor=org.users["employee"]
            )

    def test_verification_names_the_signer_and_a_changed_byte_fails(self, org, at_state):
        appraisal = at_state("in_progress")
        original = document_current_of(appraisal=appraisal, kind="skp")
        signed = document_sign(
            appraisal, kind="skp", pdf=bytes(original.content), actor=org.users["employee"]
        )
        [entry] = document_verify_bytes(data=signed.pdf).signatures
        assert entry["signer"] == org.employee.name
        assert entry["intact"] and entry["trusted"] and entry["signed_at"]
        # One byte of the binary comment under the header: covered by the signature, and
        # the file still reads.
        tampered = bytearray(signed.pdf)
        at = tampered.index(b"\n%") + 2
        tampered[at] ^= 0x01
        tampered = bytes(tampered)
        result = document_verify_bytes(data=tampered)
        assert not result.found
        assert not all(e["intact"] for e in result.signatures)
