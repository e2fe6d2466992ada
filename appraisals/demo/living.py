"""A living organisation for `make demo` (`seed_demo --living`).

The same people in two cycles, moved by their real actors through the real engine
(`workflow.services.perform`) and the domain's services, so the history, the audit chain,
the documents and the notifications are the ones the pages would have left:

- last year's cycle: the year has ended, so results could be issued (PermenPANRB 6/2022).
  Every predicate is there and the instansi's curve (organisation predicate "baik") is
  met; one result waits for the employee (appeal window open), one appeal waits for the
  appraiser's superior and one was decided, one follow-up waits for the authority and two
  were approved; the Sekda's appraisal is cancelled (the regent appraises the Sekda,
  outside Kinerja). Its later phase deadlines are moved after today, as HR would.
- this year's cycle: most plans are being carried out, with check-ins for the periods
  begun and periodic evaluations of the periods ended; a few plans are late (still in
  draft after the fallback date, so HR may step in), submitted, or already self-assessed,
  reviewed and discussed.

Which employee gets which story is fixed by their place in the organisation, so the
first staff (pegawai.0001...) of the first bidang show the most.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from appraisals.curve import BP, EMPLOYEE_PREDICATES, SB, SK, B, K, OrganisationPredicate, evaluate
from appraisals.models import Appraisal, BehaviourValue, Cycle, PlanItem, Unit
from appraisals.selectors.periods import periods_of
from appraisals.services.calibration import unit_predicate_set
from appraisals.services.checkins import check_in_record
from appraisals.services.content import behaviour_expectations_set
from appraisals.services.periodic import periodic_evaluation_rate
from appraisals.services.phases import LATEST_AFTER_END_DAYS, phase_deadlines_update
from appraisals.services.plan import plan_item_create
from workflow.services import perform

from .people import Person

ADMIN_USERNAME = "admin"
ADMIN_NAME = "Administrator Sistem"

# The ratings (result, behaviour) that give each predicate (predicate.MATRIX).
RATINGS = {
    SB: ("above", "above"),
    B: ("meets", "meets"),
    BP: ("below", "meets"),
    K: ("meets", "below"),
    SK: ("below", "below"),
}
FEEDBACK = {
    SB: "Seluruh target terlampaui dan perilaku kerja menjadi teladan bagi rekan satu bidang.",
    B: "Target tercapai sesuai rencana; pertahankan ketepatan waktu pelaporan.",
    BP: "Sebagian target belum tercapai; perlu pendampingan dalam perencanaan kegiatan.",
    K: "Target tercapai, tetapi kedisiplinan dan kerja sama perlu diperbaiki.",
    SK: "Target tidak tercapai dan perilaku kerja di bawah ekspektasi; perlu pembinaan.",
}
# A staff member's result item, supporting the head of bidang's first item.
STAFF_PLAN = (
    (
        "Tersusunnya laporan kegiatan bidang secara tepat waktu",
        ("Laporan bulanan yang disampaikan tepat waktu", "time", "12 laporan"),
    ),
    (
        "Terselesaikannya layanan administrasi kegiatan bidang",
        ("Dokumen administrasi yang diselesaikan tanpa revisi", "quality", "95%"),
    ),
    (
        "Termutakhirkannya data layanan bidang",
        ("Data layanan yang dimutakhirkan setiap triwulan", "quantity", "4 kali"),
    ),
)
REALISATIONS = {
    "above": "Melampaui target: seluruh keluaran selesai lebih awal dan tanpa revisi.",
    "meets": "Sesuai target: seluruh keluaran selesai dalam tahun berjalan.",
    "below": "Belum sesuai target: sebagian keluaran terlambat atau belum selesai.",
}


@dataclass(frozen=True)
class Story:
    """How last year's appraisal ends: the predicate it was given, then what followed."""

    predicate: str
    end: str = "final"
    follow_up: tuple[str, str] | None = None


