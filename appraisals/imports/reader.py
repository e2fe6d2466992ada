"""Reading an HR export, CSV or XLSX, into a header and numbered rows of text.

CSV: UTF-8 with or without a BOM; the delimiter (comma, semicolon or tab) is
sniffed from the header line, because Excel in an Indonesian locale saves
"CSV" with semicolons. XLSX: the first worksheet. Either way the header is
the first row naming a NIP column among the first few (exports often carry
a title above it), and rows are numbered as the spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from workflow.text import Text

from . import messages as m
from .columns import ALIASES, header_key

# How far down a title block may push the header row.
HEADER_SEARCH = 10
# Excel keeps 15 significant digits: a NIP stored as a number has lost its tail.
EXACT_DIGITS = 10**15


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing row-level to report."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Source:
    name: str
    headers: list[str]
    # (row number as the spreadsheet shows it, cells as text, padded to the header).
    rows: list[tuple[int, list[str]]]
    # (row number, column index) of cells that held a number too long to be exact.
    lossy: frozenset[tuple[int, int]] = field(default_factory=frozenset)


def source_read(*, path: Path | str) -> Source:
    path = Path(path)
    return source_from_bytes(data=path.read_bytes(), name=path.name)


def source_from_bytes(*, data: bytes, name: str) -> Source:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return _xlsx(data, name)
    if suffix in (".csv", ".txt", ""):
        return _csv(data, name)
    raise ImportFileError(m.FILE_FORMAT.format(suffix=suffix))


def _csv(data: bytes, name: str) -> Source:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(m.FILE_NOT_UTF8) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        numbered = [(n, [cell.strip() for cell in cells]) for n, cells in enumerate(reader, 1)]
    except csv.Error as exc:
        raise ImportFileError(m.FILE_UNREADABLE.format(detail=str(exc))) from None
    return _framed(name, numbered, frozenset())


def _xlsx(data: bytes, name: str) -> Source:
    # Imported here: only XLSX files need it, and it is a sizeable module.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(m.FILE_UNREADABLE.format(detail=type(exc).__name__)) from None
    try:
        sheet = book.worksheets[0]
        numbered, lossy = [], set()
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = []
            for index, value in enumerate(values):
                text, exact = _cell_text(value)
                if not exact:
                    lossy.add((n, index))
                cells.append(text)
            numbered.append((n, cells))
    finally:
        book.close()
    return _framed(name, numbered, frozenset(lossy))


def _cell_text(value) -> tuple[str, bool]:
    """The cell as text, and whether that text is exactly what was typed."""
    if value is None:
        return "", True
    if isinstance(value, bool):
        return str(value), True
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)), abs(value) < EXACT_DIGITS
        return repr(value), True
    if hasattr(value, "isoformat"):
        return value.isoformat(), True
    return str(value).strip(), True


def _framed(name: str, numbered: list[tuple[int, list[str]]], lossy: frozenset) -> Source:
    """Find the header row; keep the non-empty rows below it, padded to its width."""
    header_at = next(
        (
            i
            for i, (_n, cells) in enumerate(numbered[:HEADER_SEARCH])
            if any(ALIASES.get(header_key(c)) == "nip" for c in cells)
        ),
        next((i for i, (_n, cells) in enumerate(numbered) if any(cells)), None),
    )
    if header_at is None:
        return Source(name=name, headers=[], rows=[], lossy=lossy)
    headers = [str(c).strip() for c in numbered[header_at][1]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows = [
        (n, (cells + [""] * width)[:width]) for n, cells in numbered[header_at + 1 :] if any(cells)
    ]
    return Source(name=name, headers=headers, rows=rows, lossy=lossy)
