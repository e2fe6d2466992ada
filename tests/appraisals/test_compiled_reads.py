"""The statements every transition sends, compiled once (workflow.compiled, issue #17), are
the ORM's own: the same SQL with the same values, and the same rows made of them."""

import datetime as dt
import hashlib

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisals import clock
from appraisals.authentication import ExpiringTokenAuthentication
from appraisals.lifecycle import _plan_facts
from appraisals.models import ApiToken, Appraisal, Employee, Indicator, RoleAssignment, Unit
from appraisals.policies import (
    _EMPLOYEE_ROW,
    _profile_rows,
    appraisal_visibility,
    forget_profile,
    profile_of,
)
from appraisals.selectors.appraisals import APPRAISAL_RELATED, appraisal_lock_visible
from workflow.actors import system_actor
from workflow.compiled import Compiled, NotCompilable
from workflow.definition import Context
from workflow.errors import NotFound

from ..flow import add_plan_item

pytestmark = pytest.mark.django_db


def _sent(call) -> tuple[list[str], object]:
    """The statements `call` sends (as the database saw them, values in place) and its result."""
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return [q["sql"] for q in ctx.captured_queries], result


def _orm_lock(user, pk) -> Appraisal:
    """The locking read as it was written before it was compiled once."""
    return (
        Appraisal.objects.filter(appraisal_visibility(user))
        .select_related(*APPRAISAL_RELATED, "employee__position")
        .annotate(unit_zone=clock.zone_subquery("unit__path"))
        .select_for_update(of=("self",))
        .get(pk=pk)
    )


def _as_read(a: Appraisal) -> dict:
    people = ("employee", "appraiser", "appeal_reviewer")
    return {
        "row": {f.attname: getattr(a, f.attname) for f in a._meta.concrete_fields},
        "zone": a.unit_zone,
        "unit": a.unit.path,
        "cycle": a.cycle.name,
        "people": [getattr(a, p).name if getattr(a, p) else None for p in people],
        "position": a.employee.position and a.employee.position.name,
        "loaded": [Appraisal._meta.get_field(n).is_cached(a) for n in APPRAISAL_RELATED],
    }


@pytest.mark.parametrize("persona", ["employee", "appraiser", "hr_admin", "inspector", "system"])
def test_the_lock_read_sends_what_the_orm_sends_and_reads_the_same(org, appraisal, persona):
    user = system_actor() if persona == "system" else org.users[persona]
    with transaction.atomic():
        forget_profile(user)
        appraisal_lock_visible(user=user, pk=appraisal.pk)  # compiled, and the profile read
        orm_sql, orm_row = _sent(lambda: _orm_lock(user, appraisal.pk))
        our_sql, our_row = _sent(lambda: appraisal_lock_visible(user=user, pk=appraisal.pk))
    assert our_sql == orm_sql
    assert len(our_sql) == 1
    if connection.vendor == "postgresql":
        assert "FOR UPDATE OF" in our_sql[0]
    assert _as_read(our_row) == _as_read(orm_row)


def test_the_lock_read_hides_what_the_caller_may_not_see(org, appraisal):
    with transaction.atomic():
        for persona in ("outsider", "other_appraiser"):
            with pytest.raises(NotFound):
                appraisal_lock_visible(user=org.users[persona], pk=appraisal.pk)
        with pytest.raises(NotFound):
            appraisal_lock_visible(user=org.users["employee"], pk=appraisal.pk + 1000)
        with pytest.raises(NotFound):
            appraisal_lock_visible(user=org.users["employee"], pk="nope")
        with pytest.raises(NotFound):  # beyond any id: the ORM's way, no overflow
            appraisal_lock_visible(user=org.users["employee"], pk=2**63)


