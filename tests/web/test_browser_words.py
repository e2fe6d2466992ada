"""Pages speak words in a real browser (issue #16): the employee's timeline holds no engine
code, the inspector reads labels (the codes behind the technical view), and a notification's
link in the inbox is clickable and opens the appraisal's page."""

from __future__ import annotations

import pytest

from notifications.relay import outbox_relay
from tests.flow import ACTOR, add_plan_item, advance, valid_body
from workflow.services import perform

from .test_words import engine_codes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _whole_life(org, appraisal):
    """A plan returned once, an appeal decided, a follow-up approved."""
    users = org.users
    add_plan_item(appraisal, users["employee"])
    for name in ("submit_plan", "return_plan"):
        appraisal.refresh_from_db()
        body = dict(valid_body(name, appraisal))
        reason = body.pop("reason", "")
        perform(appraisal, name, actor=users[ACTOR[name]], payload=body, reason=reason)
    advance(appraisal, "appealed", users=users)
    for name in ("decide_appeal", "propose_decision", "approve_decision"):
        appraisal.refresh_from_db()
        body = dict(valid_body(name, appraisal))
        reason = body.pop("reason", "")
        perform(appraisal, name, actor=users[ACTOR[name]], payload=body, reason=reason)
    appraisal.refresh_from_db()
    return appraisal


def _open_all_details(page):
    page.evaluate("document.querySelectorAll('#timeline details').forEach(d => d.open = true)")


def test_the_timeline_reads_as_words_and_the_inbox_link_opens_the_page(
    org, appraisal, passwords, browser, live_server, settings
):
    # The configured site is the one the browser opens.
    settings.KINERJA_SITE_URL = live_server.url
    appraisal = _whole_life(org, appraisal)
    outbox_relay()
    b = browser

    page = b.login("employee")
    b.go(f"/appraisals/{appraisal.pk}/")
    page.wait_for_selector("#timeline li")
    _open_all_details(page)
    text = page.locator("#timeline").inner_text()
    assert engine_codes(text) == [], engine_codes(text)
    assert "Rencana SKP dikembalikan untuk diperbaiki oleh" in text
    assert "Keberatan diputus oleh" in text and "WIB" in text
    b.shot("timeline-employee")

    b.go("/notifications/")
    link = page.locator(
        f".notification-body a[href='{live_server.url}/appraisals/{appraisal.pk}/']"
    )
    assert link.count() >= 1
    b.shot("inbox")
    link.first.click()
    page.wait_for_url(f"{live_server.url}/appraisals/{appraisal.pk}/")
    page.wait_for_selector("#timeline")
    assert "Staf Pendidikan" in page.locator("h1").first.inner_text()


def test_the_inspector_reads_labels_and_can_open_the_technical_view(
    org, appraisal, passwords, browser
):
    appraisal = _whole_life(org, appraisal)
    b = browser
    page = b.login("inspector")
    b.go(f"/inspect/appraisals/{appraisal.pk}/")
    page.wait_for_selector("#timeline li")
    text = page.locator("#timeline").inner_text()
    assert engine_codes(text) == [], engine_codes(text)
    assert "Periode penilaian" in text
    b.shot("inspector-changes")
    page.click("#view-technical")
    page.wait_for_selector("#timeline[data-view=technical]")
    assert "cycle_id" in page.locator("#timeline").inner_text()
    b.shot("inspector-technical")
