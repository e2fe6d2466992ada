"""The talent pool as a file (issue #18 part 4): XLSX for people, CSV for other systems.

One row per employee in the pool: NIP, name, unit, position, grade and the final
predicates of the latest years (one column per year, the newest first). Cells that a
spreadsheet would read as a formula are quoted, as in the recaps (`formulas.csv_safe`).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..predicate import Predicate
from .formulas import csv_safe

HEADERS = ["NIP", "Nama", "Kode Unit", "Unit Kerja", "Jabatan", "Pangkat/Golongan"]
LABELS = dict(Predicate.choices)


def talent_years_shown(records: list[dict]) -> list[int]:
    """The years with a predicate for anyone listed, the newest first."""
    return sorted({p["year"] for r in records for p in r["predicates"]}, reverse=True)


def talent_rows(records: list[dict]) -> tuple[list[str], list[list[str]]]:
    years = talent_years_shown(records)
    header = [*HEADERS, *[f"Predikat {year}" for year in years]]
    rows = []
    for r in records:
        by_year = {p["year"]: LABELS.get(p["predicate"], p["predicate"]) for p in r["predicates"]}
        rows.append(
            [
                r["nip"],
                r["name"],
                r["unit"].code,
                r["unit"].name,
                r["position"].name if r["position"] is not None else "",
                r["grade"],
                *[by_year.get(year, "") for year in years],
            ]
        )
    return header, rows


def talent_csv(records: list[dict]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets open it right), `;` as the recaps'
    default exchange layout."""
    header, rows = talent_rows(records)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def talent_xlsx(records: list[dict], *, title: list[tuple[str, str]]) -> bytes:
    header, rows = talent_rows(records)
    book = Workbook()
    sheet = book.active
    sheet.title = "Kelompok Talenta"
    for key, value in title:
        sheet.append([key, value])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", csv_safe(cell)) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
