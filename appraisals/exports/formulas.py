"""Formula injection: a cell a spreadsheet would run as a formula is made plain text.

OWASP's advice for CSV: a value that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so Excel, LibreOffice and
Google Sheets show it as text. Names, positions and decree numbers come from
HR files and people's input, so any of them may carry such a value.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """The cell's text, with a leading quote when a spreadsheet would read a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
