"""What the appraiser and the deciders see when they act, and what the appraisal page says next
(issue #16), through Django's test client: the fast twin of test_browser_review.py."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from appraisals.models import Cycle
from appraisals.web.labels import period_name
from tests.flow import advance, valid_body
from tests.web.conftest import url
from workflow.services import perform

from .review_world import (
    ITEMS,
    PEER_TEXT,
    PERIODIC_FEEDBACK,
    REALISATIONS,
    SURVEY_SERVICE,
    record_world,
)

pytestmark = pytest.mark.django_db


def text_of(html: str, element_id: str) -> str:
    """The visible text of the element with `element_id` (tags dropped, spaces squeezed)."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    end = html.index(f"</{name}>", start)
    text = " ".join(re.sub(r"<[^>]+>", " ", html[start:end].split(">", 1)[1]).split())
    return re.sub(r" ([:,.)])", r"\1", text)


def form_of(html: str) -> str:
    start = html.index('id="transition-form"')
    return html[start : html.index("</form>", start)]


def page_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


# -- period names -------------------------------------------------------------------------


def test_periods_read_by_their_names_in_both_languages(org):
    cycle = org.cycle
    assert [period_name(p, cycle) for p in (1, 2, 3, 4)] == [
        "Triwulan I",
        "Triwulan II",
        "Triwulan III",
        "Triwulan IV",
    ]
    assert period_name(5, cycle) == "5"  # not a period of this cycle: as it is
    cycle.check_in_frequency = Cycle.CheckInFrequency.MONTHLY
    cycle.starts_on = dt.date(cycle.year, 7, 1)  # a cycle from July: period 1 is July
    assert period_name(1, cycle) == "Juli" and period_name(7, cycle) == "Januari"
    with translation.override("en"):
        assert period_name(1, cycle) == "July"
        cycle.check_in_frequency = Cycle.CheckInFrequency.QUARTERLY
        assert period_name(3, cycle) == "Quarter III"


# -- the review form ------------------------------------------------------------------------


def test_the_review_form_shows_the_whole_record_to_rate(org, appraisal, pages):
    rated = record_world(org, appraisal)
    html = page_of(pages("appraiser"), url("transition", rated.pk, "submit_review"))
    items = text_of(html, "record-items")
    for (result, indicators), realisation in zip(ITEMS, REALISATIONS, strict=True):
        assert result in items and realisation in items
        for indicator in indicators:
            assert indicator["name"] in items and indicator["target"] in items
    assert "Kuantitas" in items and "Waktu" in items  # aspects by their labels
    assert "Sesuai ekspektasi" in items and "Di atas ekspektasi" in items  # self-ratings
    check_ins = text_of(html, "record-check-ins")
    assert "Triwulan I" in check_ins and "Triwulan II" in check_ins
    assert "Sekolah terakreditasi: 8 sekolah" in check_ins
    assert "Laporan kinerja terbit: Draf laporan" in check_ins
    periodic = text_of(html, "periodic-results")
    assert "Triwulan II" in periodic and PERIODIC_FEEDBACK in periodic
    assert "Sangat Kurang" in periodic  # below x below
    assert PEER_TEXT in text_of(html, "record-peer-feedback")
    assert SURVEY_SERVICE in text_of(html, "record-surveys")


def test_the_predicate_sits_by_the_ratings_and_the_button_reads_final(org, appraisal, pages):
    rated = advance(appraisal, "self_assessed", users=org.users)
    html = page_of(pages("appraiser"), url("transition", rated.pk, "submit_review"))
    form = form_of(html)
    behaviour, preview = form.index('id="f-behaviour_rating"'), form.index('id="predicate-preview"')
    assert behaviour < preview < form.index('id="f-feedback"') < form.index('id="confirm"')
    assert "Kirim penilaian" in text_of(html, "confirm")
    assert "Simpan penilaian" not in html
    assert "tidak dapat diubah lagi" in text_of(html, "final-note")


def test_the_review_form_in_english_names_quarters(org, appraisal, pages):
    rated = record_world(org, appraisal)
    html = page_of(pages("appraiser", "en"), url("transition", rated.pk, "submit_review"))
    assert "Quarter II" in text_of(html, "periodic-results")
    assert "Submit review" in text_of(html, "confirm")


# -- decision forms -------------------------------------------------------------------------


def test_the_appeal_decision_form_shows_the_grounds_and_what_was_appealed(
    org, appraisal, pages, at_state
):
    appealed = at_state("appealed")
    html = page_of(pages("superior"), url("transition", appealed.pk, "decide_appeal"))
    grounds = valid_body("file_appeal", appealed)["grounds"]
    assert grounds in text_of(html, "appeal-grounds")
    assert "Di atas ekspektasi" in text_of(html, "decided-result-rating")
    assert "Sangat Baik" in text_of(html, "decided-predicate")
    # The record judged is there too, and the predicate preview by the ratings.
    assert "Sekolah terakreditasi" in text_of(html, "record-items")
    form = form_of(html)
    assert form.index('id="f-behaviour_rating"') < form.index('id="predicate-preview"')


