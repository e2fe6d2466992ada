"""Read paths whose cost must not grow with the data (issue #17).

Statement counts: each page and endpoint is counted with a few rows, the data
grows tenfold, and it is counted again: the counts must be equal. History
pages: a cursor walks every event once, in order, also while events are
appended. Plans (PostgreSQL only): the supervisor's home page never plans a
sequential scan over the appraisals, and the waiting tasks are read in index
order with the LIMIT inside each part (no sort of every waiting row).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraisals.models import Appraisal, Employee
from appraisals.services.cycles import cycle_open
from appraisals.web.views import waiting_filter
from audit.selectors import HISTORY_PAGE_SIZE
from audit.services import audit_event_append
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise

pytestmark = pytest.mark.django_db

WAITING = ("plan_submitted", "self_assessed", "reviewed", "in_progress", "draft")


def _grow(org, n: int) -> None:
    """`n` more appraisals: half the appraiser's staff, half the other dinas's."""
    people = []
    for i in range(n):
        if i % 2:
            e = EmployeeFactory(unit=org.dinas)
            supervise(e, org.appraiser)
        else:
            e = EmployeeFactory(unit=org.other_dinas)
            supervise(e, org.other_appraiser)
        people.append(e)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    for k, a in enumerate(Appraisal.objects.filter(employee__in=people).order_by("id")):
        Appraisal.objects.filter(pk=a.pk).update(state=WAITING[k % len(WAITING)])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count(client, url: str) -> int:
    client.get(url)  # warm: the first request of a client may fill caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


READERS = [
    ("appraiser", "/"),
    ("appraiser", "/api/me/"),
    ("appraiser", "/api/appraisals/"),
    ("appraiser", "/appraisals/"),
    ("superior", "/"),
    ("superior", "/api/me/"),
    ("hr_admin", "/"),
    ("hr_admin", "/api/me/"),
    ("hr_admin", "/api/appraisals/"),
    ("hr_admin", "/appraisals/"),
    ("hr_admin", "/appraisals/?state=plan_submitted"),
    ("hr_admin", "/hr/units/"),
    ("inspector", "/inspect/"),
    ("inspector", "/api/audit/events/"),
]


@pytest.mark.parametrize(("persona", "url"), READERS)
def test_read_path_statements_do_not_grow_with_the_rows(org, appraisal, persona, url):
    _grow(org, 5)
    client = _client(org.users[persona])
    few = _count(client, url)
    _grow(org, 45)
    many = _count(client, url)
    assert few == many, f"{url} as {persona}: {few} statements with 5 rows, {many} with 50"


def test_unit_dashboard_statements_do_not_grow_with_the_rows(org, appraisal):
    _grow(org, 5)
    client = _client(org.users["hr_admin"])
    url = f"/hr/units/{org.instansi.pk}/?cycle={org.cycle.pk}"
    few = _count(client, url)
    _grow(org, 45)
    assert _count(client, url) == few


def _notes(appraisal, user, n: int) -> None:
    for i in range(n):
        audit_event_append(subject=appraisal, actor=user, action="note.added", reason=f"n{i}")


@pytest.mark.parametrize(
    "url",
    ["/api/appraisals/{pk}/history/", "/appraisals/{pk}/", "/inspect/appraisals/{pk}/"],
)
def test_history_statements_do_not_grow_with_the_events(org, appraisal, url):
    persona = "inspector" if url.startswith("/inspect/") else "appraiser"
    client = _client(org.users[persona])
    url = url.format(pk=appraisal.pk)
    _notes(appraisal, org.users["appraiser"], 9)
    few = _count(client, url)
    _notes(appraisal, org.users["appraiser"], 3 * HISTORY_PAGE_SIZE)
    assert _count(client, url) == few


def _walk(client, url: str, between=None) -> list[int]:
    """Every seq the history API gives, following Link rel=next; checks each page's shape."""
    seqs = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert isinstance(body, list)  # api-contract.md: the body stays the array
        seqs += [e["seq"] for e in body]
        link = response.headers.get("Link")
        if link:
            assert len(body) >= 100  # "at least 100 entries a page"
            url = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1)
        else:
            url = None
        pages += 1
        if between and pages == 1:
            between()
    return seqs


