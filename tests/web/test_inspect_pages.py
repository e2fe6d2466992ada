"""The inspector's pages: search and the read log scoped like the API, a timeline
with every event and its diffs, a badge that finds tampering at its place, and
an evidence bundle the standalone verifier accepts. Inspectors change nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from audit import verify_bundle
from audit.checkpoints import checkpoint_seal
from audit.models import AuditEvent, ReadAccess
from workflow.actors import system_actor

from ..audit.tamper import raw
from ..factories import EmployeeFactory, UserFactory, assign_role, supervise
from ..flow import advance

pytestmark = pytest.mark.django_db
SEARCH = reverse("web:inspect")
READS = reverse("web:inspect-reads")


def timeline_url(appraisal) -> str:
    return reverse("web:inspect-appraisal", args=[appraisal.pk])


def subject(appraisal) -> str:
    return f"appraisals.appraisal:{appraisal.pk}"


@pytest.fixture
def other_appraisal(org):
    """The outsider's appraisal, in Dinas Kesehatan."""
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    return Appraisal.objects.get(cycle=org.cycle, employee=org.outsider)


@pytest.fixture
def histories(org, appraisal, other_appraisal):
    users = {**org.users, "employee": org.outsider.user, "appraiser": org.other_appraiser.user}
    first = advance(appraisal, "in_progress", users=org.users)
    second = advance(other_appraisal, "plan_submitted", users=users)
    return first, second


@pytest.fixture
def dinas_inspector(org):
    """An inspector of Dinas Pendidikan only."""
    user = UserFactory(username="inspektur_disdik")
    assign_role(user, "inspector", org.dinas)
    return user


@pytest.fixture
def inspector(client, org):
    client.force_login(org.users["inspector"])
    return client


def result_rows(response) -> list[str]:
    """The data-subject of each row of the results table."""
    html = response.content.decode()
    return re.findall(r'<tr data-event="\d+" data-subject="([^"]+)"', html)


def seqs_in_timeline(response) -> list[int]:
    return [
        int(s)
        for s in re.findall(r'<li id="event-\d+" data-seq="(\d+)"', response.content.decode())
    ]


def badge(response) -> tuple[str, str | None]:
    html = response.content.decode()
    found = re.search(r'id="verify-badge" data-ok="(true|false)"(?: data-seq="(\d+)")?', html)
    assert found, html
    return found.group(1), found.group(2)


def broken_seqs(response) -> list[int]:
    html = response.content.decode()
    return [int(s) for s in re.findall(r'data-seq="(\d+)" class="broken"', html)]


# -- who may come in -------------------------------------------------------------


@pytest.mark.parametrize("name", ["web:inspect", "web:inspect-reads"])
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_anonymous_timeline_is_sent_to_login(client, appraisal):
    response = client.get(timeline_url(appraisal))
    assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


@pytest.mark.parametrize("persona", ["employee", "appraiser", "superior", "hr_admin", "panel"])
def test_non_inspectors_get_403_and_change_nothing(client, org, histories, persona):
    first, _ = histories
    client.force_login(org.users[persona])
    events, reads = AuditEvent.objects.count(), ReadAccess.objects.count()
    for url in (SEARCH, READS, timeline_url(first), f"{SEARCH}?subject={subject(first)}"):
        assert client.get(url).status_code == 403, url
    # The API says the same to the same people.
    assert client.get("/api/audit/events/").status_code == 403
    assert client.get("/api/audit/bundle/", {"subject": subject(first)}).status_code == 403
    assert (AuditEvent.objects.count(), ReadAccess.objects.count()) == (events, reads)


def test_inspector_outside_scope_gets_404(client, histories, dinas_inspector):
    _, second = histories
    client.force_login(dinas_inspector)
    reads = ReadAccess.objects.count()
    assert client.get(timeline_url(second)).status_code == 404
    assert client.get(reverse("web:inspect-appraisal", args=[999999])).status_code == 404
    assert ReadAccess.objects.count() == reads


def test_inspector_pages_do_not_write(inspector, histories):
    first, _ = histories
    before = AuditEvent.objects.count()
    assert inspector.post(SEARCH).status_code == 405
    assert inspector.post(timeline_url(first)).status_code == 405
    assert AuditEvent.objects.count() == before


# -- search ----------------------------------------------------------------------


