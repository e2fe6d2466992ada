"""Page numbers over millions of events without counting them all (issue #21).

The event search keeps DRF's page format, `{"count", "next", "previous", "results"}`
(api-contract.md), and the project's paging parameters (the configured default
pagination class). Only how `count` is reached changes: Django's Paginator counts
every matching row on every page, a scan that grows with the table (seconds at ten
million events). Here the database counts no further than COUNT_EXACT_UP_TO rows or
ten pages past the one asked, whichever is more, in the list's own order (an index
range that stops there: without the order PostgreSQL may bitmap-scan every match
first); when the matches stop within that, `count` is exact. Beyond it, on
PostgreSQL, `count` is the planner's estimate of the matches, never less than what
was counted, so every page up to ten past the asked one exists and `next` is right;
within ten pages of the real end the count is exact again. Elsewhere (SQLite, the
demo) the count stays exact.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.settings import api_settings

COUNT_EXACT_UP_TO = 1_000
AHEAD = 10


def planner_estimate(queryset) -> int:
    """PostgreSQL's estimate of the rows `queryset` matches (no rows are read)."""
    compiler = queryset.order_by().query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedCountPaginator(Paginator):
    asked = 1
    estimated = False

    def page(self, number):
        try:
            self.asked = max(1, min(int(number), 10**6))
        except (TypeError, ValueError):
            self.asked = 1
        return super().page(number)

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if connections[qs.db].vendor != "postgresql":
            return qs.count()
        bound = max(COUNT_EXACT_UP_TO, (self.asked + AHEAD) * int(self.per_page))
        found = qs[: bound + 1].count()
        if found <= bound:
            return found
        self.estimated = True
        return max(found, planner_estimate(qs))


class AuditEventPagination(api_settings.DEFAULT_PAGINATION_CLASS):
    django_paginator_class = BoundedCountPaginator