def test_short_history_is_one_page_without_link(org, appraisal):
    client = _client(org.users["appraiser"])
    response = client.get(f"/api/appraisals/{appraisal.pk}/history/")
    assert response.status_code == 200
    assert "Link" not in response.headers
    assert [e["seq"] for e in response.json()] == list(range(1, appraisal_events(appraisal) + 1))


def appraisal_events(appraisal) -> int:
    from audit.selectors import audit_events_of

    return audit_events_of(subject=appraisal).count()


def test_history_cursor_walks_every_event_once_in_order(org, appraisal):
    _notes(appraisal, org.users["appraiser"], 2 * HISTORY_PAGE_SIZE + 17)
    total = appraisal_events(appraisal)
    client = _client(org.users["appraiser"])
    seqs = _walk(client, f"/api/appraisals/{appraisal.pk}/history/")
    assert seqs == list(range(1, total + 1))


def test_history_cursor_is_stable_under_appends(org, appraisal):
    _notes(appraisal, org.users["appraiser"], HISTORY_PAGE_SIZE + 5)
    client = _client(org.users["appraiser"])

    def append_more():
        _notes(appraisal, org.users["appraiser"], HISTORY_PAGE_SIZE)

    seqs = _walk(client, f"/api/appraisals/{appraisal.pk}/history/", between=append_more)
    assert seqs == list(range(1, appraisal_events(appraisal) + 1))


def test_history_page_keeps_the_chain_and_capacities_mid_chain(org, appraisal):
    """A later page links to the earlier one and still knows who was the appraiser."""
    _notes(appraisal, org.users["appraiser"], HISTORY_PAGE_SIZE + 5)
    client = _client(org.users["appraiser"])
    url = f"/api/appraisals/{appraisal.pk}/history/"
    first = client.get(url)
    second = client.get(f"{url}?cursor={first.json()[-1]['seq']}").json()
    assert second[0]["prev_hash"] == first.json()[-1]["hash"]
    assert {e["actor_capacity"] for e in second} == {"appraiser"}


@pytest.mark.parametrize("cursor", ["x", "-1", "1.5", "99999999999"])
def test_history_refuses_a_malformed_cursor(org, appraisal, cursor):
    client = _client(org.users["appraiser"])
    response = client.get(f"/api/appraisals/{appraisal.pk}/history/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["problems"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("persona", "url"),
    [("appraiser", "/appraisals/{pk}/"), ("inspector", "/inspect/appraisals/{pk}/")],
)
def test_web_timelines_page_with_a_cursor(org, appraisal, persona, url):
    _notes(appraisal, org.users["appraiser"], HISTORY_PAGE_SIZE + 5)
    total = appraisal_events(appraisal)
    client = _client(org.users[persona])
    url = url.format(pk=appraisal.pk)
    first = client.get(url).content.decode()
    shown = [int(s) for s in re.findall(r'<li (?:id="event-\d+" )?data-seq="(\d+)"', first)]
    assert shown == list(range(1, HISTORY_PAGE_SIZE + 1))
    assert f'?cursor={HISTORY_PAGE_SIZE}#timeline" rel="next"' in first
    second = client.get(f"{url}?cursor={HISTORY_PAGE_SIZE}").content.decode()
    rest = [int(s) for s in re.findall(r'<li (?:id="event-\d+" )?data-seq="(\d+)"', second)]
    assert rest == list(range(HISTORY_PAGE_SIZE + 1, total + 1))
    assert 'rel="next"' not in second