def test_a_stranger_sends_nothing(org, appraisal):
    from tests.factories import UserFactory

    stranger = UserFactory(username="stranger")
    forget_profile(stranger)
    with transaction.atomic():
        assert _profile_rows(stranger, timezone.localdate()) == []
        profile_of(stranger)  # the request's one profile read, before the lock read
        sql, _ = _sent(lambda: pytest.raises(NotFound, appraisal_lock_visible, user=stranger, pk=1))
    assert sql == []  # the ORM sends nothing for a filter that matches nothing either


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks")
@pytest.mark.django_db(transaction=True)
def test_the_lock_read_refuses_to_run_outside_a_transaction(org, appraisal):
    with transaction.atomic():
        appraisal_lock_visible(user=org.users["employee"], pk=appraisal.pk)
    with pytest.raises(TransactionManagementError):
        appraisal_lock_visible(user=org.users["employee"], pk=appraisal.pk)


@pytest.mark.parametrize("items", [0, 1, 2])
def test_the_plan_facts_are_the_aggregate_the_orm_sends(org, appraisal, items):
    for _ in range(items):
        add_plan_item(appraisal, org.employee.user)
    if items == 2:
        appraisal.plan_items.update(perspective="layanan")
        Indicator.objects.filter(item__appraisal=appraisal).update(target="")
    measured = Indicator.objects.filter(item=OuterRef("pk"), target__gt="")

    def orm():
        return appraisal.plan_items.aggregate(
            items=Count("pk"),
            unmeasured=Count("pk", filter=~Exists(measured)),
            without_perspective=Count("pk", filter=Q(perspective="")),
        )

    def ours():
        return _plan_facts(
            appraisal, Context(actor=org.employee.user, roles=frozenset(), now=timezone.now())
        )

    ours()
    orm_sql, orm_facts = _sent(orm)
    our_sql, our_facts = _sent(ours)
    assert our_sql == orm_sql
    assert our_facts == orm_facts
    assert our_facts["items"] == items


def test_the_token_lookup_is_the_orm_s_first(org):
    user = org.users["employee"]
    digest = hashlib.sha256(b"a-token").hexdigest()
    now = timezone.now()
    ApiToken.objects.create(
        user=user, digest=digest, created=now, expires=now + dt.timedelta(hours=1), last_used=now
    )
    orm_sql, orm_token = _sent(
        lambda: ApiToken.objects.select_related("user").filter(digest=digest).first()
    )
    our_sql, (our_user, our_token) = _sent(
        lambda: ExpiringTokenAuthentication().authenticate_credentials("a-token")
    )
    assert our_sql == orm_sql
    assert our_token.pk == orm_token.pk and our_user.pk == user.pk
    assert ApiToken._meta.get_field("user").is_cached(our_token)


@pytest.mark.parametrize("persona", ["employee", "hr_admin"])
def test_the_profile_rows_are_the_orm_s_union(org, persona):
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast

    from appraisals.models.organisation import valid_on

    user = org.users[persona]
    today = timezone.localdate()

    def orm():
        text = CharField()
        scopes = RoleAssignment.objects.filter(valid_on(today), user=user).values_list(
            "role", "unit__path"
        )
        employee = Employee.objects.filter(user=user, active=True).values_list(
            Value(_EMPLOYEE_ROW, output_field=text), Cast("id", output_field=text)
        )
        return list(scopes.order_by().union(employee.order_by(), all=True))

    orm_sql, orm_rows = _sent(orm)
    our_sql, our_rows = _sent(lambda: _profile_rows(user, today))
    assert our_sql == orm_sql
    assert our_rows == orm_rows


def _units_under(_shape, path):
    return Unit.objects.filter(path__startswith=path).order_by("path").values_list("code")


def test_a_value_the_orm_would_escape_is_compiled_the_usual_way(org):
    units = Compiled("units under", _units_under, (str,))
    assert units.statement(None, [org.instansi.path]) is not None
    assert units.statement(None, ["/1_%/"]) is None
    assert units.rows(None, ["/1_%/"], model=Unit) == []
    expected = list(_units_under(None, org.instansi.path))
    assert units.rows(None, [org.instansi.path], model=Unit) == expected
    assert len(expected) == 3


def test_a_queryset_whose_text_depends_on_the_values_is_refused():
    def by_count(_shape, n):
        return Unit.objects.filter(pk__in=list(range(n % 3 + 1)))

    with pytest.raises(NotCompilable):
        Compiled("varies", by_count, (int,)).rows(None, [1], model=Unit)