# The first staff members' stories last year, in order; everyone else's ends "final".
PREVIOUS_SPECIALS = (
    Story(BP, "appealed"),
    Story(B, "result_issued"),
    Story(K, "appeal_revised"),
    Story(SB, "decision_proposed", ("award", "Usulan penganugerahan Satyalancana Karya Satya.")),
    Story(SB, "decided", ("award", "Piagam penghargaan pegawai berkinerja terbaik.")),
    Story(SK, "decided", ("development", "Pembinaan oleh atasan dan pelatihan teknis 40 JP.")),
)
# After an appeal, the superior revised the behaviour rating: K becomes B.
REVISED_TO = ("meets", "meets")
# This year's states for the staff, in turn; the officials' plans are being carried out.
CURRENT_ROTATION = (
    "plan_submitted",
    "self_assessed",
    "in_progress",
    "reviewed",
    "draft",
    "discussed",
    "in_progress",
    "in_progress",
    "plan_submitted",
    "in_progress",
)
CURRENT_PATHS = {
    "draft": (),
    "plan_submitted": ("submit_plan",),
    "in_progress": ("submit_plan", "approve_plan"),
    "self_assessed": ("submit_plan", "approve_plan", "submit_self_assessment"),
    "reviewed": ("submit_plan", "approve_plan", "submit_self_assessment", "submit_review"),
    "discussed": (
        "submit_plan",
        "approve_plan",
        "submit_self_assessment",
        "submit_review",
        "record_discussion",
    ),
}
# This year's predicates of the reviewed and discussed, in turn.
CURRENT_PREDICATES = (B, SB, B, BP)
# How many staff get every period evaluated (each evaluation issues a document), and how
# many staff recorded last year's check-ins (this year every plan being carried out has them).
EVALUATED_STAFF = 2
EVALUATED_LAST_YEAR = 1
CHECKED_IN_LAST_YEAR = len(PREVIOUS_SPECIALS)
CANCEL_SEKDA = (
    "Sekretaris Daerah dinilai langsung oleh Bupati di luar Kinerja (PP 30/2019); "
    "penilaian di Kinerja dibatalkan."
)


