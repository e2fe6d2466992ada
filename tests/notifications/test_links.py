"""Notifications link to pages, on the configured site, and say what happened (issue #16)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings

from notifications.models import InboxItem

pytestmark = pytest.mark.django_db

SITE = "https://kinerja.example.go.id"
LINK = re.compile(r"https?://\S+")


@override_settings(KINERJA_SITE_URL=SITE)
def test_every_link_is_a_page_on_the_site_that_opens_for_its_recipient(
    org, at_state, relay, with_email
):
    appraisal = at_state("decided")
    relay()
    items = list(InboxItem.objects.select_related("user"))
    assert {i.kind for i in items} >= {"appraisal.submit_plan", "appraisal.approve_decision"}
    for item in items:
        links = LINK.findall(item.body)
        assert f"{SITE}/appraisals/{appraisal.pk}/" in links, item.body
        assert f"{SITE}/notifications/preferences/" in links, item.body
        assert not [link for link in links if "/api/" in link], item.body
        client = Client()
        client.force_login(item.user)
        for link in links:
            page = client.get(link.removeprefix(SITE))
            assert page.status_code == 200, (item.kind, item.user, link)
            assert page["Content-Type"].startswith("text/html")


@override_settings(KINERJA_SITE_URL=SITE)
def test_the_email_has_a_clickable_page_link(org, at_state, relay, with_email):
    appraisal = at_state("plan_submitted")
    relay()
    [email] = [m for m in mail.outbox if m.to == [org.users["appraiser"].email]]
    assert f"{SITE}/appraisals/{appraisal.pk}/" in email.body
    [(html, kind)] = email.alternatives
    assert kind == "text/html"
    assert f'<a href="{SITE}/appraisals/{appraisal.pk}/"' in html


def test_the_messages_say_what_was_decided_and_by_whom(org, at_state, relay):
    at_state("decided")
    relay()
    proposed = InboxItem.objects.get(kind="appraisal.propose_decision", user=org.users["authority"])
    assert '"Penghargaan"' in proposed.body and "Satyalancana" in proposed.body
    decided = InboxItem.objects.get(kind="appraisal.approve_decision", user=org.users["employee"])
    assert "Penghargaan" in decided.subject
    actor = org.users["authority"].get_full_name() or "authority"
    assert f'{actor} menyetujui tindak lanjut "Penghargaan"' in decided.body
    assert "800/123/BKPSDM/2027" in decided.body


def test_the_inbox_shows_the_link_clickable(org, at_state, relay):
    appraisal = at_state("plan_submitted")
    relay()
    client = Client()
    client.force_login(org.users["appraiser"])
    html = client.get("/notifications/").content.decode()
    from django.conf import settings

    href = f'<a href="{settings.KINERJA_SITE_URL}/appraisals/{appraisal.pk}/"'
    assert href in html
    assert 'id="preferences-link"' in html


def test_the_preferences_page_saves_language_and_channels(org):
    from notifications.models import Preference

    client = Client()
    client.force_login(org.users["employee"])
    assert client.get("/notifications/preferences/").status_code == 200
    bad = client.post("/notifications/preferences/", {"language": "fr", "inbox": "on"})
    assert bad.status_code == 400 and not Preference.objects.filter(user=org.users["employee"])
    done = client.post("/notifications/preferences/", {"language": "en", "inbox": "on"})
    assert done.status_code == 302
    saved = Preference.objects.get(user=org.users["employee"])
    assert (saved.language, saved.inbox, saved.email) == ("en", True, False)


ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "settings.production",
    "DATABASE_URL": "postgres://kinerja@127.0.0.1:5432/kinerja",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-enough-0123456789",
    "AUDIT_CHECKPOINT_KEY": "k" * 64,
}


def _production_site_url(**env: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.KINERJA_SITE_URL)"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"KINERJA_SITE_URL", "KINERJA_BASE_URL", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_takes_the_site_url_said_or_derives_it_or_refuses():
    said = _production_site_url(
        KINERJA_SITE_URL="https://skp.example.go.id/", ALLOWED_HOSTS="a.example.go.id"
    )
    assert said.stdout.strip().splitlines()[-1] == "https://skp.example.go.id"
    derived = _production_site_url(ALLOWED_HOSTS="kinerja.example.go.id,other.example.go.id")
    assert derived.stdout.strip().splitlines()[-1] == "https://kinerja.example.go.id"
    refused = _production_site_url(ALLOWED_HOSTS="*")
    assert refused.returncode != 0 and "KINERJA_SITE_URL" in refused.stderr
