"""What a recap row holds: one column spec per column, read in one query.

A `Column` names its key (what the CSV mapping file refers to), its header
(Indonesian first), the query paths or expressions it needs and how the cell's
value is made from the row. The writers know nothing else: adding a column —
the periodic ratings, one per period of the cycle — is adding a spec here or
registering a provider in `COLUMN_PROVIDERS` (`provider(cycle) -> [Column]`;
given `cycle=None` it returns every column it could give, so a mapping file
naming one of them is valid).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery

from workflow.text import Text as T

from ..models import Appeal, Appraisal, Cycle, Decision, PeriodicEvaluation
from ..predicate import Predicate, Rating
from ..selectors.periods import period_count
from ..states import STATES

Row = Mapping[str, Any]

STATE_LABELS = {s.name: s.label for s in STATES}
RATING_LABELS = {c.value: c.label for c in Rating}
PREDICATE_LABELS = {c.value: c.label for c in Predicate}
APPEAL_LABELS = {c.value: c.label for c in Appeal.Outcome} | {"pending": "Dalam proses"}
DECISION_KIND_LABELS = {c.value: c.label for c in Decision.Kind}
DECISION_STATUS_LABELS = {c.value: c.label for c in Decision.Status}


@dataclass(frozen=True)
class Column:
    key: str
    header: T
    # values() paths this column reads, and the annotations it adds to the query.
    fields: tuple[str, ...] = ()
    annotations: Mapping[str, Any] = field(default_factory=dict)
    code: Callable[[Row], Any] | None = None
    # Code -> human label (Indonesian); without it the code is the label.
    labels: Mapping[str, Any] | None = None

    def raw(self, row: Row) -> Any:
        if self.code is not None:
            return self.code(row)
        return row[self.fields[0]] if self.fields else None

    def label(self, row: Row) -> Any:
        value = self.raw(row)
        if self.labels is None or value in (None, ""):
            return "" if value is None else value
        label = self.labels.get(value, value)
        return label.id if isinstance(label, T) else str(label)


def _appeal(row: Row) -> str:
    if row["appeal_outcome"]:
        return row["appeal_outcome"]
    return "pending" if row["appeal_filed_at"] else ""


def _latest(model, order: tuple[str, ...], value: str) -> Subquery:
    """The newest related row's `value`, as a correlated subquery (no query per row)."""
    return Subquery(
        model.objects.filter(appraisal=OuterRef("pk")).order_by(*order).values(value)[:1]
    )


_APPEAL_ORDER = ("-filed_at", "-id")
_DECISION_ORDER = ("-proposed_at", "-id")

COLUMNS: tuple[Column, ...] = (
    Column("nip", T("NIP", "NIP"), ("employee__nip",)),
    Column("nama", T("Nama", "Name"), ("employee__name",)),
    Column("jabatan", T("Jabatan", "Position"), ("employee__position__name",)),
    Column("pangkat_golongan", T("Pangkat/Golongan", "Rank/grade"), ("employee__grade",)),
    Column("kode_unit", T("Kode Unit", "Unit code"), ("unit__code",)),
    Column("unit", T("Unit Kerja", "Unit"), ("unit__name",)),
    Column(
        "rating_hasil_kerja",
        T("Rating Hasil Kerja (Tahunan)", "Result rating (annual)"),
        ("result_rating",),
        labels=RATING_LABELS,
    ),
    Column(
        "rating_perilaku_kerja",
        T("Rating Perilaku Kerja (Tahunan)", "Behaviour rating (annual)"),
        ("behaviour_rating",),
        labels=RATING_LABELS,
    ),
    Column(
        "predikat",
        T("Predikat Kinerja", "Performance predicate"),
        ("predicate",),
        labels=PREDICATE_LABELS,
    ),
    Column("status", T("Status Penilaian", "Appraisal state"), ("state",), labels=STATE_LABELS),
    Column(
        "keberatan",
        T("Hasil Keberatan", "Appeal outcome"),
        ("appeal_outcome", "appeal_filed_at"),
        annotations={
            "appeal_outcome": _latest(Appeal, _APPEAL_ORDER, "outcome"),
            "appeal_filed_at": _latest(Appeal, _APPEAL_ORDER, "filed_at"),
        },
        code=_appeal,
        labels=APPEAL_LABELS,
    ),
    Column(
        "jenis_tindak_lanjut",
        T("Jenis Tindak Lanjut", "Follow-up kind"),
        ("decision_kind",),
        annotations={"decision_kind": _latest(Decision, _DECISION_ORDER, "kind")},
        labels=DECISION_KIND_LABELS,
    ),
    Column(
        "status_tindak_lanjut",
        T("Status Tindak Lanjut", "Follow-up status"),
        ("decision_status",),
        annotations={"decision_status": _latest(Decision, _DECISION_ORDER, "status")},
        labels=DECISION_STATUS_LABELS,
    ),
    Column(
        "nomor_keputusan",
        T("Nomor Keputusan", "Decree number"),
        ("decision_reference",),
        annotations={"decision_reference": _latest(Decision, _DECISION_ORDER, "reference_number")},
    ),
    Column(
        "tanggal_berlaku",
        T("Tanggal Berlaku Keputusan", "Decision effective date"),
        ("decision_effective",),
        annotations={"decision_effective": _latest(Decision, _DECISION_ORDER, "effective_date")},
        code=lambda row: row["decision_effective"].isoformat() if row["decision_effective"] else "",
    ),
)

