"""The hash chain: a stable canonical form, and tampering found at its exact place."""

import datetime as dt

import pytest
from django.core.management import call_command

from audit.canonical import GENESIS, canonical_bytes, chain_hash
from audit.models import AuditEvent
from audit.verify import verify_chains

from .tamper import raw

FIXED = {
    "subject": "appraisals.appraisal:42",
    "seq": 1,
    "at": dt.datetime(2026, 1, 31, 2, 0, tzinfo=dt.UTC),
    "actor": "budi",
    "actor_name": "Budi Santoso",
    "action": "submit_plan",
    "from_state": "draft",
    "to_state": "plan_submitted",
    "reason": "Ajukan SKP — tahunan",
    "changes": {"version": [1, 2], "state": ["draft", "plan_submitted"]},
    "scope": "/1/4/",
}
GOLDEN_BYTES = (
    '{"action":"submit_plan","actor":"budi","actor_name":"Budi Santoso",'
    '"at":"2026-01-31T02:00:00.000000Z","changes":{"state":["draft","plan_submitted"],'
    '"version":[1,2]},"from_state":"draft","reason":"Ajukan SKP — tahunan","scope":"/1/4/",'
    '"seq":1,'
    '"subject":"appraisals.appraisal:42","to_state":"plan_submitted","v":1}'
).encode()
# sha256(32 zero bytes || GOLDEN_BYTES), computed once with plain hashlib.
GOLDEN_HASH = "4d50745f1190bf0eb7847a519415d554ad578655540052c48d38cac9b62d4613"


def test_canonical_form_is_pinned():
    assert canonical_bytes(**FIXED) == GOLDEN_BYTES


def test_golden_hash_is_independent_of_key_order_and_time_zone():
    reordered = dict(reversed(list(FIXED.items())))
    reordered["changes"] = {"state": ["draft", "plan_submitted"], "version": [1, 2]}
    reordered["at"] = FIXED["at"].astimezone(dt.timezone(dt.timedelta(hours=7)))
    h1 = chain_hash(GENESIS, canonical_bytes(**FIXED))
    h2 = chain_hash(GENESIS, canonical_bytes(**reordered))
    assert h1 == h2 == GOLDEN_HASH


@pytest.fixture
def chained(org, at_state):
    return at_state("in_progress")


def _raw(sql, params):
    raw(sql, params)  # as a superuser: on PostgreSQL the triggers are off for it


@pytest.mark.django_db
def test_genuine_chains_verify(chained):
    report = verify_chains()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count() > 3


@pytest.mark.django_db
def test_edited_event_is_located(chained):
    event = AuditEvent.objects.filter(subject_id=str(chained.pk), seq=2).get()
    _raw("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["diubah", event.pk])
    problems = verify_chains().problems
    assert problems == [
        {"subject": event.subject, "seq": 2, "event_id": event.pk, "problem": "hash_mismatch"}
    ]


@pytest.mark.django_db
def test_deleted_event_is_located(chained):
    event = AuditEvent.objects.filter(subject_id=str(chained.pk), seq=2).get()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    problems = verify_chains().problems
    assert {(p["seq"], p["problem"]) for p in problems} == {(3, "sequence_gap"), (3, "broken_link")}


@pytest.mark.django_db
def test_swapped_events_are_located(chained):
    a = AuditEvent.objects.get(subject_id=str(chained.pk), seq=2)
    b = AuditEvent.objects.get(subject_id=str(chained.pk), seq=3)
    _raw("UPDATE audit_auditevent SET seq = 99 WHERE id = %s", [a.pk])
    _raw("UPDATE audit_auditevent SET seq = 2 WHERE id = %s", [b.pk])
    _raw("UPDATE audit_auditevent SET seq = 3 WHERE id = %s", [a.pk])
    problems = verify_chains().problems
    assert {p["seq"] for p in problems} >= {2, 3}


@pytest.mark.django_db
def test_verify_command_exits_1_on_tampering(chained, capsys):
    call_command("verify_audit")
    event = AuditEvent.objects.filter(subject_id=str(chained.pk)).last()
    _raw("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["mallory", event.pk])
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit")
    assert exit_.value.code == 1
    assert '"ok": false' in capsys.readouterr().out


@pytest.mark.django_db
def test_application_cannot_change_or_delete_events(chained):
    event = AuditEvent.objects.first()
    event.reason = "diubah"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_verify_endpoint_is_for_inspectors(org, chained, api):
    assert api(org.users["inspector"]).get("/api/audit/verify/").json()["ok"] is True
    for persona in ("employee", "appraiser", "hr_admin", "authority"):
        assert api(org.users[persona]).get("/api/audit/verify/").status_code == 403
        assert api(org.users[persona]).get("/api/audit/events/").status_code == 403


@pytest.mark.django_db
def test_events_search(org, chained, api):
    client = api(org.users["inspector"])
    body = client.get("/api/audit/events/", {"action": "approve_plan"}).json()
    assert body["count"] == 1
    assert body["results"][0]["actor"]["username"] == "appraiser"
    body = client.get(
        "/api/audit/events/", {"subject": f"appraisals.appraisal:{chained.pk}"}
    ).json()
    assert body["count"] == AuditEvent.objects.filter(subject_id=str(chained.pk)).count()
    assert client.get("/api/audit/events/", {"actor": "nobody"}).json()["count"] == 0


@pytest.mark.django_db
def test_events_carry_the_subjects_scope(org, chained):
    scopes = set(
        AuditEvent.objects.filter(subject_id=str(chained.pk)).values_list("scope", flat=True)
    )
    assert scopes == {org.dinas.path}


def test_the_canonical_form_refuses_what_json_cannot_state_exactly():
    """NaN and infinity have no JSON spelling; hashing Python's would fix a non-standard one."""
    event = {
        "subject": "appraisals.appraisal:1",
        "seq": 1,
        "at": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
        "actor": "hr_admin",
        "actor_name": "HR",
        "action": "note",
        "from_state": "",
        "to_state": "",
        "reason": "",
    }
    assert canonical_bytes(**event, changes={"score": 1.5})
    for odd in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            canonical_bytes(**event, changes={"score": odd})
    # Without a scope the form is the same as with an empty one.
    assert canonical_bytes(**event, changes={}) == canonical_bytes(**event, changes={}, scope="")
