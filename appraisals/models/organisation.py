"""The organisation: units, positions, employees and who supervises whom, when."""

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

nip_validator = RegexValidator(
    r"^\d{18}$",
    message="NIP harus 18 digit angka. / NIP must be 18 digits.",
    code="nip_invalid",
)


# Indonesia's three zones (UU 17/1987 ... Keppres 41/1987): WIB, WITA, WIT.
TIME_ZONES = [
    ("Asia/Jakarta", "WIB (Asia/Jakarta)"),
    ("Asia/Makassar", "WITA (Asia/Makassar)"),
    ("Asia/Jayapura", "WIT (Asia/Jayapura)"),
]


def path_ids(path: str) -> list[int]:
    """The unit ids along a materialised path, root first: "/1/4/9/" -> [1, 4, 9]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def valid_on(on: dt.date) -> Q:
    """Dated rows (supervisors, acting assignments, roles) in force on `on`."""
    return Q(valid_from__lte=on) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class Unit(models.Model):
    """A node of the organisation tree: instansi -> unit kerja -> sub-unit.

    `path` is the materialised path of ids ("/1/4/9/") so a subtree is one
    indexed prefix query; it is set by `unit_create`.
    """

    class Kind(models.TextChoices):
        INSTANSI = "instansi", "Instansi"
        UNIT_KERJA = "unit_kerja", "Unit kerja"
        SUB_UNIT = "sub_unit", "Sub-unit"

    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # The agency's IANA zone (WIB, WITA or WIT); blank: the parent's, up to
    # settings.TIME_ZONE. Days, "end of day" and shown times follow it.
    time_zone = models.CharField(max_length=40, choices=TIME_ZONES, blank=True, default="")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class AgencyDay(models.Model):
    """A non-working day HR adds to an instansi's calendar, beside the national holidays.

    Joint leave days (cuti bersama, set each year by joint ministerial decree)
    and local days (e.g. a regional holiday). Working-day deadlines skip them.
    """

    class Kind(models.TextChoices):
        JOINT_LEAVE = "joint_leave", "Cuti bersama"
        LOCAL = "local", "Hari libur daerah"

    instansi = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="agency_days")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOINT_LEAVE)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instansi", "date"], name="agency_day_unique"),
        ]
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Position(models.Model):
    class Kind(models.TextChoices):
        JPT = "jpt", "Jabatan Pimpinan Tinggi"
        ADMINISTRATOR = "administrator", "Administrator"
        PENGAWAS = "pengawas", "Pengawas"
        PELAKSANA = "pelaksana", "Pelaksana"
        FUNGSIONAL = "fungsional", "Fungsional"

    name = models.CharField(max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The position that leads its unit (kepala / pimpinan unit kerja): its holder is the
    # unit's head, whose result rating is the unit's achievement (PermenPANRB 6/2022,
    # annex; appraisals.units). At most one per unit.
    heads_unit = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(heads_unit=True), name="one_head_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    class Kind(models.TextChoices):
        PNS = "pns", "PNS"
        PPPK = "pppk", "PPPK"

    nip = models.CharField(max_length=18, unique=True, validators=[nip_validator])
    name = models.CharField(max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="holders"
    )
    grade = models.CharField(max_length=20, blank=True, help_text="Pangkat/golongan, e.g. III/a")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PNS)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # The database refuses a malformed NIP too, whatever path wrote it.
            models.CheckConstraint(
                condition=models.Q(nip__regex=r"^[0-9]{18}$"), name="employee_nip_18_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"


class SupervisorRelation(models.Model):
    """`supervisor` is the direct superior (atasan langsung) of `employee` over a period."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="supervisor_relations"
    )
    supervisor = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="subordinate_relations"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(employee=models.F("supervisor")),
                name="supervisor_not_self",
            ),
        ]
        indexes = [models.Index(fields=["employee", "valid_from"], name="supervisor_rel_emp")]

    def __str__(self) -> str:
        return f"{self.employee_id} -> {self.supervisor_id} from {self.valid_from}"


class ActingAssignmentQuerySet(models.QuerySet):
    def in_force(self, on: dt.date):
        """Appointments acting on `on`: inside their dates and not ended early by HR."""
        return self.filter(valid_on(on), ended_at__isnull=True)


class ActingAssignment(models.Model):
    """Plt/Plh: `substitute` acts in `position`, for the official `replaces`, over a period.

    While it holds, whoever would report to `replaces` is appraised by
    `substitute` (BKN, SE Kepala BKN 1/2021: a Plt (pelaksana tugas) fills a
    vacancy or a long absence of the definitive official, a Plh (pelaksana
    harian) a short, temporary absence). The position is the seat acted in;
    `replaces` is its definitive holder (present, absent or gone), whose
    subordinates' supervisor records name them. An HR admin appoints and ends it
    through `services.acting`, which reassigns the open appraisals at once.
    """

    class Kind(models.TextChoices):
        PLT = "plt", "Pelaksana Tugas (Plt)"
        PLH = "plh", "Pelaksana Harian (Plh)"

    substitute = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="acting_assignments"
    )
    replaces = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="acted_for")
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="acting"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Dasar penunjukan, e.g. nomor surat perintah")
    # Ended early by HR, or handed back by the expiry sweep once valid_until passed.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = ActingAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(substitute=models.F("replaces")), name="acting_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="acting_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.substitute_id} for {self.replaces_id}"


class RoleAssignment(models.Model):
    """An assigned role (panel, authority, inspector, HR admin) over a unit subtree."""

    class Role(models.TextChoices):
        PANEL = "panel", "Tim Penilai Kinerja"
        AUTHORITY = "authority", "Pejabat yang berwenang / PPK"
        INSPECTOR = "inspector", "Inspektorat / auditor"
        HR_ADMIN = "hr_admin", "Pengelola kinerja (BKD/BKPSDM)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.unit_id}"
