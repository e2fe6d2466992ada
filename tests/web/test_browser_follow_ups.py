"""Several follow-ups and the talent pool in a real browser (issue #18, parts 1 and 4)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from appraisals.models import Appraisal, Cycle

from ..appraisals.test_talent_pool import _person
from ..factories import make_cycle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_authority_decides_each_of_two_proposals(org, appraisal, passwords, browser, at_state):
    at_state("decision_proposed")  # the panel proposed an award
    b = browser
    page = b.login("panel")
    b.go(f"/appraisals/{appraisal.pk}/")
    page.click("[data-transition=propose_decision]")
    page.select_option("#f-kind", "development")
    page.fill("#f-details", "Pelatihan kepemimpinan 40 JP")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decision_proposed]")
    assert page.locator("#decisions .decision").count() == 2
    b.logout()

    page = b.login("authority")
    b.go(f"/appraisals/{appraisal.pk}/")
    development = appraisal.decisions.get(kind="development")
    b.shot("two-follow-ups")
    page.click(f"[data-decision='{development.pk}'] [data-decide=approve_decision]")
    assert page.input_value("#f-decision") == str(development.pk)
    page.fill("#f-reference_number", "800/21/BKPSDM/2027")
    page.fill("#f-effective_date", "2027-03-01")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decision_proposed]")  # the award still waits
    award = appraisal.decisions.get(kind="award")
    page.click(f"[data-decision='{award.pk}'] [data-decide=approve_decision]")
    page.fill("#f-reference_number", "800/22/BKPSDM/2027")
    page.fill("#f-effective_date", "2027-03-01")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decided]")
    assert set(appraisal.decisions.values_list("status", flat=True)) == {"approved"}


def test_hr_reads_the_talent_pool_and_the_panel_proposes_from_it(org, passwords, browser):
    y = org.cycle.year
    make_cycle(org.instansi, year=y - 1)
    star = _person(org, "Bintang Kinerja", {y - 1: "sangat_baik", y: "sangat_baik"})
    latest = Appraisal.objects.get(employee=star, cycle=org.cycle)
    assert Cycle.objects.filter(instansi=org.instansi).count() == 2
    b = browser
    page = b.login("hr_admin")
    b.go(f"/hr/units/{org.instansi.pk}/?cycle={org.cycle.pk}")
    page.click("#talent-link")
    page.wait_for_selector("#talent-pool")
    assert "Bintang Kinerja" in page.inner_text("#talent-pool")
    assert page.inner_text("h1") == "Kelompok talenta"
    b.shot("talent-pool")
    with page.expect_download() as caught:
        page.click("#talent-xlsx")
    sheet = load_workbook(io.BytesIO(caught.value.path().read_bytes())).active
    assert star.nip in [row[0] for row in sheet.iter_rows(values_only=True)]
    b.logout()

    page = b.login("panel")
    b.go(f"/hr/units/{org.instansi.pk}/talent/")
    page.click(f"[data-propose='{latest.pk}']")
    assert page.input_value("#f-kind") == "promotion"
    page.fill("#f-details", "Calon promosi jabatan administrator")
    page.click("#confirm")
    page.wait_for_selector("[data-state=decision_proposed]")
    assert latest.decisions.get().kind == "promotion"
