"""The unit dashboard learns which cycles have appraisals in the unit without reading them all.

Issue #17: the cycle picker asked DISTINCT over every appraisal of the unit's subtree on
each view (for an agency's top unit, all of them); it asks EXISTS per cycle now, which
stops at the first appraisal found.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisals.selectors.cycles import cycles_with_appraisals_in

from ..factories import make_cycle

pytestmark = pytest.mark.django_db


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
