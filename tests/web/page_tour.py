"""One organisation with an appraisal in each role's working state, and the main pages each role
opens there: the tour the accessibility (axe) and phone-width browser tests walk.

The people and units carry real-length Indonesian names (titles, long compound words) so a page
that squeezes a column shows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from appraisals.models import Appraisal
from appraisals.services.acting import acting_appoint
from appraisals.services.checkins import check_in_record
from appraisals.services.cycles import cycle_open
from appraisals.services.periodic import periodic_evaluation_rate
from tests.flow import add_plan_item, advance
from workflow.actors import system_actor

from ..factories import EmployeeFactory, supervise
from .conftest import Browser

NAMES = {
    "employee": "Sri Rahayuningsih Purwaningtyas, S.Pd., M.Pd.",
    "appraiser": "Drs. Bambang Kusumawardhana, M.Si.",
    "superior": "Dr. Hj. Nurhayati Simanjuntak, M.Pd.",
    "panel": "Tim Penilai Kinerja Kabupaten",
    "authority": "Pejabat Pembina Kepegawaian",
    "inspector": "Inspektorat Kabupaten",
    "hr_admin": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
}


@dataclass
class Tour:
    """Pages per persona (None: signed out), each as (label, path) or (label, path, steps): the
    steps, each (page method, *arguments), bring the page to the state to look at (a form sent
    with its mistakes)."""

    pages: dict[str | None, list[tuple]] = field(default_factory=dict)
    users: dict[str | None, object] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(p) for p in self.pages.values())


def visit(b: Browser, path: str, steps: tuple = ()) -> None:
    """Open `path` (it must answer 200), then take the steps, waiting for the page they load."""
    response = b.page.goto(b.base + path)
    assert response.status == 200, (b.name, path, response.status)
    for method, *arguments in steps:
        getattr(b.page, method)(*arguments)
    if steps:
        b.page.wait_for_load_state()
        b.page.wait_for_selector("main")


def _colleague(org, username: str, name: str, state: str) -> Appraisal:
    """Another staff member under the same appraiser, their appraisal walked to `state`."""
    person = EmployeeFactory(unit=org.dinas, name=name, user__username=username)
    supervise(person, org.appraiser)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[person])
    appraisal = Appraisal.objects.get(cycle=org.cycle, employee=person)
    users = dict(org.users, employee=person.user)
    if state == "draft":
        add_plan_item(appraisal, person.user)
    return advance(appraisal, state, users=users)


def build(org, appraisal) -> Tour:
    for persona, name in NAMES.items():
        user = org.users[persona]
        user.first_name, user.last_name = name, ""
        user.save(update_fields=["first_name", "last_name"])
    org.employee.name, org.appraiser.name, org.head.name = (
        NAMES["employee"],
        NAMES["appraiser"],
        NAMES["superior"],
    )
    for person in (org.employee, org.appraiser, org.head):
        person.save(update_fields=["name"])
    org.dinas.name = "Dinas Pendidikan, Pemuda dan Olahraga Kabupaten"
    org.dinas.save(update_fields=["name"])

    # The employee's own appraisal is running: a check-in recorded, the first quarter rated.
    running = advance(appraisal, "in_progress", users=org.users)
    indicator = running.plan_items.get().indicators.get()
    check_in_record(
        appraisal=running,
        actor=org.users["employee"],
        period=1,
        note="Pendampingan akreditasi berjalan sesuai jadwal.",
        entries=[{"indicator": indicator.pk, "realisation": "5 sekolah terakreditasi"}],
    )
    running.refresh_from_db()
    periodic_evaluation_rate(
        appraisal=running,
        actor=org.users["appraiser"],
        period=1,
        result_rating="above",
        behaviour_rating="meets",
        feedback="Triwulan yang baik.",
    )
    drafting = _colleague(org, "drafter", "Rahmawati Kusumaningrum, S.Kom.", "draft")
    to_review = _colleague(org, "reviewee", "Yohanes Hendrawan Situmorang, S.E.", "self_assessed")
    issued = _colleague(org, "appellant", "Muhammad Fadhilah Ramadhan, S.T.", "result_issued")
    appealed = _colleague(org, "appealer", "Kadek Ayu Sukmawati, A.Md.", "appealed")
    final = _colleague(org, "finalist", "Theresia Manurung, S.Sos.", "final")
    proposed = _colleague(org, "proposed", "Andi Baso Mappatunru, S.H.", "decision_proposed")
    plt = EmployeeFactory(unit=org.other_dinas, name="Ir. Wahyudi Prasetyo Nugroho, M.T.")
    acting_appoint(
        actor=org.users["hr_admin"],
        substitute=plt,
        kind="plt",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=90),
        replaces=org.other_appraiser,
        reason="Surat Perintah 800/123/BKPSDM",
    )

    def at(a: Appraisal, rest: str = "") -> str:
        return f"/appraisals/{a.pk}/{rest}"

    pages = {
        None: [("login", "/login/"), ("verify", "/verifikasi/")],
        "employee": [
            ("home", "/"),
            ("list", "/appraisals/"),
            ("detail", at(running)),
            ("plan", at(running, "plan/")),
            ("check-ins", at(running, "check-ins/")),
            ("periodic", at(running, "periodic/")),
            ("self-assessment", at(running, "do/submit_self_assessment/")),
            ("inbox", "/notifications/"),
            ("profile", "/profile/"),
            ("peer-feedback", "/peer-feedback/"),
        ],
        "drafter": [
            ("plan-editor", at(drafting, "plan/")),
            ("plan-mistakes", at(drafting, "plan/"), (("click", "#add-item"),)),
            ("draft", at(drafting)),
        ],
        "appellant": [("result", at(issued)), ("appeal-form", at(issued, "do/file_appeal/"))],
        "appraiser": [
            ("home-appraiser", "/"),
            ("list-appraiser", "/appraisals/"),
            ("to-review", at(to_review)),
            ("review-form", at(to_review, "do/submit_review/")),
            ("review-mistakes", at(to_review, "do/submit_review/"), (("click", "#confirm"),)),
            ("return-form", at(to_review, "do/return_self_assessment/")),
            ("periodic-rate", at(running, "periodic/")),
            ("expectations", at(running, "expectations/")),
            ("check-ins-appraiser", at(running, "check-ins/")),
        ],
        "superior": [
            ("home-superior", "/"),
            ("appeal-decision", at(appealed, "do/decide_appeal/")),
        ],
        "panel": [
            ("propose-form", at(final, "do/propose_decision/")),
            ("talent-pool-panel", f"/hr/units/{org.instansi.pk}/talent/"),
        ],
        "authority": [("approve-form", at(proposed, "do/approve_decision/"))],
        "hr_admin": [
            ("hr-cycles", "/hr/cycles/"),
            ("hr-cycle", f"/hr/cycles/{org.cycle.pk}/"),
            ("hr-dashboards", "/hr/units/"),
            ("hr-unit", f"/hr/units/{org.dinas.pk}/"),
            ("talent-pool", f"/hr/units/{org.instansi.pk}/talent/"),
            ("hr-import", "/hr/import/"),
            ("hr-acting", "/hr/acting/"),
            ("hr-calendar", f"/hr/calendar/{org.instansi.pk}/"),
            ("list-hr", "/appraisals/"),
        ],
        "inspector": [
            ("inspect-search", "/inspect/"),
            ("inspect-timeline", f"/inspect/appraisals/{running.pk}/"),
            ("inspect-reads", "/inspect/reads/"),
        ],
    }
    users = {persona: org.users.get(persona) for persona in pages}
    users["drafter"], users["appellant"] = drafting.employee.user, issued.employee.user
    return Tour(pages=pages, users=users)


def _cookie(base_url: str, name: str, value: str) -> dict:
    host = base_url.split("://", 1)[1].rsplit(":", 1)[0]
    return {"name": name, "value": value, "domain": host, "path": "/"}


def set_language(b: Browser, language: str) -> None:
    """The language cookie, as the profile's language menu sets it."""
    b.page.context.add_cookies([_cookie(b.base, settings.LANGUAGE_COOKIE_NAME, language)])


@contextlib.contextmanager
def signed_in(chromium, base_url: str, user, language: str = "id", **context_options):
    """A fresh browser context in `language`, signed in as `user` (None: signed out) with a
    session made on the server (the sign-in page has its own tests; typing the password for
    every persona would only slow the tour); closed on leaving."""
    context = chromium.new_context(locale="id-ID", **context_options)
    context.set_default_timeout(15000)
    name = user.username if user else "anonymous"
    try:
        b = Browser(context.new_page(), base_url, f"{language}-{name}")
        set_language(b, language)
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([_cookie(base_url, settings.SESSION_COOKIE_NAME, session)])
        yield b
    finally:
        context.close()


# The tour's markup and styles do not depend on the database: .ci/run's SQLite run covers them,
# and its PostgreSQL run (which repeats every behaviour test on row locks for real) skips the
# tour's accessibility and phone-width passes, to keep that run within its time.
MARKUP_ONLY = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="markup and styles: checked on the SQLite run",
)
