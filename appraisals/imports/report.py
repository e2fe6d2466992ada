"""What an import found and did: counts per kind of row, and the problems, row by row."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from typing import TextIO

from workflow.text import Text


@dataclass(frozen=True)
class RowProblem:
    """One problem in the file. `row` is the row number as the spreadsheet shows it
    (the header is row 1); None for problems of the whole file, such as a missing column."""

    code: str
    message: Text
    row: int | None = None
    column: str | None = None

    def where(self) -> tuple[str, str]:
        if self.row is None:
            return "Berkas", "File"
        if self.column is None:
            return f"Baris {self.row}", f"Row {self.row}"
        return f"Baris {self.row}, kolom {self.column}", f"Row {self.row}, column {self.column}"

    def __str__(self) -> str:
        where_id, where_en = self.where()
        return f"{where_id}: {self.message.id} / {where_en}: {self.message.en}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": str(self.message),
            "messages": self.message.as_dict(),
        }


# A report names this many people (new, moved, changed); `people_total` counts them all.
PEOPLE_KEPT = 200


@dataclass(frozen=True)
class Person:
    """One employee the import adds or changes: `change` is "new", "moved" or "changed";
    `fields` the changed ones (PERSON_FIELDS' names); `was` the unit they leave."""

    change: str
    nip: str
    name: str
    unit: str = ""
    was: str = ""
    fields: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} baru/new, {self.updated} diubah/updated, {self.unchanged} tetap/same"
        )


@dataclass
class RelationCounts:
    created: int = 0
    closed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} baru/new, {self.closed} ditutup/closed, {self.unchanged} tetap/same"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    units: Counts = field(default_factory=Counts)
    positions: Counts = field(default_factory=Counts)
    employees: Counts = field(default_factory=Counts)
    supervisors: RelationCounts = field(default_factory=RelationCounts)
    # Employees becoming active=False in this import (already counted as updated).
    deactivated: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)
    committed: bool = False
    people: list[Person] = field(default_factory=list)
    people_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in (self.units, self.positions, self.employees)) + (
            self.supervisors.created + self.supervisors.closed
        )

    def summary_lines(self) -> list[str]:
        state = (
            "DISIMPAN / COMMITTED"
            if self.committed
            else ("UJI COBA / DRY RUN" if self.ok else "DITOLAK / REJECTED")
        )
        lines = [
            f"{self.source}: {self.rows} baris/rows — {state}",
            f"  Unit / units:             {self.units}",
            f"  Jabatan / positions:      {self.positions}",
            f"  Pegawai / employees:      {self.employees}",
            f"  Atasan / supervisors:     {self.supervisors}",
            f"  Dinonaktifkan / deactivated: {self.deactivated}",
        ]
        lines += [f"  Peringatan: {w.id} / Warning: {w.en}" for w in self.warnings]
        if self.errors:
            lines.append(f"  Kesalahan / errors: {len(self.errors)}")
        return lines

    def as_dict(self) -> dict:
        """As JSON for a background job's record; `report_from_dict` reads it back."""
        counts = ("units", "positions", "employees", "supervisors")
        return {
            "source": self.source,
            "rows": self.rows,
            **{name: asdict(getattr(self, name)) for name in counts},
            "deactivated": self.deactivated,
            "errors": [
                {"code": e.code, "messages": e.message.as_dict(), "row": e.row, "column": e.column}
                for e in self.errors
            ],
            "warnings": [w.as_dict() for w in self.warnings],
            "committed": self.committed,
            "people": [p.as_dict() for p in self.people],
            "people_total": self.people_total,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(
            source=data["source"],
            rows=data["rows"],
            units=Counts(**data["units"]),
            positions=Counts(**data["positions"]),
            employees=Counts(**data["employees"]),
            supervisors=RelationCounts(**data["supervisors"]),
            deactivated=data["deactivated"],
            errors=[
                RowProblem(e["code"], Text(**e["messages"]), e["row"], e["column"])
                for e in data["errors"]
            ],
            warnings=[Text(**w) for w in data["warnings"]],
            committed=data["committed"],
            # Reports of jobs run before the list have none.
            people=[Person(**p) for p in data.get("people", [])],
            people_total=data.get("people_total", 0),
        )

    def errors_write_csv(self, out: TextIO) -> None:
        """All errors as a CSV an HR officer can open beside the file (UTF-8, ';')."""
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["baris/row", "kolom/column", "kode/code", "pesan", "message"])
        for e in self.errors:
            writer.writerow([e.row or "", e.column or "", e.code, e.message.id, e.message.en])