def quota(rated: int) -> dict[str, int]:
    """Last year's predicates for `rated` employees: the curve of an organisation rated
    "baik" (Baik the largest group, at most 70 %, at least one Butuh Perbaikan or Kurang)."""
    counts = {
        SB: max(2, rated // 6),
        BP: max(1, rated // 10),
        K: max(1, rated // 15),
        SK: 1,
    }
    counts[B] = max(0, rated - sum(counts.values()))
    return counts


@dataclass
class Cast:
    """Who acts: every login by username, the employees' by employee id."""

    users: dict
    by_employee: dict
    hr: object
    panel: object
    authority: object

    def user_of(self, employee_id: int | None):
        return self.by_employee[employee_id]


def living_build(
    *,
    people: list[Person],
    users: dict,
    root: Unit,
    previous: Cycle,
    current: Cycle,
    plans: dict[int, dict[str, list[PlanItem]]],
) -> None:
    cast = Cast(
        users=users,
        by_employee={p.employee.pk: users[p.username] for p in people},
        hr=users["hr_admin"],
        panel=users["tim_penilai"],
        authority=users["ppk"],
    )
    _previous_year(people, root, previous, plans[previous.pk], cast)
    _current_year(people, current, plans[current.pk], cast)


def admin_create(*, password: str, hashed: str, unit: Unit) -> dict:
    """One superuser for /admin/ (`hashed`: `password` as stored); its row as
    `seed_demo --out` writes it."""
    get_user_model().objects.create(
        username=ADMIN_USERNAME,
        first_name=ADMIN_NAME,
        password=hashed,
        is_staff=True,
        is_superuser=True,
    )
    return {
        "username": ADMIN_USERNAME,
        "password": password,
        "roles": ["admin"],
        "employee_id": None,
        "supervisor_username": None,
        "unit": unit.name,
    }


# -- last year ----------------------------------------------------------------------------


def _previous_stories(staff: list[Person], officials: list[Person]) -> dict[str, Story]:
    rated = len(staff) + len(officials)
    specials = list(PREVIOUS_SPECIALS[: len(staff)])
    left = quota(rated)
    for story in specials:
        final = B if story.end == "appeal_revised" else story.predicate
        left[final] = max(0, left[final] - 1)
    # The poorer predicates go to staff first; the rest mixed, deterministically.
    poor = [p for p in (BP, K, SK) for _ in range(left[p])]
    good = [p for p in (SB, B) for _ in range(left[p])]
    random.Random(2026).shuffle(good)
    pool = poor + good
    pool += [B] * (rated - len(specials) - len(pool))
    stories = specials + [Story(p) for p in pool]
    return {p.username: s for p, s in zip(staff + officials, stories, strict=False)}


def _curve_holds(stories: dict[str, Story]) -> bool:
    """Whether the organisation predicate "baik" can be set without refusing a result:
    met by the predicates as issued and as finally decided after the appeal."""
    issued = dict.fromkeys(EMPLOYEE_PREDICATES, 0)
    for story in stories.values():
        issued[story.predicate] += 1
    decided = dict(issued)
    revised = sum(1 for s in stories.values() if s.end == "appeal_revised")
    decided[K] -= revised
    decided[B] += revised
    return all(
        not evaluate(organisation_predicate=OrganisationPredicate.BAIK, counts=c).unachievable
        for c in (issued, decided)
    )


def _previous_year(people, root, cycle, plans, cast: Cast) -> None:
    staff = [p for p in people if not p.subordinates]
    officials = [p for p in people if p.subordinates and p.supervisor is not None]
    sekda = [p for p in people if p.supervisor is None]
    stories = _previous_stories(staff, officials)
    if _curve_holds(stories):
        unit_predicate_set(
            unit=root,
            cycle=cycle,
            predicate=OrganisationPredicate.BAIK,
            actor=cast.authority,
            reason="Capaian kinerja organisasi tahun lalu (laporan kinerja instansi).",
        )
    appraisals = _appraisals(cycle)
    # Officials first (their plans are the ones staff cascade from), then the staff; the
    # appeals last, so the curve is read with every other result issued.
    order = officials + [p for p in staff if stories[p.username].end == "final"]
    order += [p for p in staff if stories[p.username].end != "final"]
    evaluated = {p.username for p in staff[:EVALUATED_LAST_YEAR]}
    checked_in = {p.username for p in staff[:CHECKED_IN_LAST_YEAR]}
    for index, person in enumerate(order):
        appraisal = appraisals[person.employee.pk]
        if not plans.get(person.username):
            _staff_plan(appraisal, person, plans, index)
        story = stories[person.username]
        _drive_previous(
            appraisal,
            person,
            story,
            cast,
            evaluate=person.username in evaluated,
            check_in=person.username in checked_in,
        )
    for person in sekda:
        perform(appraisals[person.employee.pk], "cancel", actor=cast.hr, reason=CANCEL_SEKDA)
    _later_deadlines_after_today(cycle, cast)


def _drive_previous(
    appraisal, person: Person, story: Story, cast: Cast, *, evaluate: bool, check_in: bool
) -> None:
    employee, appraiser = cast.users[person.username], cast.users[person.supervisor.username]
    _plan_set(appraisal, employee, appraiser)
    periods = periods_of(appraisal.cycle)
    result, behaviour = RATINGS[story.predicate]
    if check_in:
        _check_ins(appraisal, employee, periods, outcome=result)
    if evaluate:
        _evaluate_periods(appraisal, appraiser, periods, last=(result, behaviour))
    _self_assess(appraisal, employee, result)
    _review(appraisal, appraiser, story.predicate)
    _discuss(appraisal, appraiser)
    _fire(appraisal, "issue_result", appraiser)
    if story.end == "result_issued":
        return
    if story.end in ("appealed", "appeal_revised"):
        _fire(
            appraisal,
            "file_appeal",
            employee,
            grounds=(
                "Bukti dukung capaian triwulan IV belum dipertimbangkan; mohon penilaian "
                "ditinjau kembali."
            ),
        )
        if story.end == "appealed":
            return
        appraisal.refresh_from_db()
        reviewer = cast.user_of(appraisal.appeal_reviewer_id)
        result, behaviour = REVISED_TO
        _fire(
            appraisal,
            "decide_appeal",
            reviewer,
            reason="Bukti dukung tambahan diterima; rating perilaku kerja disesuaikan.",
            outcome="revised",
            result_rating=result,
            behaviour_rating=behaviour,
        )
        return
    _fire(appraisal, "accept_result", employee)
    if story.follow_up is None:
        return
    kind, details = story.follow_up
    _fire(appraisal, "propose_decision", cast.panel, kind=kind, details=details)
    if story.end == "decided":
        _fire(
            appraisal,
            "approve_decision",
            cast.authority,
            reference_number=f"800/{appraisal.pk:03d}/BKPSDM/{timezone.localdate().year}",
            effective_date=timezone.localdate().isoformat(),
        )


def _later_deadlines_after_today(cycle: Cycle, cast: Cast) -> None:
    """The phases still open last year (follow-ups) end after today, as HR would set them."""
    latest = cycle.ends_on + dt.timedelta(days=LATEST_AFTER_END_DAYS)
    today = timezone.localdate()
    due = {
        "final": min(today + dt.timedelta(days=21), latest),
        "decision_proposed": min(today + dt.timedelta(days=45), latest),
    }
    phase_deadlines_update(
        cycle=cycle,
        actor=cast.hr,
        deadlines={state: {"due_on": day} for state, day in due.items()},
    )


# -- this year ----------------------------------------------------------------------------


def _current_year(people, cycle, plans, cast: Cast) -> None:
    appraisals = _appraisals(cycle)
    officials = [p for p in people if p.subordinates and p.supervisor is not None]
    for person in officials:
        appraisal = appraisals[person.employee.pk]
        employee = cast.users[person.username]
        appraiser = cast.users[person.supervisor.username]
        _plan_set(appraisal, employee, appraiser)
    staff = [p for p in people if not p.subordinates]
    rated = evaluated = 0
    for index, person in enumerate(staff):
        state = CURRENT_ROTATION[index % len(CURRENT_ROTATION)]
        appraisal = appraisals[person.employee.pk]
        if state == "draft":
            continue  # a plan not yet written: the employee's first task
        employee = cast.users[person.username]
        appraiser = cast.users[person.supervisor.username]
        _staff_plan(appraisal, person, plans, index)
        steps = CURRENT_PATHS[state]
        _fire(appraisal, "submit_plan", employee)
        _expectations(appraisal, appraiser)
        if "approve_plan" not in steps:
            continue
        _fire(appraisal, "approve_plan", appraiser)
        periods = periods_of(cycle)
        _check_ins(appraisal, employee, periods, outcome="meets")
        if evaluated < EVALUATED_STAFF:
            evaluated += 1
            _evaluate_periods(appraisal, appraiser, periods)
        if "submit_self_assessment" not in steps:
            continue
        predicate = CURRENT_PREDICATES[rated % len(CURRENT_PREDICATES)]
        if "submit_review" in steps:
            rated += 1
        _self_assess(appraisal, employee, RATINGS[predicate][0])
        if "submit_review" not in steps:
            continue
        _review(appraisal, appraiser, predicate)
        if "record_discussion" in steps:
            _discuss(appraisal, appraiser)


# -- steps --------------------------------------------------------------------------------


def _appraisals(cycle: Cycle) -> dict[int, Appraisal]:
    rows = Appraisal.objects.filter(cycle=cycle).select_related("employee__position", "unit")
    return {a.employee_id: a for a in rows}


def _staff_plan(appraisal, person: Person, plans: dict, index: int) -> None:
    parents = plans.get(person.supervisor.username) or [None]
    result, (indicator, aspect, target) = STAFF_PLAN[index % len(STAFF_PLAN)]
    plans[person.username] = [
        plan_item_create(
            appraisal=appraisal,
            actor=appraisal.employee.user,
            result=result,
            parent_item=parents[0],
            indicators=[{"name": indicator, "aspect": aspect, "target": target}],
        )
    ]


def _fire(appraisal: Appraisal, name: str, actor, reason: str = "", **payload) -> None:
    appraisal.refresh_from_db()
    perform(appraisal, name, actor=actor, payload=payload, reason=reason)


def _expectations(appraisal, appraiser) -> None:
    behaviour_expectations_set(
        appraisal=appraisal,
        actor=appraiser,
        expectations={
            value: f"Menunjukkan nilai {label} dalam pelaksanaan tugas sehari-hari."
            for value, label in BehaviourValue.choices
        },
    )


def _plan_set(appraisal, employee, appraiser) -> None:
    _fire(appraisal, "submit_plan", employee)
    _expectations(appraisal, appraiser)
    _fire(appraisal, "approve_plan", appraiser)


def _indicators(appraisal) -> list:
    return [i for item in appraisal.plan_items.all() for i in item.indicators.all()]


def _check_ins(appraisal, employee, periods: list[dict], *, outcome: str) -> None:
    """A check-in for every period begun, each indicator's realisation so far."""
    now = timezone.now()
    indicators = _indicators(appraisal)
    for row in periods:
        if timezone.localdate(now) < row["first"]:
            break
        done = "sesuai jadwal" if outcome != "below" else "sebagian tertunda"
        check_in_record(
            appraisal=appraisal,
            actor=employee,
            period=row["period"],
            note=f"Pelaksanaan periode {row['period']} {done}.",
            entries=[
                {"indicator": i.pk, "realisation": f"Capaian periode {row['period']}: {done}"}
                for i in indicators
            ],
        )


def _evaluate_periods(appraisal, appraiser, periods: list[dict], last=None) -> None:
    """The appraiser's evaluation of each ended period; the last as given (it stands as the
    year's under the cycle's rule)."""
    ended = [p for p in periods if p["ended"]]
    for position, row in enumerate(ended):
        result, behaviour = last if last and position == len(ended) - 1 else ("meets", "meets")
        periodic_evaluation_rate(
            appraisal=appraisal,
            actor=appraiser,
            period=row["period"],
            result_rating=result,
            behaviour_rating=behaviour,
            feedback="Capaian periode ini dibahas bersama dalam pertemuan bulanan bidang.",
        )


def _self_assess(appraisal, employee, rating: str) -> None:
    appraisal.refresh_from_db()
    items = appraisal.plan_items.all()
    _fire(
        appraisal,
        "submit_self_assessment",
        employee,
        items=[
            {"id": item.pk, "realisation": REALISATIONS[rating], "self_rating": rating}
            for item in items
        ],
    )


def _review(appraisal, appraiser, predicate: str) -> None:
    result, behaviour = RATINGS[predicate]
    _fire(
        appraisal,
        "submit_review",
        appraiser,
        result_rating=result,
        behaviour_rating=behaviour,
        feedback=FEEDBACK[predicate],
    )


def _discuss(appraisal, appraiser) -> None:
    _fire(
        appraisal,
        "record_discussion",
        appraiser,
        summary="Dialog kinerja: capaian, kendala dan rencana pengembangan tahun depan dibahas.",
        held_at=(timezone.now() - dt.timedelta(hours=2)).isoformat(),
    )
