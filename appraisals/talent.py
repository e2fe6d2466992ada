"""Who enters the talent pool (kelompok rencana suksesi / talent pool), issue #18 part 4.

The rule applied (configurable): an employee whose **latest annual predicates, over
`KINERJA_TALENT_POOL_YEARS` consecutive years (default 2), are all in
`KINERJA_TALENT_POOL_PREDICATES` (default: Sangat Baik)** is listed in the talent pool
of their agency. Only final results count: an appraisal whose result is final (`final`,
`decision_proposed`, `decided`), never one still open to appeal or cancelled; a year
without a final result breaks the run (the years must be consecutive, the latest first).

Where the rule comes from, and what we could not verify:

- PermenPANRB 3/2020 on talent management of ASN (*Manajemen Talenta Aparatur Sipil
  Negara*, Berita Negara 2020 No. 28) is the regulation on talent pools: agencies map
  their employees by performance (*kinerja*) and potential, and those in the upper boxes
  of the nine-box talent map form the pool for succession. We found its opening article
  and the agencies' own regulations implementing it (they cite its Pasal 8 ayat (1) as
  the mandate for agency rules), but **not** the wording that fixes how many years of
  which predicate a talent needs; we did not verify any article of it that states a
  "two years Sangat Baik" rule, and none is cited here as if we had.
- PermenPANRB 6/2022 (the follow-up of the appraisal, *tindak lanjut*) names input to
  talent management and promotion as a follow-up of a Sangat Baik result; our domain
  note (shared/domain.md) reads it as "Sangat Baik, especially in consecutive periods".
- So the default, two consecutive annual Sangat Baik predicates, is **our choice**, the
  agency's to change in settings (`KINERJA_TALENT_POOL_YEARS`,
  `KINERJA_TALENT_POOL_PREDICATES`); potential (the other axis of the nine-box map) is
  not measured by Kinerja, so the pool is a list of performance candidates for HR and
  the panel, not the agency's talent map itself.
"""

from __future__ import annotations

from django.conf import settings

from .predicate import Predicate

# The results that are final: no appeal pending, the follow-up stage or past it.
FINAL_STATES = ("final", "decision_proposed", "decided")
# Who reads an agency's talent pool: HR (pengelola kinerja) and the panel (tim penilai
# kinerja), over their unit subtree (issue #18). The panel proposes from it.
TALENT_POOL_READERS = frozenset({"hr_admin", "panel"})


def talent_years() -> int:
    """How many consecutive annual predicates, the latest first, must meet the rule."""
    years = int(getattr(settings, "KINERJA_TALENT_POOL_YEARS", 2))
    return max(1, min(years, 10))


def talent_predicates() -> tuple[str, ...]:
    """The predicates that count towards the pool (default: Sangat Baik only)."""
    chosen = getattr(settings, "KINERJA_TALENT_POOL_PREDICATES", (Predicate.SANGAT_BAIK,))
    return tuple(p for p in chosen if p in Predicate.values) or (Predicate.SANGAT_BAIK,)
