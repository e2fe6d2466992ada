"""The pages in a real browser (headless Chromium): each role in turn, pages only."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from appraisals.models import Appraisal, BehaviourValue, IssuedDocument
from appraisals.selectors.appraisals import appraisal_state_counts_in
from appraisals.selectors.documents import document_current_of

from ..appraisals.signatures.conftest import local_signing, pki  # noqa: F401 (fixtures)
from ..documents.rendering import first_page_png
from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def open_appraisal(b, appraisal):
    page = b.go(f"/appraisals/{appraisal.pk}/")
    page.wait_for_selector("#state")
    return page


def state_of(appraisal) -> str:
    return Appraisal.objects.get(pk=appraisal.pk).state


def test_plan_to_decision(org, appraisal, passwords, browser):
    b = browser

    # Employee: writes the plan and submits it.
    page = b.login("employee")
    b.shot("home-employee")
    page.click(f"a[href='/appraisals/{appraisal.pk}/']")
    page.click("#edit-plan")
    page.fill("#result", "Meningkatnya mutu layanan pendidikan dasar")
    page.fill("#indicator-0-name", "Sekolah terakreditasi B")
    page.select_option("#indicator-0-aspect", "quantity")
    page.fill("#indicator-0-target", "12 sekolah")
    b.shot("plan-editor")
    page.click("#add-item")
    page.wait_for_selector("text=Sekolah terakreditasi B")
    page.click("text=Kembali ke penilaian")
    page.click("[data-transition=submit_plan]")
    page.wait_for_selector("[data-state=plan_submitted]")
    b.logout()

    # Appraiser: the seven expectations, then approves from the list (bulk).
    page = b.login("appraiser")
    b.shot("home-appraiser")
    open_appraisal(b, appraisal)
    assert page.locator("button[disabled]").count() >= 1  # approve waits for expectations
    page.click("#edit-expectations")
    for value in BehaviourValue.values:
        page.fill(f"#exp-{value}", f"Menunjukkan perilaku {value} dalam tugas")
    page.click("#save-expectations")
    page.wait_for_selector("#state")
    b.go("/appraisals/")
    page.check(f"input[name=appraisal][value^='{appraisal.pk}:']")
    b.shot("appraisal-list")
    page.click("#bulk-approve")
    page.wait_for_selector(".messages .success")
    assert state_of(appraisal) == "in_progress"
    b.logout()

    # Employee: a check-in, then the self-assessment.
    page = b.login("employee")
    open_appraisal(b, appraisal)
    page.click("#check-ins")
    indicator = appraisal.plan_items.get().indicators.get()
    page.fill(f"#realisation-{indicator.pk}", "5 sekolah")
    page.click("#save-check-in")
    page.wait_for_selector("text=5 sekolah")
    b.shot("check-ins")
    open_appraisal(b, appraisal)
    page.click("[data-transition=submit_self_assessment]")
    item = appraisal.plan_items.get()
    page.fill(f"#realisation_{item.pk}", "12 sekolah terakreditasi B")
    page.select_option(f"#self_rating_{item.pk}", "meets")
    page.click("#confirm")
    page.wait_for_selector("[data-state=self_assessed]")
    b.logout()

    # Appraiser: review (the predicate shows as the ratings change), dialogue, result.
    page = b.login("appraiser")
    open_appraisal(b, appraisal)
    page.click("[data-transition=submit_review]")
    page.select_option("#f-result_rating", "above")
    page.click("#confirm")  # behaviour rating and feedback missing
    assert page.locator(".field-error").count() >= 2
    assert page.locator("#f-result_rating").input_value() == "above"  # kept
    page.select_option("#f-behaviour_rating", "above")
    page.fill("#f-feedback", "Target tercapai dengan sangat baik.")
    assert "Sangat Baik" in page.inner_text("#predicate-preview")
    b.shot("review-form")
    page.click("#confirm")
    page.wait_for_selector("[data-state=reviewed]")
    page.click("[data-transition=record_discussion]")
    page.fill("#f-summary", "Dialog kinerja akhir tahun.")
    held = timezone.localtime(timezone.now() - dt.timedelta(hours=2))
    page.fill("#f-held_at", held.strftime("%Y-%m-%dT%H:%M"))
    page.click("#confirm")
    page.wait_for_selector("[data-state=discussed]")
    page.click("[data-transition=issue_result]")
    page.wait_for_selector("[data-state=result_issued]")
    b.logout()

    # Employee: reads the result and accepts it.
    page = b.login("employee")
    open_appraisal(b, appraisal)
    assert page.is_visible("#appeal-countdown")
    assert "Sangat Baik" in page.inner_text("#predicate")
    b.shot("result")
    page.click("[data-transition=accept_result]")
    page.wait_for_selector("[data-state=final]")
    b.logout()

    # Panel proposes the follow-up; the authority decides it.
    page = b.login("panel")
    open_appraisal(b, appraisal)
    page.click("[data-transition=propose_decision]")
    page.select_option("#f-kind", "award")
    page.fill("#f-details", "Satyalancana Karya Satya")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decision_proposed]")
    b.logout()
    page = b.login("authority")
    open_appraisal(b, appraisal)
    page.click("[data-transition=approve_decision]")
    page.fill("#f-reference_number", "800/12/BKPSDM/2027")
    page.fill("#f-effective_date", "2027-02-01")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decided]")
    b.shot("decided-timeline")
    assert page.locator("#timeline li").count() >= 10
    assert state_of(appraisal) == "decided"

    # On a phone the page fits its width (wide tables scroll inside their own box).
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/appraisals/", f"/appraisals/{appraisal.pk}/"):
        b.go(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)
    b.shot("phone-appraisal")


def test_appeal(org, appraisal, passwords, browser, at_state):
    at_state("result_issued")
    b = browser
    page = b.login("employee")
    open_appraisal(b, appraisal)
    countdown = page.inner_text("#appeal-countdown .countdown")
    assert "hari" in countdown  # the script keeps it counting, in Indonesian
    page.click("[data-transition=file_appeal]")
    page.click("#confirm")  # no grounds
    assert page.locator(".field-error").count() == 1
    page.fill("#f-grounds", "Bukti dukung triwulan IV belum dipertimbangkan.")
    b.shot("appeal-form")
    page.click("#confirm")
    page.wait_for_selector("[data-state=appealed]")
    b.logout()

    # The appraiser may not decide the appeal on their own rating: no button.
    page = b.login("appraiser")
    open_appraisal(b, appraisal)
    assert page.locator("[data-transition=decide_appeal]").count() == 0
    b.logout()

    page = b.login("superior")
    b.shot("home-appeal-reviewer")
    open_appraisal(b, appraisal)
    page.click("[data-transition=decide_appeal]")
    page.select_option("#f-outcome", "revised")
    page.select_option("#f-result_rating", "above")
    page.select_option("#f-behaviour_rating", "meets")
    page.fill("#f-reason", "Bukti dukung diterima.")
    page.click("#confirm")
    page.wait_for_selector("[data-state=final]")
    assert Appraisal.objects.get(pk=appraisal.pk).predicate == "baik"
    b.shot("appeal-decided")


def test_english_switch(org, appraisal, passwords, browser):
    b = browser
    page = b.login("employee")
    assert "Yang perlu saya kerjakan" in page.inner_text("h1")
    b.go("/profile/")
    page.select_option("#language", "en")
    page.wait_for_selector("html[lang=en]")
    b.go("/")
    assert "What needs me now" in page.inner_text("h1")
    b.shot("home-english")


def test_inspector_timeline_and_verification(org, appraisal, passwords, browser, at_state):
    at_state("final")
    b = browser
    page = b.login("inspector")
    b.go("/inspect/")
    page.wait_for_selector("#audit-search")
    b.shot("audit-search")
    page.locator("#audit-search button[type=submit]").first.click()
    page.wait_for_selector("#audit-results")
    b.go(f"/inspect/appraisals/{appraisal.pk}/")
    badge = page.wait_for_selector("#verify-badge")
    assert badge.get_attribute("data-ok") == "true"
    assert page.locator("#timeline li").count() >= 8
    assert page.get_attribute("#bundle-download", "href")
    b.shot("inspector-timeline")
    # Nothing to press: the inspector reads, never writes.
    open_appraisal(b, appraisal)
    assert page.locator("[data-transition]").count() == 0


def test_hr_admin_opens_a_cycle_and_watches_it_finish(org, passwords, browser, monkeypatch):
    from appraisals.services.jobs import cycle_open_job_run
    from appraisals.tasks import cycle_open_task

    # The worker is this test: the job waits queued until the test runs it, so
    # the page is seen polling and then finishing by itself.
    queued = []
    monkeypatch.setattr(cycle_open_task, "apply_async", lambda args, **options: queued.extend(args))
    b = browser
    page = b.login("hr_admin")
    b.go("/hr/cycles/")
    b.shot("cycles")
    page.click(f"#open-cycle-{org.cycle.pk}")
    page.wait_for_selector("#job[data-status=queued]")
    assert page.locator("#job-progress").get_attribute("value") == "0"
    b.shot("job-queued")
    cycle_open_job_run(job_id=queued[0])
    job = page.wait_for_selector("#job[data-status=done]")
    progress = page.locator("#job-progress")
    assert progress.get_attribute("value") == progress.get_attribute("max")
    assert int(progress.get_attribute("max")) == Appraisal.objects.filter(cycle=org.cycle).count()
    assert job.is_visible()
    b.shot("job-done")
    b.go(f"/hr/units/{org.dinas.pk}/?cycle={org.cycle.pk}")
    page.wait_for_selector("#dashboard-chart")
    page.wait_for_selector("#state-counts")
    b.shot("unit-dashboard")
    b.go("/lifecycle/")
    page.wait_for_selector("#lifecycle-diagram")
    b.shot("lifecycle")


def test_hr_appoints_a_plt_who_approves_and_the_old_appraiser_hands_over(
    org, passwords, browser, at_state
):
    """Issue #14 item 4: a Plt appointed on HR's page acts at once; the handover note is read."""
    from ..factories import EmployeeFactory

    appraisal = at_state("plan_submitted")
    plt = EmployeeFactory(unit=org.dinas, name="Plt Kepala Bidang", user__username="plt")
    plt.user.set_password(passwords)
    plt.user.save()
    b = browser
    page = b.login("hr_admin")
    b.go("/hr/acting/")
    assert "Tunjuk Plt/Plh" in page.inner_text("#new-acting-h")
    page.fill("#a-substitute", plt.nip)
    page.fill("#a-replaces", org.appraiser.nip)
    page.fill("#a-reason", "Sprint 800/12/2026")
    page.click("#appoint-acting")
    page.wait_for_selector("#acting tbody tr[id^=acting-]")
    assert "Plt Kepala Bidang" in page.inner_text("#acting")
    b.shot("hr-acting")
    b.logout()

    page = b.login("appraiser")
    page.click(f"#handovers-to-write a[href='/appraisals/{appraisal.pk}/handover-note/']")
    page.wait_for_selector("#handover-form")
    page.fill("#h-note", "Target triwulan sudah dibahas bersama pegawai.")
    b.shot("handover-note")
    page.click("#save-handover")
    page.wait_for_selector("h1")
    b.logout()

    page = b.login("plt")
    open_appraisal(b, appraisal)
    assert "Target triwulan sudah dibahas" in page.inner_text("#handovers")
    page.click("[data-transition=approve_plan]")
    page.wait_for_selector("#state[data-state=in_progress]")
    assert state_of(appraisal) == "in_progress"
    assert page.locator("#timeline [data-capacity=plt_appraiser]").count() >= 1
    b.shot("timeline-capacity")