def test_the_follow_up_forms_show_the_result_and_the_proposal(org, appraisal, pages, at_state):
    final = at_state("final")
    html = page_of(pages("panel"), url("transition", final.pk, "propose_decision"))
    assert "Sangat Baik" in text_of(html, "decided-predicate")
    assert "Penghargaan" in text_of(html, "kinds-allowed")
    assert "Sanksi" not in text_of(html, "kinds-allowed")

    perform(
        final,
        "propose_decision",
        actor=org.users["panel"],
        payload=valid_body("propose_decision", final),
    )
    proposed = final
    for name in ("approve_decision", "reject_decision"):
        html = page_of(pages("authority"), url("transition", proposed.pk, name))
        proposal = text_of(html, "proposal")
        assert "Penghargaan" in proposal and "Satyalancana" in proposal
        assert "Panel" in proposal  # who proposed it, by name
        assert "Sangat Baik" in text_of(html, "decided-predicate")


# -- the appraisal page after a transition ------------------------------------------------


def test_the_page_says_whom_the_appraisal_waits_for(org, appraisal, pages):
    submitted = advance(appraisal, "plan_submitted", users=org.users)
    waiting = text_of(page_of(pages("employee"), url("appraisal", submitted.pk)), "waiting-for")
    assert "Menunggu" in waiting and "persetujuan SKP" in waiting
    assert "Kepala Bidang" in waiting and "Pejabat penilai kinerja" in waiting
    mine = text_of(page_of(pages("appraiser"), url("appraisal", submitted.pk)), "waiting-for")
    assert "oleh Anda" in mine


def test_an_appeal_waits_for_the_appraisers_superior_by_name(org, appraisal, pages, at_state):
    appealed = at_state("appealed")
    assert appealed.appeal_reviewer == org.head
    waiting = text_of(page_of(pages("employee"), url("appraisal", appealed.pk)), "waiting-for")
    assert "keputusan atas keberatan" in waiting and "Kepala Dinas" in waiting
    assert "Atasan pejabat penilai" in waiting


def test_after_the_panel_proposes_the_page_names_the_authority(org, appraisal, pages):
    proposed = advance(appraisal, "decision_proposed", users=org.users)
    waiting = text_of(page_of(pages("panel"), url("appraisal", proposed.pk)), "waiting-for")
    assert "Authority" in waiting and "Pejabat pembina kepegawaian" in waiting


def test_a_closed_appraisal_waits_for_nobody(org, appraisal, pages, at_state):
    decided = at_state("decided")
    waiting = text_of(page_of(pages("employee"), url("appraisal", decided.pk)), "waiting-for")
    assert "Menunggu" not in waiting and "selesai" in waiting.lower()


def test_a_returned_plan_shows_its_reason_at_the_top_while_it_is_returned(org, appraisal, pages):
    submitted = advance(appraisal, "plan_submitted", users=org.users)
    perform(submitted, "return_plan", actor=org.users["appraiser"], reason="Target terlalu rendah.")
    html = page_of(pages("employee"), url("appraisal", submitted.pk))
    notice = text_of(html, "returned-reason")
    assert "dikembalikan" in notice and "Target terlalu rendah." in notice
    assert html.index('id="returned-reason"') < html.index('id="actions-h"')  # at the top
    assert "penyusunan dan pengajuan SKP" in text_of(html, "waiting-for")

    submitted.refresh_from_db()
    perform(submitted, "submit_plan", actor=org.users["employee"])
    html = page_of(pages("employee"), url("appraisal", submitted.pk))
    assert 'id="returned-reason"' not in html  # submitted again: no longer returned


def test_the_periodic_page_names_its_periods(org, appraisal, pages):
    rated = record_world(org, appraisal)
    html = page_of(pages("employee"), url("periodic", rated.pk))
    assert text_of(html, "period-1").startswith("Triwulan I ")
    assert text_of(html, "period-4").startswith("Triwulan IV ")


def test_a_period_not_ended_is_refused_by_its_name(org, appraisal, pages):
    running = advance(appraisal, "in_progress", users=org.users)
    end_of_year = dt.datetime(org.cycle.year, 12, 31, 22, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    with mock.patch("django.utils.timezone.now", lambda: end_of_year):
        response = pages("appraiser").post(
            url("periodic", running.pk),
            {
                "version": running.version,
                "period": 4,
                "result_rating": "meets",
                "behaviour_rating": "meets",
                "feedback": "",
            },
        )
    assert response.status_code == 400
    assert "Triwulan IV belum berakhir" in response.content.decode()


def test_the_appeal_decision_form_shows_what_else_the_employee_wrote(org, appraisal, pages):
    issued = advance(appraisal, "result_issued", users=org.users)
    perform(
        issued,
        "file_appeal",
        actor=org.users["employee"],
        payload={"grounds": "Realisasi triwulan IV tidak dihitung."},
        reason="Mohon bukti terlampir ditinjau ulang.",
    )
    html = page_of(pages("superior"), url("transition", issued.pk, "decide_appeal"))
    assert "Realisasi triwulan IV tidak dihitung." in text_of(html, "appeal-grounds")
    assert "Mohon bukti terlampir ditinjau ulang." in text_of(html, "appeal-note")
