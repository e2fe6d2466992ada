"""What the appraiser and the deciders see when they act, in a real browser (issue #16):
nobody rates blind, decision forms show what is decided, and after each step the appraisal
page names whom it now waits for."""

from __future__ import annotations

import pytest

from appraisals.models import Appraisal

from .review_world import ITEMS, PEER_TEXT, PERIODIC_FEEDBACK, REALISATIONS, record_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def open_appraisal(b, appraisal):
    page = b.go(f"/appraisals/{appraisal.pk}/")
    page.wait_for_selector("#state")
    return page


def below(page, upper: str, lower: str) -> bool:
    """Whether `lower` is drawn under `upper` on the page (by their boxes)."""
    a, b = page.locator(upper).bounding_box(), page.locator(lower).bounding_box()
    return a is not None and b is not None and b["y"] >= a["y"] + a["height"] - 1


def test_the_appraiser_rates_with_the_record_in_view(org, appraisal, passwords, browser):
    rated = record_world(org, appraisal)
    b = browser
    page = b.login("appraiser")
    open_appraisal(b, rated)
    waiting = page.inner_text("#waiting-for")
    assert "penilaian kinerja oleh Anda" in waiting
    page.click("[data-transition=submit_review]")
    page.wait_for_selector("#record")

    items = page.inner_text("#record-items")
    for (result, indicators), realisation in zip(ITEMS, REALISATIONS, strict=True):
        assert result in items and realisation in items
        assert all(i["name"] in items and i["target"] in items for i in indicators)
    assert "Kuantitas" in items and "Di atas ekspektasi" in items
    check_ins = page.inner_text("#record-check-ins")
    assert "Triwulan II" in check_ins and "Laporan kinerja terbit: Draf laporan" in check_ins
    periodic = page.inner_text("#periodic-results")
    assert "Triwulan I" in periodic and PERIODIC_FEEDBACK in periodic
    assert PEER_TEXT in page.inner_text("#record-peer-feedback")
    assert page.is_visible("#record-surveys")

    # The predicate shows by the ratings, above the feedback and the final button.
    page.select_option("#f-result_rating", "meets")
    page.select_option("#f-behaviour_rating", "above")
    assert "Baik" in page.inner_text("#predicate-preview")
    assert below(page, "#f-behaviour_rating", "#predicate-preview")
    assert below(page, "#predicate-preview", "#f-feedback")
    assert page.inner_text("#confirm").strip() == "Kirim penilaian"
    page.fill("#f-feedback", "Target utama tercapai; laporan tepat waktu.")
    b.shot("review-form-full")
    page.click("#confirm")
    page.wait_for_selector("[data-state=reviewed]")
    waiting = page.inner_text("#waiting-for")
    assert "dialog kinerja" in waiting and "oleh Anda" in waiting
    b.logout()

    page = b.login("employee")
    open_appraisal(b, rated)
    waiting = page.inner_text("#waiting-for")
    assert "Menunggu" in waiting and "Kepala Bidang" in waiting
    b.shot("waiting-for-appraiser")


def test_a_returned_plan_tells_the_employee_why(org, appraisal, passwords, browser, at_state):
    submitted = at_state("plan_submitted")
    b = browser
    page = b.login("appraiser")
    open_appraisal(b, submitted)
    page.click("[data-transition=return_plan]")
    page.fill("#f-reason", "Target indikator terlalu rendah; naikkan menjadi 15 sekolah.")
    page.click("#confirm")
    page.wait_for_selector("[data-state=draft]")
    b.logout()

    page = b.login("employee")
    open_appraisal(b, submitted)
    notice = page.inner_text("#returned-reason")
    assert "dikembalikan" in notice and "naikkan menjadi 15 sekolah" in notice
    assert below(page, "#returned-reason", "#actions-h")  # at the top, before the actions
    assert "penyusunan dan pengajuan SKP oleh Anda" in page.inner_text("#waiting-for")
    b.shot("returned-plan")


def test_the_appeal_decision_form_shows_the_grounds(org, appraisal, passwords, browser, at_state):
    appealed = at_state("appealed")
    b = browser
    page = b.login("superior")
    open_appraisal(b, appealed)
    assert "keputusan atas keberatan oleh Anda" in page.inner_text("#waiting-for")
    page.click("[data-transition=decide_appeal]")
    grounds = page.inner_text("#appeal-grounds")
    assert "Bukti dukung belum dipertimbangkan." in grounds
    assert "Sangat Baik" in page.inner_text("#decided-predicate")
    assert "Di atas ekspektasi" in page.inner_text("#decided-result-rating")
    page.select_option("#f-outcome", "revised")
    page.select_option("#f-result_rating", "meets")
    page.select_option("#f-behaviour_rating", "meets")
    assert "Baik" in page.inner_text("#predicate-preview")
    assert below(page, "#f-behaviour_rating", "#predicate-preview")
    b.shot("appeal-decision-form")
    page.fill("#f-reason", "Sebagian bukti diterima.")
    page.click("#confirm")
    page.wait_for_selector("[data-state=final]")
    assert "usulan tindak lanjut" in page.inner_text("#waiting-for")
    assert "Panel" in page.inner_text("#waiting-for")


def test_the_authority_sees_the_proposal_it_approves(org, appraisal, passwords, browser, at_state):
    at_state("decision_proposed")
    b = browser
    page = b.login("panel")
    open_appraisal(b, appraisal)
    assert "Authority" in page.inner_text("#waiting-for")
    b.logout()

    page = b.login("authority")
    open_appraisal(b, appraisal)
    assert "oleh Anda" in page.inner_text("#waiting-for")
    page.click("[data-transition=approve_decision]")
    proposal = page.inner_text("#proposal")
    assert "Penghargaan" in proposal and "Satyalancana" in proposal and "Panel" in proposal
    assert "Sangat Baik" in page.inner_text("#decided-predicate")
    b.shot("approve-decision-form")
    page.fill("#f-reference_number", "800/12/BKPSDM/2027")
    page.fill("#f-effective_date", "2027-02-01")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decided]")
    assert "selesai" in page.inner_text("#waiting-for")
    assert Appraisal.objects.get(pk=appraisal.pk).state == "decided"