def test_search_lists_every_event_in_scope_newest_first(inspector, histories):
    first, second = histories
    response = inspector.get(SEARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="audit-search"' in html and 'id="audit-results"' in html
    ids = [int(i) for i in re.findall(r'<tr data-event="(\d+)"', html)]
    assert ids == list(AuditEvent.objects.order_by("-at", "-id").values_list("id", flat=True))
    # Appraisal rows link to the inspector's timeline.
    assert f'href="{timeline_url(first)}#event-' in html
    assert f'href="{timeline_url(second)}#event-' in html


def test_search_filters_like_the_api(inspector, org, histories):
    first, second = histories
    mine = subject(first)
    assert set(result_rows(inspector.get(SEARCH, {"subject": mine}))) == {mine}
    assert set(result_rows(inspector.get(SEARCH, {"subject": str(second.pk)}))) == {subject(second)}
    by_unit = result_rows(inspector.get(SEARCH, {"unit": org.dinas.pk}))
    assert len(by_unit) == AuditEvent.objects.filter(scope__startswith=org.dinas.path).count()
    assert set(by_unit) == {mine}
    assert result_rows(inspector.get(SEARCH, {"unit": 999999})) == []
    by_actor = inspector.get(SEARCH, {"actor": "appraiser", "action": "approve_plan"})
    assert result_rows(by_actor) == [mine]
    api = inspector.get(
        "/api/audit/events/", {"actor": "appraiser", "action": "approve_plan"}
    ).json()
    assert [e["subject"] for e in api["results"]] == result_rows(by_actor)
    later = (timezone.localtime() + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert result_rows(inspector.get(SEARCH, {"since": later})) == []
    assert len(result_rows(inspector.get(SEARCH, {"until": later}))) == AuditEvent.objects.count()


def test_invalid_filter_is_400_and_lists_nothing(inspector, histories):
    response = inspector.get(SEARCH, {"since": "kemarin"})
    assert response.status_code == 400
    assert result_rows(response) == []
    assert 'class="field-error"' in response.content.decode()


def test_search_is_scoped_to_the_inspectors_units(client, org, histories, dinas_inspector):
    first, second = histories
    client.force_login(dinas_inspector)
    assert set(result_rows(client.get(SEARCH))) == {subject(first)}
    assert result_rows(client.get(SEARCH, {"subject": subject(second)})) == []
    assert result_rows(client.get(SEARCH, {"unit": org.other_dinas.pk})) == []


def test_search_pages_are_bounded(inspector, histories):
    total = AuditEvent.objects.count()
    first = inspector.get(SEARCH, {"page_size": 2})
    assert len(result_rows(first)) == 2
    assert "page=2" in first.content.decode()
    huge = inspector.get(SEARCH, {"page_size": 10**9})
    assert len(result_rows(huge)) == min(total, 200)
    beyond = inspector.get(SEARCH, {"page_size": 2, "page": 9999})  # the last page
    assert len(result_rows(beyond)) == total - 2 * ((total - 1) // 2)


# -- read-access log ------------------------------------------------------------


def test_read_log_shows_who_opened_what_in_scope(client, org, histories, dinas_inspector):
    first, second = histories
    client.force_login(org.users["inspector"])
    client.get(timeline_url(first))
    client.get(timeline_url(second))
    response = client.get(READS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="read-results"' in html
    assert (
        f'data-subject="{subject(first)}"' in html and f'data-subject="{subject(second)}"' in html
    )
    by_reader = client.get(READS, {"reader": "inspector", "subject": subject(first)})
    rows = re.findall(r'<tr data-read="\d+" data-subject="([^"]+)"', by_reader.content.decode())
    assert rows == [subject(first)]
    client.force_login(dinas_inspector)
    rows = re.findall(r'data-subject="([^"]+)"', client.get(READS).content.decode())
    assert subject(second) not in rows and subject(first) in rows


# -- the timeline ----------------------------------------------------------------


def test_timeline_shows_every_event_with_diffs_actors_and_reasons(inspector, org, at_state):
    appraisal = at_state("plan_submitted")
    from workflow.services import perform

    perform(appraisal, "return_plan", actor=org.users["appraiser"], reason="Perbaiki target.")
    response = inspector.get(timeline_url(appraisal))
    assert response.status_code == 200
    html = response.content.decode()
    events = list(AuditEvent.objects.filter(subject_id=str(appraisal.pk)).order_by("seq"))
    assert seqs_in_timeline(response) == [e.seq for e in events]  # oldest first, all of them
    assert 'id="timeline"' in html
    assert "Perbaiki target." in html
    returned = events[-1]
    assert returned.action == "return_plan"
    assert f"{returned.actor_name} (appraiser)" in html  # the actor, by name and user name
    # The field diff of the return: state plan_submitted -> draft, version n -> n+1.
    for field in returned.changes:
        assert f'<tr data-field="{field}">' in html
    # The recorded codes behind the technical view (issue #16: words by default).
    raw = inspector.get(timeline_url(appraisal), {"raw": "1"}).content.decode()
    state_row = "<td><code>state</code></td><td>plan_submitted</td><td>draft</td>"
    assert f'<tr data-field="state">{state_row}' in raw


def test_opening_the_timeline_records_a_read(inspector, org, histories):
    first, _ = histories
    inspector.get(timeline_url(first))
    read = ReadAccess.objects.order_by("-id").first()
    assert (read.reader_username, read.subject_id, read.purpose) == (
        "inspector",
        str(first.pk),
        "web.inspect",
    )
    assert read.scope == first.unit.path


def test_badge_says_intact_for_a_genuine_chain(inspector, histories):
    first, _ = histories
    assert badge(inspector.get(timeline_url(first))) == ("true", None)
    checkpoint_seal()
    response = inspector.get(timeline_url(first))
    assert badge(response) == ("true", None)
    assert broken_seqs(response) == []


@pytest.mark.parametrize("sealed", [False, True])
def test_badge_finds_an_edited_event_at_its_seq(inspector, histories, sealed):
    first, _ = histories
    if sealed:
        checkpoint_seal()
    event = AuditEvent.objects.get(subject_id=str(first.pk), seq=3)
    raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["dipalsukan", event.pk])
    response = inspector.get(timeline_url(first))
    assert badge(response) == ("false", "3")
    assert broken_seqs(response) == [3]
    assert "hash_mismatch" in response.content.decode()


def test_badge_finds_a_careful_rewrite_against_the_checkpoint(inspector, histories):
    """Hashes recomputed from seq 2 on: only the checkpoint can tell."""
    from audit.canonical import chain_hash

    first, _ = histories
    checkpoint_seal()
    events = list(AuditEvent.objects.filter(subject_id=str(first.pk)).order_by("seq"))
    prev = events[0].hash
    for event in events[1:]:
        event.reason = "ditulis ulang" if event.seq == 2 else event.reason
        digest = chain_hash(prev, event.canonical())
        raw(
            "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.reason, prev, digest, event.pk],
        )
        prev = digest
    response = inspector.get(timeline_url(first))
    assert badge(response) == ("false", "2")
    assert "sealed_event_changed" in response.content.decode()


def test_badge_finds_a_live_record_that_left_its_chain(inspector, histories):
    first, _ = histories
    Appraisal.objects.filter(pk=first.pk).update(state="final")  # behind the engine's back
    response = inspector.get(timeline_url(first))
    head = AuditEvent.objects.filter(subject_id=str(first.pk)).order_by("-seq").first()
    assert badge(response) == ("false", str(head.seq))
    assert "record_disagrees" in response.content.decode()


def test_badge_finds_a_deleted_event(inspector, histories):
    first, _ = histories
    raw(
        "DELETE FROM audit_auditevent WHERE subject_id = %s AND seq = 2",
        [str(first.pk)],
    )
    response = inspector.get(timeline_url(first))
    ok, seq = badge(response)
    assert ok == "false" and seq == "3"  # the first event after the gap
    assert "sequence_gap" in response.content.decode()


# -- the evidence bundle ---------------------------------------------------------


def test_bundle_download_is_accepted_by_the_verifier(inspector, histories):
    first, _ = histories
    checkpoint_seal()
    page = inspector.get(timeline_url(first)).content.decode()
    href = re.search(r'<a href="([^"]+)" id="bundle-download"', page).group(1).replace("&amp;", "&")
    response = inspector.get(href)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    result = verify_bundle.verify(response.content, key=settings.AUDIT_CHECKPOINT_KEY.encode())
    assert result["ok"], result["problems"]
    assert result["events"] == AuditEvent.objects.filter(subject_id=str(first.pk)).count()


def test_bundle_of_an_appraisal_outside_scope_is_404(client, histories, dinas_inspector):
    _, second = histories
    client.force_login(dinas_inspector)
    response = client.get("/api/audit/bundle/", {"subject": subject(second)})
    assert response.status_code == 404


# -- fixed number of queries -----------------------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_timeline_queries_do_not_grow_with_its_length(client, org, other_appraisal, at_state):
    client.force_login(org.users["inspector"])
    short = other_appraisal  # draft: its creation only
    long = at_state("decided")
    checkpoint_seal()
    assert AuditEvent.objects.filter(subject_id=str(long.pk)).count() > 2 * (
        AuditEvent.objects.filter(subject_id=str(short.pk)).count()
    )
    client.get(timeline_url(short))  # warm the session and caches alike
    assert _queries(client, timeline_url(short)) == _queries(client, timeline_url(long))


def test_search_and_read_log_queries_do_not_grow_with_the_page(client, org, histories):
    first, second = histories
    client.force_login(org.users["inspector"])
    for _ in range(3):
        client.get(timeline_url(first))
        client.get(timeline_url(second))
    client.get(SEARCH)
    one = _queries(client, SEARCH, {"page_size": 1})
    many = _queries(client, SEARCH, {"page_size": 200})
    assert one == many
    assert _queries(client, READS, {"page_size": 1}) == _queries(client, READS, {"page_size": 200})


def test_more_appraisals_same_queries(client, org, histories):
    """Rows of many subjects (names looked up once per page, not per row)."""
    client.force_login(org.users["inspector"])
    client.get(SEARCH)
    before = _queries(client, SEARCH)
    employees = []
    for n in range(4):
        employee = EmployeeFactory(unit=org.dinas, user__username=f"pegawai{n}")
        supervise(employee, org.appraiser)
        employees.append(employee)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=employees)
    assert _queries(client, SEARCH) == before
