"""Everyone's pages, through Django's test client: the whole lifecycle by forms only,
errors shown beside their fields with the input kept, and the policy on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from appraisals.models import Appraisal, BehaviourValue
from appraisals.models.appraisal import Indicator
from appraisals.services.cycles import cycle_open
from audit.models import AuditEvent
from tests.factories import EmployeeFactory, supervise
from tests.flow import add_plan_item, advance
from tests.web.conftest import url
from workflow.actors import system_actor
from workflow.services import perform

pytestmark = pytest.mark.django_db


def fire(client: Client, appraisal: Appraisal, name: str, **fields):
    appraisal.refresh_from_db()
    return client.post(
        url("transition", appraisal.pk, name), {"version": appraisal.version, **fields}
    )


def test_anonymous_is_sent_to_login(pages, appraisal):
    for path in (url("home"), url("appraisals"), url("appraisal", appraisal.pk)):
        response = pages().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))


def test_login_page_is_indonesian_by_default_and_signs_in(org, pages):
    org.users["employee"].set_password("rahasia-kuat-2026")
    org.users["employee"].save()
    client = pages()
    page = client.get(url("login")).content.decode()
    assert 'lang="id"' in page and "Masuk" in page
    response = client.post(url("login"), {"username": "employee", "password": "rahasia-kuat-2026"})
    assert response.status_code == 302 and response["Location"] == url("home")
    assert client.get(url("home")).status_code == 200


def test_failed_logins_are_throttled(org, pages, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    org.users["employee"].set_password("rahasia-kuat-2026")
    org.users["employee"].save()
    client = pages()
    wrong = {"username": "employee", "password": "x"}
    for _ in range(3):
        assert client.post(url("login"), wrong).status_code == 200
    # Even the right password waits now: the address is throttled.
    blocked = client.post(url("login"), {"username": "employee", "password": "rahasia-kuat-2026"})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(pages):
    client = pages("employee")
    assert client.get(url("logout")).status_code == 405
    assert client.post(url("logout")).status_code == 302
    assert client.get(url("home")).status_code == 302


def test_whole_lifecycle_through_the_pages(org, appraisal, pages):
    employee, appraiser = pages("employee"), pages("appraiser")

    # The plan: a missing result is refused beside its field, and the input stays.
    page = employee.post(
        url("plan", appraisal.pk),
        {
            "version": appraisal.version,
            "result": "",
            "indicator-0-name": "Sekolah terakreditasi",
            "indicator-0-aspect": "quantity",
            "indicator-0-target": "12 sekolah",
        },
    )
    assert page.status_code == 400
    assert page.context["errors"].fields["result"]
    assert 'value="Sekolah terakreditasi"' in page.content.decode()
    assert not appraisal.plan_items.exists()
    page = employee.post(
        url("plan", appraisal.pk),
        {
            "version": appraisal.version,
            "result": "Meningkatnya mutu layanan pendidikan",
            "indicator-0-name": "Sekolah terakreditasi",
            "indicator-0-aspect": "quantity",
            "indicator-0-target": "12 sekolah",
        },
    )
    assert page.status_code == 302
    assert appraisal.plan_items.get().indicators.get().target == "12 sekolah"

    assert fire(employee, appraisal, "submit_plan").status_code == 302
    # The appraiser cannot approve before writing the seven expectations.
    detail = appraiser.get(url("appraisal", appraisal.pk))
    approve = next(a for a in detail.context["actions"] if a["name"] == "approve_plan")
    assert approve["unmet"]
    response = appraiser.post(
        url("expectations", appraisal.pk),
        {"version": Appraisal.objects.get(pk=appraisal.pk).version}
        | {v: f"Harapan {v}" for v in BehaviourValue.values},
    )
    assert response.status_code == 302
    response = appraiser.post(url("bulk-approve"), {"appraisal": [appraisal.pk]})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.state == "in_progress"

    item = appraisal.plan_items.get()
    page = fire(employee, appraisal, "submit_self_assessment", **{f"realisation_{item.pk}": "x"})
    assert page.status_code == 400  # no self rating chosen
    assert page.context["form"].items[0]["errors"]["self_rating"]
    assert page.context["form"].items[0]["realisation"] == "x"
    page = fire(
        employee,
        appraisal,
        "submit_self_assessment",
        **{f"realisation_{item.pk}": "12 sekolah terakreditasi", f"self_rating_{item.pk}": "meets"},
    )
    assert page.status_code == 302

    page = fire(appraiser, appraisal, "submit_review", result_rating="above", feedback="Bagus.")
    assert page.status_code == 400
    assert page.context["form"].field_errors["behaviour_rating"]
    assert "Bagus." in page.content.decode()  # what was typed is kept
    page = fire(
        appraiser,
        appraisal,
        "submit_review",
        result_rating="above",
        behaviour_rating="above",
        feedback="Bagus.",
    )
    assert page.status_code == 302
    held = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        fire(appraiser, appraisal, "record_discussion", summary="Dialog.", held_at=held).status_code
        == 302
    )
    assert fire(appraiser, appraisal, "issue_result").status_code == 302
    detail = employee.get(url("appraisal", appraisal.pk)).content.decode()
    assert 'id="appeal-countdown"' in detail

    appeal = fire(employee, appraisal, "file_appeal", grounds="Bukti belum dilihat.")
    assert appeal.status_code == 302
    superior = pages("superior")
    page = fire(superior, appraisal, "decide_appeal", outcome="upheld")
    assert page.status_code == 400 and page.context["form"].field_errors["reason"]
    assert (
        fire(superior, appraisal, "decide_appeal", outcome="upheld", reason="Sesuai.").status_code
        == 302
    )
    assert fire(pages("panel"), appraisal, "propose_decision", kind="award").status_code == 302
    page = fire(
        pages("authority"),
        appraisal,
        "approve_decision",
        reference_number="800/1/2027",
        effective_date="2027-02-01",
    )
    assert page.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.state == "decided"
    assert appraisal.predicate == "sangat_baik"

    timeline = employee.get(url("appraisal", appraisal.pk)).context["events"]
    assert [e.to_state for e in timeline if e.from_state != e.to_state][-1] == "decided"


def test_only_permitted_actions_are_offered(org, appraisal, pages, at_state):
    at_state("plan_submitted")
    offered = {}
    for persona in ("employee", "appraiser", "inspector", "hr_admin"):
        actions = pages(persona).get(url("appraisal", appraisal.pk)).context["actions"]
        offered[persona] = {a["name"] for a in actions}
    assert offered["employee"] == set()
    assert offered["appraiser"] == {"return_plan", "approve_plan"}
    assert offered["inspector"] == set()
    assert offered["hr_admin"] == {"cancel"}


def test_forbidden_transition_page_is_403_and_changes_nothing(appraisal, pages, at_state):
    at_state("plan_submitted")
    version = Appraisal.objects.get(pk=appraisal.pk).version
    assert pages("employee").get(url("transition", appraisal.pk, "approve_plan")).status_code == 403
    response = fire(pages("inspector"), appraisal, "approve_plan")
    assert response.status_code == 403
    appraisal.refresh_from_db()
    assert (appraisal.state, appraisal.version) == ("plan_submitted", version)


def test_invisible_appraisal_is_404_everywhere(appraisal, pages):
    client = pages("outsider")
    for path in (
        url("appraisal", appraisal.pk),
        url("transition", appraisal.pk, "submit_plan"),
        url("plan", appraisal.pk),
        url("expectations", appraisal.pk),
        url("check-ins", appraisal.pk),
    ):
        assert client.get(path).status_code == 404, path


def test_stale_version_is_refused_with_a_message(appraisal, pages):
    add_plan_item(appraisal, appraisal.employee.user)
    response = pages("employee").post(
        url("transition", appraisal.pk, "submit_plan"), {"version": 1}
    )
    assert response.status_code == 412
    appraisal.refresh_from_db()
    assert appraisal.state == "draft"


def test_check_in_with_evidence(appraisal, pages, at_state):
    at_state("in_progress")
    indicator = appraisal.plan_items.get().indicators.get()
    client = pages("employee")
    version = Appraisal.objects.get(pk=appraisal.pk).version
    response = client.post(
        url("check-ins", appraisal.pk),
        {"version": version, "period": "1", f"realisation-{indicator.pk}": "4 sekolah"},
    )
    assert response.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    response = client.post(
        url("check-ins", appraisal.pk),
        {
            "version": Appraisal.objects.get(pk=appraisal.pk).version,
            "period": "1",
            "kind": "evidence",
            "name": "Bukti",
            "file": pdf,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    fake = SimpleUploadedFile("bukan.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        url("check-ins", appraisal.pk),
        {
            "version": Appraisal.objects.get(pk=appraisal.pk).version,
            "period": "1",
            "kind": "evidence",
            "name": "Palsu",
            "file": fake,
        },
    )
    assert response.status_code == 400
    assert appraisal.check_ins.get().evidence.count() == 1


def _more_subordinates(org, n: int) -> None:
    """n more of the appraiser's staff, each with a submitted plan (work for the appraiser)."""
    employees = [EmployeeFactory(unit=org.dinas) for _ in range(n)]
    for e in employees:
        supervise(e, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=employees)
    for a in Appraisal.objects.filter(employee__in=employees):
        add_plan_item(a, a.employee.user)
        perform(a, "submit_plan", actor=a.employee.user)