def test_unit_recap_downloads_from_the_dashboard(org, appraisal, passwords, browser, at_state):
    at_state("final")
    b = browser
    page = b.login("authority")
    b.go(f"/hr/units/{org.dinas.pk}/?cycle={org.cycle.pk}")
    assert page.inner_text("#recap-xlsx") == "Unduh rekap (XLSX)"
    b.shot("unit-recap-buttons")
    with page.expect_download() as caught:
        page.click("#recap-xlsx")
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))
    summary = {row[0]: row[1] for row in wb["Rekapitulasi"].iter_rows(values_only=True) if row}
    shown = page.inner_text("#state-total")
    assert str(summary["Jumlah"]) == shown
    assert summary["Jumlah"] == sum(
        appraisal_state_counts_in(cycle=org.cycle, unit=org.dinas).values()
    )
    with page.expect_download() as caught:
        page.click("#recap-csv")
    text = open(caught.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert text.startswith("NIP;NAMA;") and org.employee.nip in text


def test_the_appraisal_page_prints_without_menu_or_buttons(org, appraisal, passwords, browser):
    b = browser
    page = b.login("employee")
    open_appraisal(b, appraisal)
    assert page.locator("header.site nav").is_visible()
    assert page.locator("#edit-plan").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site nav").is_visible()
    assert not page.locator("#logout").is_visible()
    assert not page.locator("#edit-plan").is_visible()
    assert page.locator("[data-transition]").first.is_hidden()
    assert page.locator("#state").is_visible() and page.locator("h1").is_visible()
    b.shot("appraisal-print")
    page.emulate_media(media="screen")
    assert page.locator("header.site nav").is_visible()


def test_authority_acknowledges_an_appeal_that_broke_the_curve(org, passwords, browser):
    from appraisals.models import CurveFlag

    from ..curve_world import appeal, issue_unit_under_baik

    issued = issue_unit_under_baik(org)
    appeal(issued[4], org)  # the unit's only butuh_perbaikan becomes baik: final, flagged
    flag = CurveFlag.objects.get()
    b = browser
    page = b.login("panel")
    b.go(f"/hr/units/{org.dinas.pk}/?cycle={org.cycle.pk}")
    row = page.wait_for_selector(f"#curve-flags tr[data-flag='{flag.pk}']")
    assert "Perlu ditanggapi" in row.inner_text()
    assert page.locator(f"#curve-flag-ack-{flag.pk}").count() == 0  # the panel reads only
    b.logout()

    page = b.login("authority")
    b.go(f"/hr/units/{org.dinas.pk}/?cycle={org.cycle.pk}")
    form = f"#curve-flag-ack-{flag.pk}"
    page.wait_for_selector(form)
    b.shot("curve-flag-open")
    page.click(f"{form} button[type=submit]")  # no reason
    page.wait_for_selector(f"{form} .field-error")
    assert "Alasan wajib diisi." in page.inner_text(f"{form} .field-error")
    page.fill(
        f"#ack-reason-{flag.pk}", "Keputusan keberatan bersifat final; kurva dievaluasi ulang."
    )
    page.click(f"{form} button[type=submit]")
    row = page.wait_for_selector(f"#curve-flags tr[data-flag='{flag.pk}'][data-acknowledged=true]")
    assert "Sudah ditanggapi" in row.inner_text()
    b.shot("curve-flag-acknowledged")
    flag.refresh_from_db()
    assert flag.acknowledged_by == org.users["authority"]


def test_review_form_warns_when_a_unit_head_has_no_unit_predicate(org, passwords, browser):
    from appraisals.models import Position
    from appraisals.services.cycles import cycle_open
    from workflow.actors import system_actor

    from ..factories import EmployeeFactory, PositionFactory, make_unit, supervise
    from ..flow import advance

    bidang = make_unit("DISDIK-SD", "Bidang Pendidikan Dasar", "unit_kerja", org.dinas)
    position = PositionFactory(unit=bidang, kind=Position.Kind.ADMINISTRATOR, heads_unit=True)
    kabid = EmployeeFactory(unit=bidang, position=position, name="Kabid Dikdas")
    supervise(kabid, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[kabid])
    appraisal = advance(
        Appraisal.objects.get(employee=kabid),
        "self_assessed",
        users={**org.users, "employee": kabid.user},
    )
    b = browser
    page = b.login("appraiser")
    open_appraisal(b, appraisal)
    page.click("[data-transition=submit_review]")
    warning = page.wait_for_selector("#unit-head-warning")
    assert "belum ditetapkan" in warning.inner_text()
    b.shot("unit-head-warning")


def test_hr_edits_phase_deadlines_and_sets_a_plan_nobody_drafted(
    org, appraisal, passwords, browser
):
    from notifications.models import PhaseDeadline

    # PermenPANRB 6/2022 annex: the fixture cycle's fallback date (14 January of its year)
    # has passed with the plan still in draft, so HR drafts and sets it.
    year = org.cycle.year
    b = browser
    page = b.login("hr_admin")
    b.go("/hr/cycles/")
    page.click(f"#cycle-link-{org.cycle.pk}")
    page.wait_for_selector("#phase-form")
    assert "Batas waktu tahapan" in page.inner_text("#phases-h")
    page.fill("#p-draft-due_on", f"{year}-01-14")
    page.fill("#p-plan_submitted-due_on", f"{year}-01-30")
    b.shot("cycle-phase-deadlines")
    page.click("#save-phases")
    page.wait_for_selector(".messages .success")
    due = PhaseDeadline.objects.get(cycle=org.cycle, state="plan_submitted").due_on
    assert due == dt.date(year, 1, 30)
    # Closing freezes the cycle (its deadlines too); reopening needs a reason.
    page.click("#close-cycle")
    page.wait_for_selector("#cycle-reopen")
    assert page.is_disabled("#p-draft-due_on") and page.query_selector("#save-phases") is None
    b.shot("cycle-closed")
    page.click("#reopen-cycle")  # no reason: the browser's own check keeps it on the page
    page.fill("#reopen-reason", "Tenggat SKP masih berjalan.")
    page.click("#reopen-cycle")
    page.wait_for_selector("#cycle-close")
    org.cycle.refresh_from_db()
    assert org.cycle.status == "open"

    open_appraisal(b, appraisal)
    page.click("#edit-plan")
    page.fill("#result", "Tersusunnya laporan layanan sekolah")
    page.fill("#indicator-0-name", "Laporan tepat waktu")
    page.select_option("#indicator-0-aspect", "time")
    page.fill("#indicator-0-target", "12 laporan")
    page.click("#add-item")
    page.wait_for_selector("text=Laporan tepat waktu")
    open_appraisal(b, appraisal)
    page.click("#edit-expectations")
    for value in BehaviourValue.values:
        page.fill(f"#exp-{value}", f"Menunjukkan perilaku {value} dalam tugas")
    page.click("#save-expectations")
    page.wait_for_selector("#state")
    page.click("[data-transition=hr_set_plan]")
    page.fill("#f-reason", "SKP belum disusun sampai minggu kedua Januari.")
    b.shot("hr-set-plan")
    page.click("#confirm")
    page.wait_for_selector("[data-state=in_progress]")
    assert state_of(appraisal) == "in_progress"


def test_periodic_evaluation(org, appraisal, passwords, browser, at_state):
    """The appraiser rates an ended quarter (the predicate shows as the ratings change);
    the employee reads it with the feedback, in Indonesian."""
    b = browser
    running = at_state("in_progress")
    page = b.login("appraiser")
    open_appraisal(b, running)
    page.click("#periodic")
    page.wait_for_selector("#periodic-table")
    page.select_option("#period", "1")
    page.select_option("#f-result_rating", "above")
    page.select_option("#f-behaviour_rating", "above")
    assert "Sangat Baik" in page.inner_text("#predicate-preview")
    page.fill("#f-feedback", "Triwulan I melampaui target.")
    b.shot("periodic-rate")
    page.click("#save-periodic")
    page.wait_for_selector(".messages .success")
    assert "Sangat Baik" in page.inner_text("#period-1")
    b.logout()

    page = b.login("employee")
    open_appraisal(b, running)
    page.click("#periodic")
    row = page.inner_text("#period-1")
    assert "Sangat Baik" in row and "Triwulan I melampaui target." in row
    assert "Evaluasi kinerja periodik" in page.inner_text("h1")
    assert page.locator("#periodic-form").count() == 0
    # The period's evaluation document, issued with the rating, downloads from the row.
    with page.expect_download() as download:
        page.click("#download-period-1")
    data = Path(download.value.path()).read_bytes()
    from appraisals.models import IssuedDocument

    issued = IssuedDocument.objects.get(code=page.inner_text("#code-period-1"))
    assert issued.period == 1 and data == bytes(issued.content)
    b.shot("periodic-employee")


def test_hr_keeps_the_working_calendar_and_the_appeal_window_reads_in_wita(
    org, appraisal, passwords, browser, at_state
):
    from appraisals.models import AgencyDay

    b = browser
    page = b.login("hr_admin")
    b.go("/hr/calendar/")
    page.wait_for_selector("#zone-form")
    assert "Kalender kerja" in page.inner_text("h1")
    page.select_option("#z-time_zone", "Asia/Makassar")
    page.click("#save-zone")
    page.wait_for_selector("#zone-now")
    assert "WITA" in page.inner_text("#zone-now")
    page.fill("#d-date", f"{timezone.localdate().year}-12-24")
    page.fill("#d-name", "Cuti bersama Natal")
    page.click("#add-day")
    page.wait_for_selector("#agency-days >> text=Cuti bersama Natal")
    b.shot("hr-calendar")
    day = AgencyDay.objects.get()
    page.click(f"#remove-day-{day.pk}")
    page.wait_for_selector("#agency-days >> text=Belum ada cuti bersama")
    b.logout()

    at_state("result_issued")
    page = b.login("employee")
    open_appraisal(b, appraisal)
    assert "14 hari kalender, sampai pukul 23.59 WITA" in page.inner_text("#appeal-rule")
    assert "WITA" in page.inner_text("#result-received")
    b.shot("appeal-window-wita")


def test_download_the_skp_and_verify_it_on_the_public_page(
    org, appraisal, passwords, browser, at_state, tmp_path
):
    at_state("in_progress")
    skp = document_current_of(appraisal=appraisal, kind=IssuedDocument.Kind.SKP)
    b = browser
    page = b.login("employee")
    open_appraisal(b, appraisal)
    assert page.inner_text("#code-skp") == skp.code
    b.shot("documents")
    with page.expect_download() as download:
        page.click("#download-skp")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pdf" and skp.code in path.name
    assert path.read_bytes() == bytes(skp.content)
    first_page_png(path.read_bytes(), SCREENSHOTS / f"{b.name}-skp-page1.png")
    b.logout()

    # Anyone, signed out: the file matches; the typed code too.
    page = b.go("/verifikasi/")
    assert "Verifikasi dokumen" in page.inner_text("h1")
    page.set_input_files("#file", str(path))
    page.click("#verify-file")
    result = page.wait_for_selector("#verify-result")
    assert result.get_attribute("data-found") == "true"
    assert result.get_attribute("data-superseded") == "false"
    assert org.employee.nip not in page.inner_text("main")
    b.shot("verified-file")
    changed = bytearray(path.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(changed))
    page.set_input_files("#file", str(tampered))
    page.click("#verify-file")
    page.wait_for_selector("#verify-result[data-found=false]")
    b.shot("verified-tampered")
    page.fill("#kode", skp.code.lower())
    page.click("#verify-code")
    page.wait_for_selector("#verify-result[data-found=true]")


def test_the_employee_signs_the_skp_on_the_page_and_the_copy_verifies(
    org,
    appraisal,
    passwords,
    browser,
    at_state,
    tmp_path,
    local_signing,  # noqa: F811
):
    at_state("in_progress")
    b = browser
    page = b.login("employee")
    open_appraisal(b, appraisal)
    assert "Tanda tangani" in page.inner_text("#sign-skp")
    b.shot("sign-skp")
    page.click("#sign-skp")
    page.wait_for_selector("#sign-done")
    assert org.employee.name not in page.inner_text("#signed-by")  # a role, not a name
    b.shot("signed-skp")
    with page.expect_download() as download:
        page.click("#download-signed")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    open_appraisal(b, appraisal)
    page.wait_for_selector("#download-signed-skp")
    assert page.query_selector("#sign-skp") is None
    b.logout()

    page = b.go("/verifikasi/")
    page.set_input_files("#file", str(path))
    page.click("#verify-file")
    result = page.wait_for_selector("#verify-result")
    assert result.get_attribute("data-found") == "true"
    assert org.employee.name in page.inner_text("#verify-signatures")
    assert "utuh" in page.inner_text("#verify-signatures")
    assert "WIB" in page.inner_text("#verify-signatures")  # a local time, not an ISO string
    b.shot("verified-signed-skp")
