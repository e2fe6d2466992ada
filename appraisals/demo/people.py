"""The demo's people: who they are, their names and NIPs, and how many dinas fit."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from appraisals.models import Employee, Position, Unit

from .data import (
    DINAS,
    FAMILY_NAMES,
    FEMALE_MIDDLE,
    FEMALE_NAMES,
    MALE_MIDDLE,
    MALE_NAMES,
    ROLE_ORDER,
)


@dataclass
class Person:
    username: str
    name: str
    unit: Unit
    position: Position
    grade: str
    kind: str
    nip: str
    supervisor: Person | None = None
    subordinates: list[Person] = field(default_factory=list)
    employee: Employee | None = None
    plan: tuple = ()

    def roles(self) -> list[str]:
        roles = {"staff"}
        if self.subordinates:
            roles.add("supervisor")
        if any(s.subordinates for s in self.subordinates):
            roles.add("appeal_reviewer")
        return [r for r in ROLE_ORDER if r in roles]


class Names:
    """Deterministic Indonesian-looking names and unique 18-digit NIPs."""

    def __init__(self, taken_nips: set[str]) -> None:
        self.rng = random.Random(20260101)
        self.taken = set(taken_nips)

    def person(self, *, title: str = "") -> tuple[str, int]:
        female = self.rng.random() < 0.45
        first = self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        middle = self.rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        family = self.rng.choice(FAMILY_NAMES)
        name = " ".join(part for part in (first, middle, family) if part)
        return (f"{name}, {title}" if title else name), (2 if female else 1)

    def nip(self, *, gender: int, born: tuple[int, int], pppk: bool) -> str:
        """YYYYMMDD birth, YYYYMM appointment (PPPK: YYYY + "21"), gender, 3-digit serial."""
        while True:
            year = self.rng.randint(*born)
            birth = f"{year:04d}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
            if pppk:
                appointed = f"{self.rng.randint(2021, 2024)}21"
            else:
                first = min(year + self.rng.randint(22, 30), 2024)
                appointed = f"{first:04d}{self.rng.randint(1, 12):02d}"
            nip = f"{birth}{appointed}{gender}{self.rng.randint(1, 999):03d}"
            if nip not in self.taken:
                self.taken.add(nip)
                return nip


def dinas_count(employees: int) -> int:
    """How many dinas fit: each needs a head, two bidang heads and one staff per bidang."""
    return min(len(DINAS), (employees - 1) // 5)