@pytest.mark.parametrize("page", ["home", "appraisals"])
def test_list_pages_run_a_fixed_number_of_queries(org, appraisal, pages, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = pages("appraiser")
    _more_subordinates(org, 1)
    client.get(url(page))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url(page))
    assert len(response.context["page"].object_list) >= 1
    _more_subordinates(org, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(page))
    assert len(response.context["page"].object_list) == 25  # paginated
    assert len(many) == len(few)


def test_detail_page_runs_a_fixed_number_of_queries(org, appraisal, pages, at_state):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    at_state("in_progress")
    client = pages("appraiser")
    client.get(url("appraisal", appraisal.pk))
    with CaptureQueriesContext(connection) as few:
        client.get(url("appraisal", appraisal.pk))
    for _ in range(5):
        appraisal.refresh_from_db()
        # More events and more entries on the page.
        from appraisals.services.checkins import check_in_record

        indicator = appraisal.plan_items.get().indicators.get()
        check_in_record(
            appraisal=appraisal,
            actor=org.users["employee"],
            period=1,
            note=f"n{_}",
            entries=[{"indicator": indicator.pk, "realisation": f"r{_}"}],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url("appraisal", appraisal.pk))
    assert len(many) == len(few)


def test_pages_allow_scripts_only_from_our_own_files(pages):
    response = pages("employee").get(url("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()  # no inline scripts to allow


def test_plan_and_check_in_pages_run_a_fixed_number_of_queries(org, appraisal, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisals.services.checkins import check_in_record

    client = pages("employee")
    add_plan_item(appraisal, org.users["employee"])

    def measure(path):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = measure(url("plan", appraisal.pk))
    for _ in range(8):
        add_plan_item(appraisal, org.users["employee"])
    assert measure(url("plan", appraisal.pk)) == few

    appraisal = advance(appraisal, "in_progress", users=org.users)
    indicators = list(Indicator.objects.filter(item__appraisal=appraisal))

    def record(period, n):
        appraisal.refresh_from_db()
        check_in_record(
            appraisal=appraisal,
            actor=org.users["employee"],
            period=period,
            entries=[{"indicator": i.pk, "realisation": f"{n}"} for i in indicators[:n]],
        )

    record(1, 1)
    few = measure(url("check-ins", appraisal.pk))
    for period in (2, 3, 4):
        record(period, len(indicators))
    assert measure(url("check-ins", appraisal.pk)) == few


def test_decision_form_with_history_runs_a_fixed_number_of_queries(org, appraisal, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = pages("appraiser")
    add_plan_item(appraisal, org.users["employee"])
    appraisal = advance(appraisal, "self_assessed", users=org.users)
    path = url("transition", appraisal.pk, "submit_review")

    def measure():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = measure()
    for _ in range(6):  # more history beside the form
        appraisal.refresh_from_db()
        perform(appraisal, "return_self_assessment", actor=org.users["appraiser"], reason="x")
        appraisal = advance_self_assessment(appraisal, org)
    assert measure() == few


def advance_self_assessment(appraisal, org):
    appraisal.refresh_from_db()
    items = [
        {"id": i, "realisation": "ok", "self_rating": "meets"}
        for i in appraisal.plan_items.values_list("id", flat=True)
    ]
    perform(
        appraisal, "submit_self_assessment", actor=org.users["employee"], payload={"items": items}
    )
    appraisal.refresh_from_db()
    return appraisal


def test_signing_in_does_not_use_up_the_address_and_guessing_is_limited_per_account(
    org, pages, settings
):
    settings.KINERJA_LOGIN_FAILURES = 3
    for persona in ("employee", "appraiser"):
        org.users[persona].set_password("rahasia-kuat-2026")
        org.users[persona].save()
    client = pages()
    right = {"username": "appraiser", "password": "rahasia-kuat-2026"}
    for _ in range(5):  # many good sign-ins from one office address
        assert client.post(url("login"), right).status_code == 302
        client.post(url("logout"))
    # Guesses at one account from many addresses are throttled by the account's bucket.
    wrong = {"username": "employee", "password": "salah"}
    for n in range(3):
        assert client.post(url("login"), wrong, REMOTE_ADDR=f"10.0.0.{n}").status_code == 200
    blocked = client.post(url("login"), wrong, REMOTE_ADDR="10.0.0.99")
    assert blocked.status_code == 429


def test_unicode_digits_and_nul_are_4xx_not_500(org, appraisal, pages):
    add_plan_item(appraisal, org.users["employee"])

    def unchanged():
        fresh = Appraisal.objects.get(pk=appraisal.pk)
        items = list(fresh.plan_items.values_list("pk", flat=True))
        events = AuditEvent.objects.filter(subject_id=str(appraisal.pk)).count()
        return fresh.state, fresh.version, items, events

    before = unchanged()
    client = pages("employee")
    for odd in ("²", "①", "٣"):
        # No such item: the page says so; a garbled version is refused, never ignored.
        response = client.post(url("plan", appraisal.pk), {"version": odd, "delete": odd})
        assert response.status_code == 200 and response.context["errors"]
        submit = url("transition", appraisal.pk, "submit_plan")
        assert client.post(submit, {"version": odd}).status_code == 400
        check_in = {"kind": "evidence", "period": odd, "version": odd}
        assert client.post(url("check-ins", appraisal.pk), check_in).status_code == 400
        assert unchanged() == before
    assert client.get(url("appraisals") + "?q=a%00b").status_code == 200


def test_a_refused_transition_page_shows_no_history_and_reading_is_recorded(
    appraisal, pages, at_state
):
    from audit.models import ReadAccess

    at_state("plan_submitted")
    page = pages("panel").get(url("transition", appraisal.pk, "cancel"))
    assert page.status_code == 403 and page.context["events"] is None
    before = ReadAccess.objects.count()
    page = pages("appraiser").get(url("transition", appraisal.pk, "return_plan"))
    assert page.status_code == 200 and page.context["events"]
    assert ReadAccess.objects.filter(purpose="web.transition").count() == 1
    pages("appraiser").get(url("plan", appraisal.pk))
    assert ReadAccess.objects.count() == before + 2


def test_after_a_stale_version_the_next_try_goes_through(appraisal, pages, at_state):
    at_state("plan_submitted")
    client = pages("appraiser")
    page = client.post(
        url("transition", appraisal.pk, "return_plan"), {"version": "1", "reason": "Perbaiki."}
    )
    assert page.status_code == 412
    fresh = page.context["form"].version_value
    assert fresh == str(Appraisal.objects.get(pk=appraisal.pk).version)
    assert page.context["form"].reason_field["value"] == "Perbaiki."  # kept
    again = client.post(
        url("transition", appraisal.pk, "return_plan"), {"version": fresh, "reason": "Perbaiki."}
    )
    assert again.status_code == 302
