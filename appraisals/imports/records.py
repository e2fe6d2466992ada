"""From numbered rows of text to typed records, with the problems of each row on its own.

Checks here need only the row and the rows before it: formats, vocabularies,
lengths and duplicate NIPs. Checks against the tree and the database are in
`checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import messages as m
from .columns import (
    ALIASES,
    EMPLOYMENT,
    LABELS,
    MAX_LENGTH,
    REQUIRED,
    STATUS_HINT,
    STATUSES,
    header_key,
    position_kind,
    value_key,
)
from .reader import Source
from .report import RowProblem

NIP = re.compile(r"^\d{18}$")
# Typed NIPs often carry the spaces of their printed form ("19800101 200501 1 001")
# or Excel's text apostrophe; neither is part of the number.
_NIP_NOISE = re.compile(r"[\s']")


@dataclass
class Record:
    """One employee row. None means "the column is absent: leave the field as it is"."""

    row: int
    nip: str
    name: str
    unit_code: str
    unit_name: str
    parent_code: str  # "" for a top-level unit (the instansi)
    position: str | None  # "" for no position
    position_kind: str | None  # None: not given, or not understood
    grade: str | None
    supervisor_nip: str | None  # "" for no supervisor
    kind: str | None
    active: bool | None
    position_kind_text: str = ""  # as written, to tell "not given" from "not understood"


@dataclass(frozen=True)
class Columns:
    """Where each known field sits in the row, and the header label the file uses for it."""

    index: dict[str, int]
    label: dict[str, str]

    def has(self, field: str) -> bool:
        return field in self.index

    def name(self, field: str) -> str:
        return self.label.get(field, LABELS[field])


def columns_find(source: Source) -> tuple[Columns, list[RowProblem]]:
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    problems = []
    for i, header in enumerate(source.headers):
        field = ALIASES.get(header_key(header))
        if field is None:
            continue
        if field in index:
            problems.append(
                RowProblem(
                    code="column_twice",
                    message=m.COLUMN_TWICE.format(column=label[field], other=header),
                    row=None,
                    column=header,
                )
            )
            continue
        index[field], label[field] = i, header
    for field in REQUIRED:
        if field not in index:
            problems.append(
                RowProblem(
                    code="column_missing",
                    message=m.COLUMN_MISSING.format(column=LABELS[field]),
                    column=LABELS[field],
                )
            )
    return Columns(index=index, label=label), problems


def nip_clean(text: str) -> str:
    return _NIP_NOISE.sub("", text)


class _RowReader:
    """Reads one row's fields, collecting its problems."""

    def __init__(self, columns: Columns, source: Source, row: int, cells: list[str]) -> None:
        self.columns, self.source, self.row, self.cells = columns, source, row, cells
        self.problems: list[RowProblem] = []

    def problem(self, code: str, message, field: str) -> None:
        self.problems.append(
            RowProblem(code=code, message=message, row=self.row, column=self.columns.name(field))
        )

    def text(self, field: str, *, required: bool = False) -> str | None:
        if not self.columns.has(field):
            return None
        value = self.cells[self.columns.index[field]].strip()
        if required and not value:
            self.problem("required", m.REQUIRED_EMPTY.format(column=LABELS[field]), field)
        limit = MAX_LENGTH.get(field)
        if limit and len(value) > limit:
            self.problem("too_long", m.TOO_LONG.format(column=LABELS[field], limit=limit), field)
        return value

    def nip(self, field: str, *, required: bool) -> str | None:
        raw = self.text(field, required=required)
        if not raw:
            return raw
        if (self.row, self.columns.index[field]) in self.source.lossy:
            self.problem("nip_as_number", m.NIP_AS_NUMBER.format(value=raw), field)
            return raw
        value = nip_clean(raw)
        if not NIP.match(value):
            self.problem("nip_invalid", m.NIP_INVALID.format(value=raw), field)
        return value

    def choice(self, field: str, parse, code: str, message, **extra) -> object | None:
        """The parsed value; None when the column is absent or the cell empty."""
        raw = self.text(field)
        if not raw:
            return None
        value = parse(raw)
        if value is None:
            self.problem(code, message.format(value=raw, **extra), field)
        return value


def records_read(
    source: Source, columns: Columns, progress=None
) -> tuple[list[Record], list[RowProblem]]:
    records: list[Record] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for done, (row, cells) in enumerate(source.rows, 1):
        r = _RowReader(columns, source, row, cells)
        nip = r.nip("nip", required=True) or ""
        record = Record(
            row=row,
            nip=nip,
            name=r.text("nama", required=True) or "",
            unit_code=r.text("kode_unit", required=True) or "",
            unit_name=r.text("nama_unit", required=True) or "",
            parent_code=r.text("kode_unit_induk") or "",
            position=r.text("jabatan"),
            position_kind=r.choice(
                "jenis_jabatan", position_kind, "position_kind_unknown", m.POSITION_KIND_UNKNOWN
            ),
            grade=r.text("golongan"),
            supervisor_nip=r.nip("nip_atasan", required=False),
            kind=r.choice(
                "status_kepegawaian",
                lambda v: EMPLOYMENT.get(value_key(v)),
                "employment_unknown",
                m.EMPLOYMENT_UNKNOWN,
            ),
            active=r.choice(
                "status",
                lambda v: STATUSES.get(value_key(v)),
                "status_unknown",
                m.STATUS_UNKNOWN,
                hint=STATUS_HINT,
            ),
        )
        if record.nip and NIP.match(record.nip):
            if record.nip in first_row_of:
                r.problem(
                    "nip_duplicate",
                    m.NIP_DUPLICATE.format(value=record.nip, first=first_row_of[record.nip]),
                    "nip",
                )
            else:
                first_row_of[record.nip] = row
        record.position_kind_text = r.text("jenis_jabatan") or ""
        problems += r.problems
        records.append(record)
        if progress and done % 5000 == 0:
            progress(done)
    return records, problems
