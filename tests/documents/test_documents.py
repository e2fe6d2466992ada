"""The SKP and the Dokumen Evaluasi Kinerja: what they say, identical bytes, the chain."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import transaction
from pypdf import PdfReader

from appraisals.documents import document_render
from appraisals.models import Appraisal, IssuedDocument, Position
from appraisals.selectors.documents import (
    document_current_of,
    document_verify_bytes,
    document_verify_code,
)
from appraisals.services import documents as issuing
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_create
from audit.models import AuditEvent
from audit.verify import verify_subject
from tests.flow import PATHS, advance, set_expectations, valid_body
from workflow.actors import system_actor
from workflow.services import perform

from .conftest import pages_text, text_of

pytestmark = pytest.mark.django_db

KIND = IssuedDocument.Kind


def _fresh(appraisal) -> Appraisal:
    return Appraisal.objects.get(pk=appraisal.pk)


def _issued(appraisal, kind) -> IssuedDocument:
    return document_current_of(appraisal=appraisal, kind=kind)


def test_approving_the_plan_issues_the_skp_with_names_nips_items_and_code(org, at_state):
    appraisal = at_state("in_progress")
    skp = _issued(appraisal, KIND.SKP)
    assert skp is not None and skp.transition == "approve_plan"
    assert skp.appraisal_state == "in_progress"
    text = text_of(bytes(skp.content))
    for person in (org.employee, org.appraiser, org.head):  # employee, appraiser, their superior
        assert person.nip in text and person.name in text
    assert "SASARAN KINERJA PEGAWAI" in text
    assert "Meningkatnya mutu layanan pendidikan" in text
    assert "Sekolah terakreditasi" in text and "12 sekolah" in text
    assert "Berorientasi Pelayanan" in text and "Ekspektasi Kolaboratif" in text
    assert "LAMPIRAN SASARAN KINERJA PEGAWAI" in text
    # Every page: the code, the page number, where to verify.
    pages = pages_text(bytes(skp.content))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Kode verifikasi: {skp.code}" in page
        assert f"Halaman {number} dari {len(pages)}" in page
        assert f"/verifikasi/?kode={skp.code}" in page


def test_every_issued_page_carries_a_qr_code(org, at_state):
    appraisal = at_state("in_progress")
    data = bytes(_issued(appraisal, KIND.SKP).content)
    draft = document_render(_fresh(appraisal), KIND.SKP, stamp=None)
    # The QR code is drawn as filled squares: an issued page has far more drawing
    # operations than the same page as a draft, on every page.
    issued_pages = PdfReader(io.BytesIO(data)).pages
    draft_pages = PdfReader(io.BytesIO(draft)).pages
    assert len(issued_pages) == len(draft_pages)
    for issued_page, draft_page in zip(issued_pages, draft_pages, strict=True):
        issued_ops = issued_page.get_contents().get_data().count(b" re")
        draft_ops = draft_page.get_contents().get_data().count(b" re")
        assert issued_ops - draft_ops > 100


def test_issuing_the_result_gives_the_evaluation_with_ratings_and_predicate(org, at_state):
    appraisal = at_state("result_issued")
    evaluation = _issued(appraisal, KIND.EVALUATION)
    assert evaluation.transition == "issue_result"
    text = text_of(bytes(evaluation.content))
    assert "DOKUMEN EVALUASI KINERJA PEGAWAI" in text
    assert org.employee.nip in text and org.appraiser.nip in text
    assert "Tercapai 100%" in text  # the realisation
    assert "Rating Hasil Kerja" in text and "Di atas ekspektasi" in text
    assert "Predikat Kinerja Pegawai" in text and "Sangat Baik" in text
    assert "Kinerja sangat baik." in text  # the appraiser's feedback
    assert "Dialog kinerja tahunan." in text
    assert evaluation.code in text


def test_the_decided_follow_up_is_in_the_evaluation_with_decree_and_date(org, at_state):
    appraisal = at_state("decided")
    text = text_of(bytes(_issued(appraisal, KIND.EVALUATION).content))
    assert "TINDAK LANJUT" in text and "Penghargaan" in text
    assert "800/123/BKPSDM/2027" in text and "1 Februari 2027" in text


def test_same_record_same_state_gives_identical_bytes(org, at_state):
    appraisal = at_state("result_issued")
    for kind in (KIND.SKP, KIND.EVALUATION):
        assert document_render(_fresh(appraisal), kind, stamp=None) == document_render(
            _fresh(appraisal), kind, stamp=None
        )
    # The issued evaluation, rendered again from the record in the state it was issued in.
    issued = _issued(appraisal, KIND.EVALUATION)
    appraisal = _fresh(appraisal)
    assert (appraisal.state, appraisal.version) == (
        issued.appraisal_state,
        issued.appraisal_version,
    )
    stamp = issuing.document_stamp(
        appraisal=appraisal, kind=KIND.EVALUATION, period=None, at=issued.issued_at
    )
    again = document_render(appraisal, KIND.EVALUATION, stamp=stamp)
    assert hashlib.sha256(again).hexdigest() == issued.sha256


def test_the_pdf_creation_date_comes_from_the_record(org, at_state):
    appraisal = at_state("in_progress")
    skp = _issued(appraisal, KIND.SKP)
    info = PdfReader(io.BytesIO(bytes(skp.content))).metadata
    assert info.creation_date.replace(tzinfo=None) == skp.issued_at.replace(
        tzinfo=None, microsecond=0
    )


def test_the_hash_is_on_the_chain_in_the_event_that_issued_it(org, at_state):
    appraisal = at_state("in_progress")
    skp = _issued(appraisal, KIND.SKP)
    event = AuditEvent.objects.get(subject_id=str(appraisal.pk), action="approve_plan")
    assert event.changes["document.sha256"] == [None, skp.sha256]
    assert event.changes["document.code"] == [None, skp.code]
    assert event.changes["version"] == [skp.appraisal_version - 1, skp.appraisal_version]
    assert hashlib.sha256(bytes(skp.content)).hexdigest() == skp.sha256
    assert event.at == skp.issued_at
    assert _fresh(appraisal).version == skp.appraisal_version
    report = verify_subject(subject_type="appraisals.appraisal", subject_id=str(appraisal.pk))
    assert report.ok, report.problems


def test_a_document_that_cannot_be_issued_rolls_the_transition_back(org, at_state, monkeypatch):
    appraisal = at_state("plan_submitted")
    set_expectations(appraisal, org.users["appraiser"])
    appraisal = _fresh(appraisal)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(issuing, "document_render", broken)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        perform(appraisal, "approve_plan", actor=org.users["appraiser"])
    assert _fresh(appraisal).state == "plan_submitted"
    assert AuditEvent.objects.count() == before
    assert not IssuedDocument.objects.exists()


def test_a_revised_rating_issues_a_new_evaluation_and_the_old_one_is_superseded(org, at_state):
    appraisal = at_state("appealed")
    old = _issued(appraisal, KIND.EVALUATION)
    perform(
        _fresh(appraisal),
        "decide_appeal",
        actor=org.users["superior"],
        # Revised: the behaviour rating is now "meets", so the predicate Baik.
        payload={k: v for k, v in valid_body("decide_appeal", appraisal).items() if k != "reason"},
        reason="Bukti diterima.",
    )
    new = _issued(appraisal, KIND.EVALUATION)
    assert new.pk != old.pk and new.sha256 != old.sha256 and new.code != old.code
    text = text_of(bytes(new.content))
    assert "Baik" in text and "Hasil diubah" in text and "KEBERATAN" in text
    assert "Atasan Pejabat Penilai Kinerja" in text
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk and old.superseded_at == new.issued_at
    by_code = document_verify_code(code=old.code)
    assert by_code.found and by_code.superseded
    by_bytes = document_verify_bytes(data=bytes(old.content))
    assert by_bytes.found and by_bytes.superseded and by_bytes.appraisal_state == "result_issued"
    current = document_verify_bytes(data=bytes(new.content))
    assert current.found and not current.superseded and current.appraisal_state == "final"
    # The chain says which hash replaced which.
    last = AuditEvent.objects.filter(subject_id=str(appraisal.pk), action="decide_appeal").latest(
        "seq"
    )
    assert last.changes["document.sha256"] == [old.sha256, new.sha256]


def test_one_changed_byte_fails_verification(org, at_state):
    appraisal = at_state("in_progress")
    data = bytearray(_issued(appraisal, KIND.SKP).content)
    assert document_verify_bytes(data=bytes(data)).found
    for position in (0, len(data) // 2, len(data) - 2):
        changed = bytearray(data)
        changed[position] ^= 0x01
        assert document_verify_bytes(data=bytes(changed)).found is False


def test_codes_are_read_as_people_type_them(org, at_state):
    appraisal = at_state("in_progress")
    code = _issued(appraisal, KIND.SKP).code
    assert document_verify_code(code=code.lower().replace("-", " ")).found
    assert document_verify_code(code="AAAAA-AAAAA").found is False


def test_unicode_names_render_with_the_embedded_font(org, at_state):
    names = {
        org.employee: "Teuku Muhammad Ya'qub Çağlar",
        org.appraiser: "Ni Luh Putu Ayu Déwi",
        org.head: "I Gusti Ngurah Ngurah’s Kepala Dinas Ñ",
    }
    for employee, name in names.items():
        employee.name = name
        employee.save(update_fields=["name"])
    appraisal = at_state("in_progress")
    data = bytes(_issued(appraisal, KIND.SKP).content)
    text = text_of(data)
    for name in names.values():
        assert name in text
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            if "/DescendantFonts" in font:  # a TrueType subset: its glyphs hang below
                font = font["/DescendantFonts"][0].get_object()
            descendant = font
            descriptor = descendant.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font
    assert all("DejaVu" in f or "KinerjaSans" in f for f in fonts), fonts


def test_long_plans_run_over_pages_with_the_table_header_repeated(org, appraisal):
    for n in range(25):
        plan_item_create(
            appraisal=appraisal,
            actor=org.users["employee"],
            result=f"Hasil kerja nomor {n} " + "dengan uraian yang panjang sekali " * 8,
            indicators=[{"name": f"Indikator {n}", "aspect": "quality", "target": "100%"}],
        )
    data = document_render(_fresh(appraisal), KIND.SKP, stamp=None)
    pages = pages_text(data)
    assert len(pages) >= 4
    item_pages = [p for p in pages if "Hasil kerja nomor" in p]
    assert len(item_pages) >= 2
    for page in item_pages:
        assert "Indikator Kinerja Individu" in page  # the header row, repeated
    assert "Hasil kerja nomor 24" in "".join(pages)
    assert "DRAF" in pages[0]


def test_jpt_plans_show_their_perspectives(org, appraisal):
    position = Position.objects.create(name="Kepala Dinas", unit=org.dinas, kind="jpt")
    org.employee.position = position
    org.employee.save(update_fields=["position"])
    plan_item_create(
        appraisal=appraisal,
        actor=org.users["employee"],
        result="Meningkatnya kepuasan penerima layanan",
        perspective="service_recipients",
        indicators=[{"name": "Indeks kepuasan", "aspect": "quality", "target": "85"}],
    )
    text = text_of(document_render(_fresh(appraisal), KIND.SKP, stamp=None))
    assert "Perspektif Penerima Layanan" in text and "PEJABAT PIMPINAN TINGGI" in text


def test_a_cascaded_item_names_the_leader_s_item(org, appraisal):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.appraiser])
    leader = Appraisal.objects.get(employee=org.appraiser)
    plan_item_create(
        appraisal=leader,
        actor=org.users["appraiser"],
        result="Terwujudnya layanan pendidikan yang merata",
        indicators=[{"name": "APK", "aspect": "quantity", "target": "95%"}],
    )
    parent = leader.plan_items.get()
    plan_item_create(
        appraisal=appraisal,
        actor=org.users["employee"],
        result="Sekolah dasar terakreditasi",
        parent_item=parent,
        indicators=[{"name": "Akreditasi", "aspect": "quantity", "target": "12"}],
    )
    text = text_of(document_render(_fresh(appraisal), KIND.SKP, stamp=None))
    assert "Terwujudnya layanan pendidikan yang merata" in text


def test_only_the_issuing_transitions_issue(org, at_state):
    appraisal = at_state("decided")
    transitions = list(
        IssuedDocument.objects.filter(appraisal=appraisal).values_list("kind", "transition")
    )
    assert transitions == [
        ("skp", "approve_plan"),
        ("evaluation", "issue_result"),
        ("evaluation", "approve_decision"),
    ]
    assert set(PATHS["decided"]) > {t for _k, t in transitions}


def test_issuing_inside_the_transaction_is_undone_with_it(org, at_state):
    appraisal = at_state("plan_submitted")
    set_expectations(appraisal, org.users["appraiser"])
    with transaction.atomic():
        sid = transaction.savepoint()
        perform(_fresh(appraisal), "approve_plan", actor=org.users["appraiser"])
        assert IssuedDocument.objects.count() == 1
        transaction.savepoint_rollback(sid)
    assert IssuedDocument.objects.count() == 0
    assert advance  # the happy path helper stays the way tests reach states
