"""The organisation directory shows each role only what the policy allows."""

import pytest

from ..factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("employee", {"employee"}),
        ("appraiser", {"appraiser", "employee"}),
        ("superior", {"head", "employee"}),
        ("outsider", {"outsider"}),
        ("hr_admin", {"head", "appraiser", "employee", "other_appraiser", "outsider"}),
        ("inspector", {"head", "appraiser", "employee", "other_appraiser", "outsider"}),
    ],
)
def test_employee_directory_scope(persona, visible, org, appraisal, api):
    ids = {e["id"] for e in api(org.users[persona]).get("/api/employees/").json()["results"]}
    expected = {getattr(org, name).pk for name in visible}
    assert ids == expected


def test_employee_detail_invisible_is_404(org, appraisal, api):
    assert api(org.users["outsider"]).get(f"/api/employees/{org.employee.pk}/").status_code == 404
    r = api(org.users["appraiser"]).get(f"/api/employees/{org.employee.pk}/")
    assert r.status_code == 200 and r.json()["nip"] == org.employee.nip


def test_unit_directory(org, api):
    own = {u["id"] for u in api(org.users["employee"]).get("/api/units/").json()["results"]}
    assert own == {org.instansi.pk, org.dinas.pk}
    everything = api(org.users["hr_admin"]).get("/api/units/").json()["count"]
    assert everything == 3
    assert api(org.users["outsider"]).get(f"/api/units/{org.dinas.pk}/").status_code == 404


def test_page_size_is_honoured_and_capped(org, api, monkeypatch):
    from appraisals.api.pagination import Pagination

    client = api(org.users["hr_admin"])
    body = client.get("/api/employees/", {"page_size": 2}).json()
    assert len(body["results"]) == 2 and body["next"]
    monkeypatch.setattr(Pagination, "max_page_size", 3)
    body = client.get("/api/employees/", {"page_size": 100000}).json()
    assert len(body["results"]) == 3
    assert client.get("/api/employees/", {"page": 999}).status_code == 404


def test_an_employee_holding_scoped_roles_sees_themself_and_every_scope(org, api):
    """Facts add up: one's own record and unit with its ancestors, and each scope held."""
    from ..factories import assign_role, make_unit

    puskesmas = make_unit("PKM", "Puskesmas Kutacane", "unit_kerja", org.other_dinas)
    bidang = make_unit("BID", "Bidang SD", "unit_kerja", org.dinas)
    user = org.users["outsider"]  # an employee of Dinas Kesehatan
    assign_role(user, "hr_admin", puskesmas)
    assign_role(user, "inspector", bidang)
    colleague = EmployeeFactory(unit=bidang, name="Guru SD")
    nurse = EmployeeFactory(unit=puskesmas, name="Perawat")
    client = api(user)

    employees = {e["id"] for e in client.get("/api/employees/").json()["results"]}
    assert employees == {org.outsider.pk, colleague.pk, nurse.pk}
    units = {u["id"] for u in client.get("/api/units/").json()["results"]}
    assert units == {org.instansi.pk, org.other_dinas.pk, puskesmas.pk, bidang.pk}