# The most periods a cycle can have (a monthly cycle): the mapping file may name any.
MAX_PERIODS = 12


def _period_value(period: int, value: str) -> Subquery:
    """The cycle's `period`'s evaluation `value` for the row's appraisal (blank: not rated)."""
    return Subquery(
        PeriodicEvaluation.objects.filter(appraisal=OuterRef("pk"), period=period).values(value)[:1]
    )


def periodic_columns(cycle: Cycle | None) -> list[Column]:
    """One column set per period of `cycle` (evaluasi kinerja periodik): the result and
    behaviour ratings and the predicate the appraiser gave that period; blank while the
    period is not rated. With None, every period a cycle can have (12)."""
    count = MAX_PERIODS if cycle is None else period_count(cycle)
    columns = []
    for n in range(1, count + 1):
        specs = (
            (
                "rating_hasil_kerja",
                "result_rating",
                "Rating Hasil Kerja",
                "Result rating",
                RATING_LABELS,
            ),
            (
                "rating_perilaku_kerja",
                "behaviour_rating",
                "Rating Perilaku Kerja",
                "Behaviour rating",
                RATING_LABELS,
            ),
            (
                "predikat",
                "predicate",
                "Predikat Kinerja",
                "Performance predicate",
                PREDICATE_LABELS,
            ),
        )
        for key, value, header_id, header_en, labels in specs:
            name = f"periode_{n}_{value}"
            columns.append(
                Column(
                    f"{key}_periode_{n}",
                    T(f"{header_id} (Periode {n})", f"{header_en} (period {n})"),
                    (name,),
                    annotations={name: _period_value(n, value)},
                    labels=labels,
                )
            )
    return columns


# Providers of further columns for a cycle: `provider(cycle)`; the periodic ratings' first.
COLUMN_PROVIDERS: list[Callable[[Cycle | None], list[Column]]] = [periodic_columns]


def recap_columns(cycle: Cycle | None = None) -> tuple[Column, ...]:
    """The recap's columns for `cycle`; with None, every column any cycle could have."""
    extra = [c for provider in COLUMN_PROVIDERS for c in provider(cycle)]
    return (*COLUMNS, *extra)


def recap_queryset(*, cycle: Cycle, unit_path: str, columns: tuple[Column, ...]):
    """The rows of the unit subtree's appraisals in the cycle: one query, any size.

    Every appraisal counts (cancelled ones too), as on the unit dashboard, so the
    recap's totals per state are the dashboard's.
    """
    annotations: dict[str, Any] = {}
    paths: list[str] = []
    for column in columns:
        annotations.update(column.annotations)
        paths.extend(f for f in column.fields if f not in column.annotations)
    return (
        Appraisal.objects.filter(cycle=cycle, unit__path__startswith=unit_path)
        .annotate(**annotations)
        .order_by("unit__path", "employee__name", "pk")
        .values("pk", "state", "predicate", *dict.fromkeys(paths), *annotations)
    )