def test_home_shows_the_same_waiting_rows_as_the_plain_filter(org, appraisal):
    """The merged per-part pages are the OR query's pages, row for row."""
    _grow(org, 120)
    user = org.users["appraiser"]
    expected = list(
        Appraisal.objects.filter(waiting_filter(user)).order_by("id").values_list("id", flat=True)
    )
    assert len(expected) > 25
    client = _client(user)
    shown = []
    for number in (1, 2):
        html = client.get(f"/?page={number}").content.decode()
        shown += [int(i) for i in re.findall(r'href="/appraisals/(\d+)/"', html)]
    assert list(dict.fromkeys(shown)) == expected[:50]


# --- plans (PostgreSQL) -----------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="plan shapes are PostgreSQL's; SQLite has no comparable planner to pin",
)


def _seed_many(org, n: int = 6000) -> None:
    """`n` appraisals outside the appraiser's reach, in bulk, then ANALYZE.

    Enough rows that a sequential scan is the planner's real alternative and
    costs far more than an index range, and fresh statistics so the planner
    knows it: a plan chosen here is the one a national table would get.
    """
    people = Employee.objects.bulk_create(
        [
            Employee(nip=f"{197001010000000000 + i:018d}", name=f"P{i}", unit=org.other_dinas)
            for i in range(n)
        ]
    )
    rows = Appraisal.objects.bulk_create(
        [
            Appraisal(
                cycle=org.cycle, employee=p, unit=org.other_dinas, appraiser=org.other_appraiser
            )
            for p in people
        ]
    )
    for k, state in enumerate(WAITING):
        Appraisal.objects.filter(pk__in=[a.pk for a in rows[k :: len(WAITING)]]).update(state=state)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plans_of(client, url: str) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    out = []
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if sql.lstrip("( ").upper().startswith("SELECT") and "appraisals_appraisal" in sql:
                cursor.execute("EXPLAIN " + sql)
                out.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return out


@postgres_only
@pytest.mark.parametrize("url", ["/", "/api/me/", "/api/appraisals/", "/appraisals/"])
def test_supervisor_pages_plan_no_sequential_scan_of_appraisals(org, appraisal, url):
    """Every statement of a supervisor's page that reads appraisals uses an index.

    The statements are the ones the page really sent (captured, with their
    parameters), explained against 6,000 appraisals of which the supervisor
    sees a handful, with fresh statistics: with real numbers a sequential scan
    is what the planner picks only when no index serves the filter (an id list
    grown into thousands, a filter through a join, an OR an index cannot
    answer) — the regression this pins.
    """
    _grow(org, 20)
    _seed_many(org)
    client = _client(org.users["appraiser"])
    plans = _plans_of(client, url)
    assert plans, "the page read no appraisals"
    for sql, plan in plans:
        assert "Seq Scan on appraisals_appraisal" not in plan, f"{sql}\n{plan}"


@postgres_only
def test_waiting_tasks_are_read_in_index_order_with_the_limit_inside(org, appraisal):
    """The home page's waiting rows: each (role, state) part is an index range read in
    id order and cut at the page's end, so no node sorts the waiting rows.

    The supervisor here has 6,000 waiting appraisals. The planner may still sort a
    part it expects to hold a row or two (an employee's own appraisals: one per
    cycle), which costs nothing; a sort over more than a page's rows means the
    part's index (appraiser/reviewer, state, id) is gone or the query no longer
    asks one part per state, and every waiting row would be sorted again."""
    _grow(org, 40)
    _seed_many(org)
    Appraisal.objects.filter(unit=org.other_dinas, employee__nip__startswith="1970").update(
        appraiser=org.appraiser
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = _client(org.users["appraiser"])
    plans = [(sql, plan) for sql, plan in _plans_of(client, "/") if " UNION " in sql]
    assert len(plans) == 1, "the waiting rows are not read as merged parts"
    sql, plan = plans[0]
    assert "Seq Scan" not in plan, plan
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        if "Sort  (" in line:
            fed = int(re.search(r"rows=(\d+)", lines[i + 2]).group(1))
            assert fed <= 25, plan
    assert plan.count("Index Scan using appraisal_appraiser_state") >= 3, plan
    assert plan.count("Limit") >= 4, plan
