"""Public satisfaction survey results (survei kepuasan masyarakat, IKM) from CSV.

HR administrators (pengelola kinerja) import results per unit, service and
period of a cycle. The import is a dry run unless asked to commit; every row
is checked first and any error means nothing is written; a commit upserts on
(unit, cycle, service, period) in one transaction, so importing the same
file twice changes nothing the second time. Columns follow what survey
offices export: kode_unit, layanan, periode, nilai (0-100, decimal comma or
point), responden.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from workflow.errors import ActionForbidden, PayloadInvalid, Problem
from workflow.records import attribute, audit_record
from workflow.text import Text

from ..models import Cycle, SurveyResult, Unit
from ..policies import profile_of

COLUMNS = ("kode_unit", "layanan", "periode", "nilai", "responden")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000

ONLY_HR = Text(
    id="Hanya pengelola kinerja (BKD/BKPSDM) atas instansi siklus ini yang dapat mengimpor.",
    en="Only an HR administrator over this cycle's instansi may import.",
)
FILE_PROBLEMS = {
    "file_too_large": Text(
        id=f"Berkas terlalu besar (maks. {MAX_BYTES} bita).",
        en=f"The file is too large (max {MAX_BYTES} bytes).",
    ),
    "encoding": Text(
        id="Berkas harus teks CSV UTF-8.", en="The file must be UTF-8 encoded CSV text."
    ),
    "too_many_rows": Text(
        id=f"Terlalu banyak baris (maks. {MAX_ROWS}).", en=f"Too many rows (max {MAX_ROWS})."
    ),
    "malformed": Text(id="Berkas bukan CSV yang dapat dibaca.", en="The file is not readable CSV."),
    "columns_missing": Text(
        id="Kolom wajib tidak ada: {columns}.", en="Required columns missing: {columns}."
    ),
}
ROW_PROBLEMS = {
    "required": Text(id="wajib diisi", en="is required"),
    "too_long": Text(id="terlalu panjang (maks. {max} karakter)", en="is too long (max {max})"),
    "unit_unknown": Text(id="unit '{value}' tidak dikenal", en="unit '{value}' is unknown"),
    "unit_outside_cycle": Text(
        id="unit '{value}' bukan bagian dari instansi siklus ini",
        en="unit '{value}' is not part of this cycle's instansi",
    ),
    "score_invalid": Text(
        id="'{value}' bukan angka 0-100 (koma atau titik desimal)",
        en="'{value}' is not a number from 0 to 100 (decimal comma or point)",
    ),
    "respondents_invalid": Text(
        id="'{value}' bukan bilangan bulat positif", en="'{value}' is not a positive whole number"
    ),
    "duplicate_row": Text(
        id="sama dengan baris {value} (unit, layanan, periode)",
        en="repeats row {value} (unit, service, period)",
    ),
}
ROWS_INVALID = Text(
    id="Impor dibatalkan: ada baris yang tidak valid; tidak ada data yang disimpan.",
    en="Import refused: some rows are invalid; nothing was saved.",
)


@dataclass
class SurveyImportReport:
    committed: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return [
            Problem(
                code=e["code"],
                message=Text(id=e["messages"]["id"], en=e["messages"]["en"]),
                field=f"row[{e['row']}].{e['column']}",
            )
            for e in self.errors
        ]


def _file_error(code: str, **values) -> PayloadInvalid:
    message = FILE_PROBLEMS[code].format(**values)
    return PayloadInvalid(message, [Problem(code=code, message=message, field="file")])


def _row_error(row: int, column: str, code: str, **values) -> dict:
    text = ROW_PROBLEMS[code].format(**values)
    messages = {
        "id": f"Baris {row}, kolom {column}: {text.id}.",
        "en": f"Row {row}, column {column}: {text.en}.",
    }
    message = Text(id=messages["id"], en=messages["en"])
    return {
        "row": row,
        "column": column,
        "code": code,
        "message": str(message),
        "messages": messages,
    }


def parse_score(raw: str) -> Decimal | None:
    text = raw.strip().replace(" ", "")
    if text.count(",") + text.count(".") > 1:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(content) > MAX_BYTES:
        raise _file_error("file_too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("encoding") from None
    # Spreadsheets set to Indonesian export with ';' (the comma is the decimal mark).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        header = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise _file_error("columns_missing", columns=", ".join(missing))
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise _file_error("too_many_rows")
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue  # a blank row (";;;;") is not an error
            # Numbered by the file's line, as a spreadsheet shows it (header = 1).
            values = {c: (record.get(header[c]) or "").strip() for c in COLUMNS}
            rows.append((reader.line_num, values))
    except csv.Error:
        raise _file_error("malformed") from None
    return rows


def _validated(rows, cycle: Cycle, report: SurveyImportReport) -> list[dict]:
    codes = {row["kode_unit"] for _, row in rows if row["kode_unit"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    seen: dict[tuple, int] = {}
    valid = []
    for number, row in rows:
        report.rows += 1
        errors = []
        for column, limit in (("kode_unit", 50), ("layanan", 255), ("periode", 50)):
            if not row[column]:
                errors.append(_row_error(number, column, "required"))
            elif len(row[column]) > limit:
                errors.append(_row_error(number, column, "too_long", max=limit))
        unit = units.get(row["kode_unit"])
        if row["kode_unit"] and unit is None:
            errors.append(_row_error(number, "kode_unit", "unit_unknown", value=row["kode_unit"]))
        elif unit is not None and not unit.path.startswith(cycle.instansi.path):
            errors.append(
                _row_error(number, "kode_unit", "unit_outside_cycle", value=row["kode_unit"])
            )
        score = parse_score(row["nilai"])
        if score is None:
            errors.append(_row_error(number, "nilai", "score_invalid", value=row["nilai"][:20]))
        respondents = row["responden"]
        if not (respondents.isdigit() and respondents.isascii() and int(respondents) > 0):
            errors.append(
                _row_error(number, "responden", "respondents_invalid", value=respondents[:20])
            )
        key = (row["kode_unit"], row["layanan"], row["periode"])
        if key in seen:
            errors.append(_row_error(number, "layanan", "duplicate_row", value=seen[key]))
        seen.setdefault(key, number)
        if errors:
            report.errors.extend(errors)
            continue
        valid.append(
            {
                "unit": unit,
                "service": row["layanan"],
                "period": row["periode"],
                "score": score,
                "respondents": int(respondents),
            }
        )
    return valid


def _upsert(valid: list[dict], cycle: Cycle, actor, report: SurveyImportReport) -> None:
    existing = {
        (r.unit_id, r.service, r.period): r
        for r in SurveyResult.objects.filter(
            cycle=cycle, unit__in={v["unit"].pk for v in valid}
        ).select_related("unit")
    }
    now = timezone.now()
    for values in valid:
        unit = values["unit"]
        row = existing.get((unit.pk, values["service"], values["period"]))
        if row is not None and (row.score, row.respondents) == (
            values["score"],
            values["respondents"],
        ):
            report.unchanged += 1
            continue
        old = {"score": row.score, "respondents": row.respondents} if row else None
        if row is None:
            row = SurveyResult(
                unit=unit, cycle=cycle, service=values["service"], period=values["period"]
            )
            report.created += 1
        else:
            report.updated += 1
        row.score, row.respondents = values["score"], values["respondents"]
        row.imported_by, row.imported_at = actor, now
        attribute(row, actor=actor, reason="survey_results.imported")
        row.save()
        new = {"score": row.score, "respondents": row.respondents}
        audit_record(
            row,
            locked=cycle,  # one import per cycle at a time (survey_results_import)
            actor=actor,
            action="survey_result.imported",
            changes={k: [old[k] if old else None, new[k]] for k in new},
            at=now,
            scope=unit.path,
        )


def survey_results_import(
    *, cycle: Cycle, actor, content: bytes, commit: bool = False
) -> SurveyImportReport:
    """Check (and with `commit`, upsert) a survey CSV; see the module docstring."""
    if "hr_admin" not in profile_of(actor).holds_in(cycle.instansi.path):
        raise ActionForbidden(ONLY_HR)
    report = SurveyImportReport()
    rows = _read_rows(content)
    with transaction.atomic():
        # One import per cycle at a time: the lock serialises the upserts and
        # the audit chains they append to.
        locked = Cycle.objects.select_for_update().select_related("instansi").get(pk=cycle.pk)
        valid = _validated(rows, locked, report)
        if not commit:
            return report
        if report.errors:
            raise PayloadInvalid(ROWS_INVALID, report.problems())
        _upsert(valid, locked, actor, report)
        report.committed = True
        if report.created or report.updated:
            audit_record(
                locked,
                locked=locked,
                actor=actor,
                action="survey_results.imported",
                changes={
                    "file_sha256": [None, hashlib.sha256(content).hexdigest()],
                    "rows": [None, report.rows],
                    "created": [None, report.created],
                    "updated": [None, report.updated],
                },
                scope=locked.instansi.path,
            )
    return report
