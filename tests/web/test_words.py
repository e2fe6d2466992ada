"""Pages speak words, not engine codes (issue #16): the employee's timeline, the decision
forms' history and the inspector's pages (labels by default, the recorded codes behind the
technical view)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.flow import ACTOR, add_plan_item, advance, valid_body
from workflow.services import perform

pytestmark = pytest.mark.django_db

# What a person must never read on the timeline: a snake_case token (`result_rating`,
# `cycle_open`), a dotted code (`appraisal.created`), Python dict text, an ISO timestamp.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\b")
DICT = re.compile(r"[{}]")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")


def visible(html: str, element_id: str) -> str:
    """The text a person reads inside the element with `element_id` (tags and attributes
    dropped, entities decoded)."""
    import html as html_lib

    start = html.index(f'id="{element_id}"')
    start = html.index(">", start) + 1
    tag = html[html.rindex("<", 0, start) + 1 :].split()[0]
    end = html.index(f"</{tag}>", start)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html[start:end]))


def engine_codes(text: str) -> list[str]:
    return [
        *SNAKE.findall(text),
        *DOTTED.findall(text),
        *DICT.findall(text),
        *ISO.findall(text),
    ]


def signed_in(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def fire(appraisal, name: str, users, **extra) -> None:
    appraisal.refresh_from_db()
    body = dict(valid_body(name, appraisal))
    reason = body.pop("reason", "")
    perform(appraisal, name, actor=users[ACTOR[name]], payload=body, reason=reason, **extra)
    appraisal.refresh_from_db()


@pytest.fixture
def whole_life(org, appraisal):
    """An appraisal through the whole lifecycle: a plan returned and submitted again, rated,
    discussed, issued, appealed, the appeal decided (revised), a follow-up proposed and
    approved. Returns the appraisal and the decision form's page as the reviewer saw it."""
    users = org.users
    add_plan_item(appraisal, users["employee"])
    fire(appraisal, "submit_plan", users)
    fire(appraisal, "return_plan", users)
    advance(appraisal, "appealed", users=users)
    form = signed_in(users["superior"]).get(
        reverse("web:transition", args=[appraisal.pk, "decide_appeal"])
    )
    for name in ("decide_appeal", "propose_decision", "approve_decision"):
        fire(appraisal, name, users)
    assert appraisal.state == "decided"
    return appraisal, form


def test_the_employees_timeline_reads_as_words(org, whole_life):
    appraisal, _form = whole_life
    page = signed_in(org.users["employee"]).get(reverse("web:appraisal", args=[appraisal.pk]))
    assert page.status_code == 200
    text = visible(page.content.decode(), "timeline")
    events = AuditEvent.objects.filter(subject_id=str(appraisal.pk))
    assert {"appraisal.created", "return_plan", "decide_appeal"} <= set(
        events.values_list("action", flat=True)
    )
    assert engine_codes(text) == [], engine_codes(text)
    # Sentences, labels, reasons by their message, local times as the agency reads them.
    for words in (
        "Penilaian dibuka oleh Sistem Kinerja",
        "Rencana SKP diajukan oleh",
        "Rencana SKP dikembalikan untuk diperbaiki oleh",
        "Perbaiki target.",
        "Periode penilaian dibuka: " + appraisal.cycle.name,
        "Keberatan diajukan oleh",
        "Keberatan diputus oleh",
        "Rating hasil kerja: Di atas ekspektasi",
        "Predikat kinerja: Sangat Baik → Baik",
        "Putusan: Hasil diubah",
        "Jenis: Penghargaan",
        "SKP diajukan → Penyusunan SKP",
        "Pejabat penilai kinerja: Kepala Bidang",
    ):
        assert words in text, words
    assert re.search(
        r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4} \d{2}:\d{2} WIB", text
    )


def test_the_timeline_in_english_and_in_the_agencys_zone(org, whole_life):
    appraisal, _form = whole_life
    org.instansi.time_zone = "Asia/Makassar"
    org.instansi.save(update_fields=["time_zone"])
    page = signed_in(org.users["employee"], "en").get(reverse("web:appraisal", args=[appraisal.pk]))
    text = visible(page.content.decode(), "timeline")
    assert engine_codes(text) == [], engine_codes(text)
    assert "Plan returned for revision by" in text and "Result rating: Above expectations" in text
    assert " WITA" in text and " WIB" not in text


def test_the_decision_forms_history_reads_as_words(whole_life):
    _appraisal, form = whole_life
    assert form.status_code == 200
    text = visible(form.content.decode(), "timeline")
    assert "Keberatan diajukan oleh" in text
    assert engine_codes(text) == [], engine_codes(text)


def test_a_reason_written_as_an_unknown_code_shows_its_words_only(org, appraisal):
    from django.utils import translation

    from appraisals.web.history import reason_text

    with translation.override("id"):
        assert reason_text("cycle_open: Penilaian Kinerja 2027") == (
            "Periode penilaian dibuka: Penilaian Kinerja 2027"
        )
        assert reason_text("some_future.code: Kata-kata HR") == "Kata-kata HR"
        assert reason_text("Perbaiki target.") == "Perbaiki target."


# -- the inspector: words by default, the recorded form behind the technical view --------


def test_the_inspectors_timeline_shows_labels_and_keeps_the_raw_form_behind_a_switch(
    org, whole_life
):
    appraisal, _form = whole_life
    inspector = signed_in(org.users["inspector"])
    url = reverse("web:inspect-appraisal", args=[appraisal.pk])
    html = inspector.get(url).content.decode()
    text = visible(html, "timeline")
    assert engine_codes(text) == [], engine_codes(text)
    assert "Periode penilaian" in text and appraisal.cycle.name in text
    assert 'data-field="cycle_id"' in html  # the key stays an attribute, for tools
    assert 'id="view-technical"' in html and "?raw=1" in html

    raw = inspector.get(url, {"raw": "1"}).content.decode()
    raw_text = visible(raw, "timeline")
    assert "<code>cycle_id</code>" in raw and "appraisal.created" in raw_text
    assert "{'result': 'Meningkatnya mutu layanan pendidikan'" in raw_text  # as recorded
    assert 'data-view="technical"' in raw and 'id="view-words"' in raw


def test_the_audit_search_and_the_read_log_speak_words(org, whole_life):
    appraisal, _form = whole_life
    inspector = signed_in(org.users["inspector"])
    inspector.get(reverse("web:inspect-appraisal", args=[appraisal.pk]))
    signed_in(org.users["employee"]).get(reverse("web:appraisal", args=[appraisal.pk]))

    search = inspector.get(reverse("web:inspect")).content.decode()
    text = visible(search, "audit-results")
    assert "Keberatan diputus" in text and "Periode penilaian dibuka" in text
    assert engine_codes(text) == [], engine_codes(text)
    raw = visible(
        inspector.get(reverse("web:inspect"), {"raw": "1"}).content.decode(), "audit-results"
    )
    assert "decide_appeal" in raw and "cycle_open" in raw

    reads = inspector.get(reverse("web:inspect-reads")).content.decode()
    text = visible(reads, "read-results")
    assert "Halaman pemeriksa" in text and "Halaman penilaian" in text
    assert "web.inspect" not in text and "web.appraisal" not in text
    raw = inspector.get(reverse("web:inspect-reads"), {"raw": "1"}).content.decode()
    assert "<code>web.inspect</code>" in raw and "<code>web.appraisal</code>" in raw
