"""`manage.py seed_demo`: the demo organisation, its logins and its open cycle."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from appraisals.models import (
    Appraisal,
    Cycle,
    Employee,
    PlanItem,
    SupervisorRelation,
    Unit,
)
from appraisals.models.organisation import path_ids
from appraisals.signatures.backends import SignRequest, backend_for
from appraisals.signatures.validation import validate_pdf

from .signatures.pki import small_pdf

pytestmark = pytest.mark.django_db

N = 40
ROLE_USERS = {
    "hr_admin": ["hr_admin"],
    "inspektur": ["inspector"],
    "tim_penilai": ["panel"],
    "ppk": ["authority"],
}


def seed(tmp_path, *args):
    out = tmp_path / "demo.json"
    stdout = StringIO()
    call_command("seed_demo", *args, "--out", str(out), stdout=stdout)
    return json.loads(out.read_text(encoding="utf-8")), stdout.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def test_out_json_describes_every_login(debug, tmp_path):
    data, stdout = seed(tmp_path, "--employees", str(N), "--password", "rahasia-demo")

    assert set(data) == {"cycle_id", "users"}
    users = data["users"]
    assert len(users) == N + 4
    keys = {"username", "password", "roles", "employee_id", "supervisor_username", "unit"}
    assert all(set(u) == keys for u in users)
    assert all(u["password"] == "rahasia-demo" for u in users)
    assert len({u["username"] for u in users}) == len(users)

    by_name = {u["username"]: u for u in users}
    root = Unit.objects.get(kind=Unit.Kind.INSTANSI)
    assert root.name == "Pemerintah Kabupaten Aceh Tenggara"
    for username, roles in ROLE_USERS.items():
        row = by_name[username]
        assert row["roles"] == roles
        assert row["employee_id"] is None
        assert row["supervisor_username"] is None
        assert row["unit"] == root.name

    employees = [u for u in users if u["employee_id"] is not None]
    assert len(employees) == N == Employee.objects.count()
    assert all("staff" in u["roles"] for u in employees)
    assert by_name["sekda"]["roles"] == ["staff", "supervisor", "appeal_reviewer"]
    assert by_name["kadis.pendidikan"]["roles"] == ["staff", "supervisor", "appeal_reviewer"]
    assert by_name["kabid.pendidikan.1"]["roles"] == ["staff", "supervisor"]
    assert by_name["pegawai.0001"]["roles"] == ["staff"]
    nips = list(Employee.objects.values_list("nip", flat=True))
    assert all(nip.isdigit() and len(nip) == 18 for nip in nips)
    assert len(set(nips)) == N
    assert set(Employee.objects.values_list("kind", flat=True)) == {"pns", "pppk"}
    assert "http://127.0.0.1:8000/" in stdout

    # Every employee has a draft appraisal in the open cycle, none missing.
    cycle = Cycle.objects.get(pk=data["cycle_id"])
    assert (cycle.status, cycle.year, cycle.instansi_id) == ("open", 2026, root.pk)
    appraisals = Appraisal.objects.filter(cycle=cycle)
    assert {a.employee_id for a in appraisals} == {u["employee_id"] for u in employees}
    assert {a.state for a in appraisals} == {"draft"}

    # Staff -> kepala bidang -> kepala dinas -> sekda, who has no supervisor.
    staff = [u for u in employees if u["roles"] == ["staff"]]
    assert staff
    for row in staff:
        chain = []
        current = row
        while current["supervisor_username"] is not None:
            current = by_name[current["supervisor_username"]]
            chain.append(current["username"])
        assert len(chain) == 3
        assert chain[0].startswith("kabid.")
        assert chain[1].startswith("kadis.")
        assert chain[2] == "sekda"
    assert SupervisorRelation.objects.count() == N - 1
    sekda = Appraisal.objects.get(cycle=cycle, employee_id=by_name["sekda"]["employee_id"])
    assert sekda.appraiser_id is None
    pegawai = Appraisal.objects.get(cycle=cycle, employee_id=by_name["pegawai.0001"]["employee_id"])
    assert pegawai.appraiser.user.username.startswith("kabid.")
    assert pegawai.appeal_reviewer.user.username.startswith("kadis.")

    # Plans cascade from the supervisor's plan in the same cycle; staff plans stay empty.
    cascaded = PlanItem.objects.filter(parent_item__isnull=False).select_related(
        "appraisal", "parent_item__appraisal"
    )
    assert cascaded.exists()
    for item in cascaded:
        assert item.parent_item.appraisal.cycle_id == item.appraisal.cycle_id == cycle.pk
        assert item.parent_item.appraisal.employee_id == item.appraisal.appraiser_id
    staff_ids = [u["employee_id"] for u in staff]
    assert not PlanItem.objects.filter(appraisal__employee_id__in=staff_ids).exists()
    assert PlanItem.objects.filter(appraisal=sekda, parent_item__isnull=True).exists()
    assert all(item.indicators.count() == 1 for item in PlanItem.objects.all())


def test_small_organisation(debug, tmp_path):
    data, _ = seed(tmp_path, "--employees", "10")

    employees = [u for u in data["users"] if u["employee_id"] is not None]
    assert len(employees) == 10
    assert Appraisal.objects.filter(cycle_id=data["cycle_id"], state="draft").count() == 10
    assert Unit.objects.filter(kind=Unit.Kind.UNIT_KERJA).count() == 1
    assert Unit.objects.filter(kind=Unit.Kind.SUB_UNIT).count() == 2


def test_refuses_without_debug_unless_forced(settings, tmp_path):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--employees", "10", stdout=StringIO())
    assert not Employee.objects.exists()
    assert not get_user_model().objects.filter(username="sekda").exists()

    data, _ = seed(tmp_path, "--employees", "10", "--force")
    assert len(data["users"]) == 14


def test_seeded_employee_logs_in_with_the_password(debug, tmp_path):
    data, _ = seed(tmp_path, "--employees", "20", "--password", "kata-sandi-demo")
    by_name = {u["username"]: u for u in data["users"]}
    client = APIClient()

    response = client.post(
        "/api/auth/token/",
        {"username": "pegawai.0001", "password": "kata-sandi-demo"},
        format="json",
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/me/")
    assert me.status_code == 200, me.content
    body = me.json()
    assert body["username"] == "pegawai.0001"
    assert "staff" in body["roles"]
    assert body["roles"] == by_name["pegawai.0001"]["roles"]

    # The roles written to --out are the ones /api/me/ reports.
    for username in ("sekda", "kadis.pendidikan", "kabid.pendidikan.1", "ppk", "hr_admin"):
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=username))
        assert client.get("/api/me/").json()["roles"] == by_name[username]["roles"], username

    wrong = APIClient().post(
        "/api/auth/token/", {"username": "pegawai.0001", "password": "salah"}, format="json"
    )
    assert wrong.status_code == 400


def test_second_run_is_a_command_error_not_an_integrity_error(debug, tmp_path):
    seed(tmp_path, "--employees", "10")
    counts = (Employee.objects.count(), Appraisal.objects.count(), Cycle.objects.count())

    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_demo", "--employees", "10", stdout=StringIO())

    assert (Employee.objects.count(), Appraisal.objects.count(), Cycle.objects.count()) == counts


def test_too_few_employees(debug):
    with pytest.raises(CommandError, match="at least 6"):
        call_command("seed_demo", "--employees", "5", stdout=StringIO())


def test_the_demo_can_sign_with_its_own_ca_passphrase_from_the_environment(
    debug, tmp_path, settings, monkeypatch
):
    """`make demo` signs: seed_demo makes the demo CA and one PKCS#12 per person; the
    passphrase comes from the environment (settings/local.py's demo default), not the DB."""
    folder = tmp_path / "signing"
    monkeypatch.setenv("KINERJA_SIGNING_PKCS12_PASSPHRASE", "demo-only-not-secret")
    settings.KINERJA_SIGNING_BACKEND = "appraisals.signatures.local.LocalPkcs12Signer"
    settings.KINERJA_SIGNING_OPTIONS = {
        "pkcs12_dir": str(folder),
        "passphrase_env": "KINERJA_SIGNING_PKCS12_PASSPHRASE",
        "visible": True,
    }
    settings.KINERJA_SIGNING_AGENCIES = {}
    settings.KINERJA_SIGNING_TRUST_ROOTS = [str(folder / "ca.pem")]
    _data, out = seed(tmp_path, "--employees", "10")
    assert "PKCS#12" in out and (folder / "ca.pem").is_file()
    # The demo's plans are all still drafts (HR sets them after the fallback date); the
    # person's own demo key signs what will be issued, and the signature names them.
    employee = Employee.objects.filter(user__isnull=False, unit__kind="unit_kerja").first()
    instansi = Unit.objects.get(pk=path_ids(employee.unit.path)[0], kind=Unit.Kind.INSTANSI)
    assert (folder / instansi.code / f"{employee.nip}.p12").is_file()
    signed = backend_for(instansi.code).sign(
        SignRequest(
            pdf=small_pdf(),
            role="employee",
            signer_name=employee.name,
            signer_nip=employee.nip,
            reason="SKP",
            agency=instansi.code,
        )
    )
    report = validate_pdf(signed)
    assert report.ok and report.signatures[0].name == employee.name
