"""Importing the organisation (units, positions, employees, supervisors) from an HR export."""

from .reader import ImportFileError, Source, declared_size_check, source_from_bytes, source_read
from .report import ImportReport, RowProblem
from .service import organisation_import

__all__ = [
    "ImportFileError",
    "ImportReport",
    "RowProblem",
    "Source",
    "declared_size_check",
    "organisation_import",
    "source_from_bytes",
    "source_read",
]
