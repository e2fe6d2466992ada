"""The regulation's matrix (kuadran kinerja): two ratings -> one predicate.

PermenPANRB 6/2022, annex: the result rating (rows) and the work-behaviour
rating (columns) together give the employee's performance predicate.
"""

from django.db import models


class Rating(models.TextChoices):
    ABOVE = "above", "Di atas ekspektasi"
    MEETS = "meets", "Sesuai ekspektasi"
    BELOW = "below", "Di bawah ekspektasi"


class Predicate(models.TextChoices):
    SANGAT_BAIK = "sangat_baik", "Sangat Baik"
    BAIK = "baik", "Baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan", "Butuh Perbaikan"
    KURANG = "kurang", "Kurang/Misconduct"
    SANGAT_KURANG = "sangat_kurang", "Sangat Kurang"


_A, _M, _B = Rating.ABOVE, Rating.MEETS, Rating.BELOW

# (result, behaviour) -> predicate
MATRIX: dict[tuple[str, str], str] = {
    (_A, _B): Predicate.KURANG,
    (_A, _M): Predicate.BAIK,
    (_A, _A): Predicate.SANGAT_BAIK,
    (_M, _B): Predicate.KURANG,
    (_M, _M): Predicate.BAIK,
    (_M, _A): Predicate.BAIK,
    (_B, _B): Predicate.SANGAT_KURANG,
    (_B, _M): Predicate.BUTUH_PERBAIKAN,
    (_B, _A): Predicate.BUTUH_PERBAIKAN,
}


def predicate_for(*, result: str, behaviour: str) -> str:
    return str(MATRIX[(Rating(result), Rating(behaviour))].value)
