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
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from workflow.text import Text

from . import messages as m
from .columns import ALIASES, header_key

# How far down a title block may push the header row.
HEADER_SEARCH = 10
# An XLSX is a zip of a few XML parts; thousands of members are no spreadsheet.
MAX_MEMBERS = 1000
INFLATE_CHUNK = 1024 * 1024
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


def _max_rows() -> int:
    return settings.KINERJA_IMPORT_MAX_ROWS


class _RowCounter:
    """Stops the read as soon as the file has more non-empty rows than a file may hold.

    The header and a title block above it count too, hence the allowance;
    the exact count of data rows is checked once the header is found.
    """

    def __init__(self) -> None:
        self.limit = _max_rows()
        self.seen = 0

    def count(self, cells) -> None:
        if any(cells):
            self.seen += 1
            if self.seen > self.limit + HEADER_SEARCH:
                raise ImportFileError(m.TOO_MANY_ROWS.format(limit=self.limit))


def _csv(data: bytes, name: str) -> Source:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(m.FILE_NOT_UTF8) from None
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counter, numbered = _RowCounter(), []
    try:
        for n, cells in enumerate(reader, 1):
            counter.count(cells)
            numbered.append((n, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise ImportFileError(m.FILE_UNREADABLE.format(detail=str(exc))) from None
    return _framed(name, numbered, frozenset())


def declared_size_check(*, data: bytes) -> None:
    """What a zip's headers declare, checked without inflating anything: cheap enough for a
    request, before a file is queued (the worker checks the bytes actually inflated too)."""
    if data[:4] != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportFileError(m.FILE_UNREADABLE.format(detail="BadZipFile")) from None
    _declared_check(members)


def _too_large() -> ImportFileError:
    cap = settings.KINERJA_IMPORT_MAX_UNZIPPED_BYTES
    return ImportFileError(m.FILE_TOO_LARGE.format(limit=cap // (1024 * 1024)))


def _declared_check(members: list[zipfile.ZipInfo]) -> None:
    cap = settings.KINERJA_IMPORT_MAX_UNZIPPED_BYTES
    if len(members) > MAX_MEMBERS or sum(i.file_size for i in members) > cap:
        raise _too_large()


def members_check(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that inflates past KINERJA_IMPORT_MAX_UNZIPPED_BYTES.

    First by what its headers declare (nothing inflated), then by the bytes
    actually inflated, member by member, stopping at the cap: headers can lie.
    """
    cap = settings.KINERJA_IMPORT_MAX_UNZIPPED_BYTES
    members = archive.infolist()
    _declared_check(members)
    inflated = 0
    try:
        for info in members:
            with archive.open(info) as member:
                while chunk := member.read(INFLATE_CHUNK):
                    inflated += len(chunk)
                    if inflated > cap:
                        raise _too_large()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        # A damaged or lying member (zipfile stops at the declared size, then the CRC fails).
        raise ImportFileError(m.FILE_UNREADABLE.format(detail=type(exc).__name__)) from None


def _xlsx(data: bytes, name: str) -> Source:
    # Imported here: only XLSX files need it, and it is a sizeable module.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members_check(archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds for a damaged file
        raise ImportFileError(m.FILE_UNREADABLE.format(detail=type(exc).__name__)) from None
    try:
        sheet = book.worksheets[0]
        # read_only pads every row to the sheet's declared dimension, which the
        # file itself states (A1:XFD1048576 would make each row 16,384 cells):
        # read the cells that are there instead.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        counter, numbered, lossy = _RowCounter(), [], set()
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
            counter.count(values)
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
    if len(rows) > _max_rows():
        raise ImportFileError(m.TOO_MANY_ROWS.format(limit=_max_rows()))
    return Source(name=name, headers=headers, rows=rows, lossy=lossy)
