"""The unit dashboard reads its figures without reading more than it needs (#17).

Issue #17: the cycle picker asked DISTINCT over every appraisal of the unit's subtree on
each view (for an agency's top unit, all of them); it asks EXISTS per cycle now, which
stops at the first appraisal found.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisals.models import Appraisal, UnitPredicate
from appraisals.selectors.appraisals import appraisal_state_counts_in
from appraisals.selectors.calibration import curve_flag_list, curve_report, unit_figures
from appraisals.selectors.cycles import cycles_with_appraisals_in

from ..factories import make_cycle
from .test_read_paths import _client, _count, _grow

pytestmark = pytest.mark.django_db

# The HR unit dashboard over its top unit, counted on SQLite and PostgreSQL alike: the
# governing predicate was asked three times and the states and predicates counted apart.
MAX_QUERIES_UNIT_DASHBOARD = 10  # was 13


def test_the_cycles_with_appraisals_in_the_subtree_and_no_others(org, appraisal):
    empty = make_cycle(org.instansi, year=org.cycle.year + 1)
    cycles = [org.cycle, empty]
    assert appraisal.unit == org.dinas
    assert cycles_with_appraisals_in(cycles=cycles, unit=org.instansi) == {org.cycle.pk}
    assert cycles_with_appraisals_in(cycles=cycles, unit=org.dinas) == {org.cycle.pk}
    assert cycles_with_appraisals_in(cycles=cycles, unit=org.other_dinas) == set()
    assert cycles_with_appraisals_in(cycles=[empty], unit=org.instansi) == set()


def test_one_query_that_stops_at_the_first_appraisal_of_each_cycle(org, appraisal):
    cycles = [org.cycle, make_cycle(org.instansi, year=org.cycle.year + 1)]
    with CaptureQueriesContext(connection) as ctx:
        cycles_with_appraisals_in(cycles=cycles, unit=org.instansi)
    [query] = [q["sql"] for q in ctx.captured_queries]
    assert "EXISTS" in query
    assert "DISTINCT" not in query  # the old shape: every appraisal of the subtree, then unique


def _spread(org, n: int = 6) -> None:
    """Appraisals of the dinas in several states and predicates, one cancelled."""
    _grow(org, n)
    rows = list(Appraisal.objects.filter(cycle=org.cycle).order_by("pk"))
    for i, (state, predicate) in enumerate(
        [("final", "baik"), ("final", "sangat_baik"), ("cancelled", "baik"), ("draft", "")]
    ):
        Appraisal.objects.filter(pk=rows[i].pk).update(state=state, predicate=predicate)


@pytest.mark.parametrize("governed_above", [False, True], ids=["own curve", "curve above"])
def test_the_dashboard_figures_are_the_separate_selectors_answers(org, appraisal, governed_above):
    _spread(org)
    UnitPredicate.objects.create(
        unit=org.instansi if governed_above else org.dinas,
        cycle=org.cycle,
        predicate="baik",
        set_by=org.users["authority"],
        set_at=timezone.now(),
    )
    figures = unit_figures(unit=org.dinas, cycle=org.cycle)
    assert figures.states == appraisal_state_counts_in(cycle=org.cycle, unit=org.dinas)
    assert figures.states.get("cancelled") == 1
    assert figures.report == curve_report(unit=org.dinas, cycle=org.cycle)
    assert list(figures.flags) == list(curve_flag_list(unit=org.dinas, cycle=org.cycle))
    assert figures.governing.unit == (org.instansi if governed_above else org.dinas)


def test_the_unit_dashboard_asks_the_curve_once_and_counts_in_one_pass(org, appraisal):
    _spread(org)
    client = _client(org.users["hr_admin"])
    url = f"/hr/units/{org.instansi.pk}/?cycle={org.cycle.pk}"
    assert _count(client, url) <= MAX_QUERIES_UNIT_DASHBOARD
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "appraisals_unitpredicate"' in sql for sql in sqls) == 1
    counting = [s for s in sqls if 'FROM "appraisals_appraisal"' in s and "COUNT(" in s]
    assert len(counting) == 1, counting
