"""Reading and exporting a unit's talent pool (issue #18 part 4); reads are recorded."""

from __future__ import annotations

from django.utils import timezone

from audit.services import read_access_record

from ..exports.talent import talent_csv, talent_xlsx
from ..models import Unit
from ..selectors.talent import talent_pool_of, talent_records
from ..talent import talent_predicates, talent_years

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def talent_read_record(*, reader, unit: Unit, purpose: str) -> None:
    """Who looked at whose record (UU 27/2022): one read per page, list or download."""
    read_access_record(reader=reader, subject=unit, purpose=purpose, scope=unit.path)


def talent_filename(*, unit: Unit, fmt: str) -> str:
    code = "".join(c if c.isalnum() or c in "-_" else "-" for c in unit.code)
    return f"kelompok-talenta-{code}-{timezone.localdate():%Y%m%d}.{fmt}"


def talent_export(*, unit: Unit, fmt: str, reader) -> bytes:
    """The whole pool of the unit's subtree as a file (the pool is a short list: the
    best-rated, a few per cent of an agency)."""
    talent_read_record(reader=reader, unit=unit, purpose=f"unit.talent_pool.{fmt}")
    records = talent_records(employees=talent_pool_of(unit=unit))
    if fmt == "csv":
        return talent_csv(records)
    title = [
        ("Kelompok Talenta (calon suksesi)", ""),
        ("Unit Kerja", f"{unit.name} ({unit.code})"),
        (
            "Syarat",
            f"{talent_years()} tahun berturut-turut terakhir: " + ", ".join(talent_predicates()),
        ),
        ("Dibuat", timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
    ]
    return talent_xlsx(records, title=title)
