"""The toy gets its page, buttons, forms, diagram and notifications from its table alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from notifications.models import InboxItem, OutboxEvent
from notifications.relay import outbox_relay
from workflow.services import perform
from workflow.signals import transition_committed

from .models import Toy

pytestmark = pytest.mark.django_db


def test_the_toy_is_only_a_table_a_model_a_migration_and_tests():
    """The acceptance line: nothing else was written for it (no view, URL, template)."""
    here = Path(__file__).parent
    files = {
        p.relative_to(here).as_posix() for p in here.rglob("*") if "__pycache__" not in p.parts
    }
    code = {f for f in files if not Path(f).name.startswith("test_")}
    assert code == {
        "__init__.py",
        "conftest.py",
        "factories.py",
        "lifecycle.py",
        "models.py",
        "migrations",
        "migrations/__init__.py",
        "migrations/0001_initial.py",
    }
    assert "tests.toyflow" not in settings.ROOT_URLCONF


def test_its_page_shows_state_buttons_and_timeline(client, toy, owner, stranger):
    client.force_login(owner)
    html = client.get(f"/toys/{toy.pk}/").content.decode()
    assert 'id="state" data-state="draft"' in html
    # No payload, no reason: a one-click button posting the version it saw.
    assert f'action="/toys/{toy.pk}/do/submit/"' in html
    assert 'data-transition="submit"' in html and 'data-transition="withdraw"' in html
    assert 'id="timeline"' in html and "toy.created" in html
    client.force_login(stranger)
    assert client.get(f"/toys/{toy.pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, toy):
    response = client.get(f"/toys/{toy.pk}/")
    assert response.status_code == 302 and "/login/" in response.url


def test_a_button_fires_and_comes_back_to_the_page(client, toy, owner):
    client.force_login(owner)
    response = client.post(f"/toys/{toy.pk}/do/submit/", {"version": "1"})
    assert response.status_code == 302 and response.url == f"/toys/{toy.pk}/"
    assert Toy.objects.get(pk=toy.pk).state == "submitted"


def test_a_form_is_generated_from_the_payload_and_keeps_errors_inline(client, toy, owner, reviewer):
    perform(toy, "submit", actor=owner)
    client.force_login(reviewer)
    form = client.get(f"/toys/{toy.pk}/do/approve/").content.decode()
    assert re.search(r'<select id="f-grade" name="grade"', form)
    assert '<option value="good"' in form and '<option value="fair"' in form
    refused = client.post(f"/toys/{toy.pk}/do/approve/", {"version": "2", "grade": "bad"})
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    assert Toy.objects.get(pk=toy.pk).state == "submitted"
    done = client.post(f"/toys/{toy.pk}/do/approve/", {"version": "2", "grade": "good"})
    assert done.status_code == 302
    assert Toy.objects.get(pk=toy.pk).grade == "good"


def test_a_form_not_open_to_the_user_says_so(client, toy, owner):
    client.force_login(owner)
    response = client.get(f"/toys/{toy.pk}/do/approve/")
    assert response.status_code == 403
    assert 'id="transition-form"' not in response.content.decode()


def test_its_diagram_is_drawn_from_the_table(client, api, owner):
    client.force_login(owner)
    html = client.get("/lifecycle/toy/").content.decode()
    svg = html.split('id="lifecycle-diagram"', 1)[1].split("</svg>", 1)[0]
    assert re.findall(r'class="state" data-state="(\w+)"', svg) == [
        "draft",
        "submitted",
        "approved",
        "withdrawn",
    ]
    assert set(re.findall(r'data-transition="(\w+)"', svg)) == {
        "submit",
        "return_toy",
        "approve",
        "withdraw",
    }
    mermaid = api(owner).get("/api/workflows/toy/diagram/?format=mermaid").content.decode()
    assert "draft --> submitted: submit" in mermaid


def test_notified_on_commit_only(toy, owner, reviewer, django_capture_on_commit_callbacks):
    announced = []

    def receiver(sender, **kwargs):
        announced.append(kwargs["transition"])

    transition_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            perform(toy, "submit", actor=owner)
        # The outbox row commits with the change; nothing has left yet.
        event = OutboxEvent.objects.get(kind="toy.submit")
        assert event.data["reviewer_id"] == reviewer.pk
        assert announced == [] and InboxItem.objects.count() == 0
        for callback in callbacks:
            callback()
        assert announced == ["submit"]
    finally:
        transition_committed.disconnect(receiver)
    outbox_relay()
    item = InboxItem.objects.get(kind="toy.submit")
    # The table's audience: the reviewer; never the actor.
    assert item.user == reviewer
    assert item.subject == f"[Kinerja] Ajukan: Toy {toy.pk}: Mainan kayu"
    assert "Konsep → Diajukan" in item.body and f"/toys/{toy.pk}/" in item.body


def test_a_rolled_back_transition_notifies_nobody(toy, owner, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        perform(toy, "submit", actor=owner)
        raise RuntimeError("boom")
    assert callbacks == []
    outbox_relay()
    assert OutboxEvent.objects.filter(kind__startswith="toy.").count() == 0
    assert InboxItem.objects.count() == 0


def test_the_default_audience_tells_both_but_the_actor(toy, owner, reviewer):
    perform(toy, "withdraw", actor=owner, reason="Tidak jadi")
    outbox_relay()
    assert list(InboxItem.objects.values_list("user", flat=True)) == [reviewer.pk]
    assert "Alasan: Tidak jadi" in InboxItem.objects.get().body
