"""The streaming writers: CSV in chunks of bytes, XLSX through openpyxl's write-only mode.

Both take the rows as an iterator (`recap_queryset(...).iterator(chunk_size=...)`)
and hold a chunk at a time, whatever the recap's size. They count the states
and predicates as the rows pass (`RecapTotals`), so the totals are those of
the very rows written.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..predicate import Predicate
from ..states import STATES
from .columns import Column, Row
from .formulas import csv_safe
from .mapping import CsvMapping

# Rows per CSV chunk sent to the client, and between progress reports.
CSV_CHUNK_ROWS = 500
PROGRESS_EVERY = 1000
Progress = Callable[[int], None]


@dataclass
class RecapTotals:
    """Appraisals per state (all, as the dashboard) and per predicate (not cancelled)."""

    states: Counter = field(default_factory=Counter)
    predicates: Counter = field(default_factory=Counter)
    rows: int = 0

    def add(self, row: Row) -> None:
        self.rows += 1
        self.states[row["state"]] += 1
        if row["state"] != "cancelled":
            self.predicates[row["predicate"] or ""] += 1


def _counted(rows: Iterable[Row], totals: RecapTotals, progress: Progress | None) -> Iterator[Row]:
    for row in rows:
        totals.add(row)
        if progress is not None and totals.rows % PROGRESS_EVERY == 0:
            progress(totals.rows)
        yield row


def recap_csv_chunks(
    rows: Iterable[Row],
    *,
    columns: tuple[Column, ...],
    mapping: CsvMapping,
    totals: RecapTotals | None = None,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The CSV's bytes in chunks: the mapping's headers, then a line per row."""
    by_key = {c.key: c for c in columns}
    encoder = codecs.getincrementalencoder(mapping.encoding)(errors="replace")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=mapping.delimiter, lineterminator="\r\n")
    writer.writerow([csv_safe(m.header) for m in mapping.columns])
    getters = []
    for m in mapping.columns:
        column = by_key.get(m.field)
        if column is None:  # a field this cycle does not have (a period it lacks)
            getters.append(lambda row: "")
        else:
            getters.append(column.raw if m.value == "code" else column.label)
    totals = totals if totals is not None else RecapTotals()
    for n, row in enumerate(_counted(rows, totals, progress), start=1):
        writer.writerow([csv_safe(get(row)) for get in getters])
        if n % CSV_CHUNK_ROWS == 0:
            yield encoder.encode(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    yield encoder.encode(buffer.getvalue(), final=True)


def _xlsx_value(ws, value):
    """Text stays text: a value openpyxl would store as a formula is forced to a string."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
    return value


def _bold(ws, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_xlsx_value(ws, value))
    cell.font = Font(bold=True)
    return cell


def recap_xlsx_write(
    path: Path,
    rows: Iterable[Row],
    *,
    columns: tuple[Column, ...],
    title: list[tuple[str, str]],
    progress: Progress | None = None,
) -> RecapTotals:
    """Write the workbook (sheet "Pegawai": a row per appraisal; "Rekapitulasi": totals)."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Pegawai")
    summary = wb.create_sheet("Rekapitulasi")
    sheet.freeze_panes = "C2"
    sheet.append([_bold(sheet, c.header.id) for c in columns])
    totals = RecapTotals()
    for row in _counted(rows, totals, progress):
        sheet.append([_xlsx_value(sheet, c.label(row)) for c in columns])
    for label, value in title:
        summary.append([_bold(summary, label), _xlsx_value(summary, value)])
    summary.append([])
    summary.append([_bold(summary, "Status Penilaian"), _bold(summary, "Jumlah")])
    for state in STATES:
        summary.append([state.label.id, totals.states.get(state.name, 0)])
    summary.append([_bold(summary, "Jumlah"), totals.rows])
    summary.append([])
    summary.append([_bold(summary, "Predikat Kinerja"), _bold(summary, "Jumlah")])
    for choice in Predicate:
        summary.append([choice.label, totals.predicates.get(choice.value, 0)])
    summary.append(["Belum dinilai", totals.predicates.get("", 0)])
    wb.save(path)
    return totals
