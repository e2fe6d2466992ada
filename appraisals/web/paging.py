"""Page numbers that do not count every row: a window of pages ahead of the one asked.

The lists a national instansi's HR or inspectors read hold 100,000 appraisals or
millions of audit events; counting them all on every page (Django's Paginator)
costs a scan that grows with the table to print "Page 1 of 4,000". The count
here stops at the end of a window (the asked page and `AHEAD` more): the
database reads at most that many rows, in the list's own order, and the pager
says "Page 1 of 11+" until the window reaches the last page, where it is exact.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

AHEAD = 10


class WindowPaginator(Paginator):
    def __init__(self, object_list, per_page, *, asked=None, ahead: int = AHEAD):
        super().__init__(object_list, per_page)
        try:
            number = max(1, int(asked))
        except (TypeError, ValueError):
            number = 1
        self.window = (min(number, 10**6) + ahead) * int(per_page)
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list[: self.window + 1].count()
        if found > self.window:
            self.capped = True
            return self.window
        return found
