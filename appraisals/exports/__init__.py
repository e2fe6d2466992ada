"""Recaps (rekapitulasi) of a unit's appraisals in a cycle, as XLSX and CSV.

`columns` declares what a row holds (the column spec), `mapping` the CSV
exchange layout an agency may adjust, `write` the streaming writers and
`formulas` the neutralisation of spreadsheet formulas.
"""

from .columns import COLUMNS, Column, recap_columns
from .formulas import csv_safe
from .mapping import CsvMapping, RecapMappingError, csv_mapping_load
from .write import recap_csv_chunks, recap_xlsx_write

__all__ = [
    "COLUMNS",
    "Column",
    "CsvMapping",
    "RecapMappingError",
    "csv_mapping_load",
    "csv_safe",
    "recap_columns",
    "recap_csv_chunks",
    "recap_xlsx_write",
]
