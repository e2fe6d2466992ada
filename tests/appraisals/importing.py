"""Importing the organisation from an HR export (issue #3, item 9)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from appraisals.imports import organisation_import, source_from_bytes
from appraisals.models import Employee, Position, SupervisorRelation, Unit
from appraisals.services.organisation import supervisor_resolve
from workflow.actors import system_actor

DATA = Path(__file__).parent / "data"
ON = dt.date(2026, 3, 1)
HEADER = [
    "NIP",
    "Nama",
    "Kode Unit",
    "Nama Unit",
    "Kode Unit Induk",
    "Jabatan",
    "Jenis Jabatan",
    "Golongan",
    "NIP Atasan",
    "Status Kepegawaian",
    "Status",
]
SEKDA = "196801011990031001"
KADIS = "197203152000031002"
KABID = "198005202005012003"
STAF1 = "199107072020122004"
STAF2 = "199202022021032005"


def base_rows() -> list[dict]:
    def row(nip, name, unit, unit_name, parent, position, kind, grade, boss, emp="PNS"):
        return dict(
            zip(
                HEADER,
                [nip, name, unit, unit_name, parent, position, kind, grade, boss, emp, "Aktif"],
                strict=True,
            )
        )

    return [
        row(SEKDA, "Ahmad Yani", "PEMKAB", "Pemkab Aceh Tenggara", "", "Sekda", "JPT", "IV/d", ""),
        row(KADIS, "Siti Aminah", "DISDIK", "Dinas Pendidikan", "PEMKAB", "Kadis", "jpt", "IV/c",
            SEKDA),
        row(KABID, "Rahmat Hidayat", "DISDIK-B1", "Bidang SD", "DISDIK", "Kabid SD",
            "Administrator", "IV/a", KADIS),
        row(STAF1, "Nur Aisyah", "DISDIK-B1", "Bidang SD", "DISDIK", "Guru", "Jabatan Fungsional",
            "IX", KABID, "PPPK"),
        row(STAF2, "Budi Santoso", "DISDIK-B1", "Bidang SD", "DISDIK", "Pengadministrasi",
            "pelaksana", "II/c", KABID),
    ]  # fmt: skip


def to_csv(rows: list[dict], header=HEADER, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def run(rows=None, *, commit=True, actor=None, on=ON, data=None, name="pegawai.csv"):
    source = source_from_bytes(data=data if data is not None else to_csv(rows), name=name)
    return organisation_import(
        rows_source=source, actor=actor or system_actor(), commit=commit, effective_date=on
    )


def history_rows() -> int:
    return sum(m.history.count() for m in (Unit, Position, Employee, SupervisorRelation))


def emp(nip: str) -> Employee:
    return Employee.objects.get(nip=nip)


def supervisor_of(nip: str, on=ON):
    boss = supervisor_resolve(employee=emp(nip), on=on)
    return boss.nip if boss else None
