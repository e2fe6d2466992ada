"""HR's acting-official page, the handover note page and the timeline's capacities (issue #14)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appraisals.models import ActingAssignment, AppraiserHandover

from ..factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plt(org):
    return EmployeeFactory(unit=org.dinas, name="Plt Kepala Bidang", user__username="plt")


def appoint_on_page(client, org, plt, **fields):
    client.force_login(org.users["hr_admin"])
    body = {
        "substitute_nip": plt.nip,
        "replaces_nip": org.appraiser.nip,
        "kind": "plt",
        "valid_from": timezone.localdate().isoformat(),
        "reason": "Sprint 800/12",
        **fields,
    }
    return client.post("/hr/acting/", body)


def test_page_is_hr_only_and_indonesian_first(client, org):
    client.force_login(org.users["appraiser"])
    assert client.get("/hr/acting/").status_code == 403
    client.force_login(org.users["hr_admin"])
    body = client.get("/hr/acting/").content.decode()
    assert "Pelaksana Tugas (Plt)" in body and "Tunjuk" in body


def test_hr_appoints_and_ends_on_the_page(client, org, at_state, plt):
    appraisal = at_state("plan_submitted")
    r = appoint_on_page(client, org, plt)
    assert r.status_code == 302, r.content.decode()[:2000]
    appraisal.refresh_from_db()
    assert appraisal.appraiser == plt
    listed = client.get("/hr/acting/").content.decode()
    assert "Plt Kepala Bidang" in listed and "Berlaku" in listed
    assignment = ActingAssignment.objects.get()
    r = client.post(f"/hr/acting/{assignment.pk}/end/", {"reason": "Kembali"})
    assert r.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.appraiser == org.appraiser


def test_page_errors_beside_their_fields_input_kept(client, org, plt):
    r = appoint_on_page(client, org, plt, replaces_nip=plt.nip)
    assert r.status_code == 400
    body = r.content.decode()
    assert "Pelaksana tidak dapat menggantikan dirinya sendiri." in body
    assert "Sprint 800/12" in body
    r = appoint_on_page(client, org, plt, substitute_nip="123")
    assert r.status_code == 400 and "NIP" in r.content.decode()
    assert not ActingAssignment.objects.exists()


def test_old_appraiser_writes_the_note_new_one_reads_it(client, org, at_state, plt):
    appraisal = at_state("in_progress")
    appoint_on_page(client, org, plt)
    client.force_login(org.users["appraiser"])
    home = client.get("/").content.decode()
    assert f"/appraisals/{appraisal.pk}/handover-note/" in home
    assert client.get(f"/appraisals/{appraisal.pk}/").status_code == 404
    r = client.post(
        f"/appraisals/{appraisal.pk}/handover-note/", {"note": "Dialog Q3 sudah dijadwalkan."}
    )
    assert r.status_code == 302
    client.force_login(plt.user)
    page = client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    assert "Dialog Q3 sudah dijadwalkan." in page and "Serah terima" in page
    client.force_login(org.users["employee"])
    assert "Dialog Q3" not in client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    client.force_login(org.users["outsider"])
    assert client.get(f"/appraisals/{appraisal.pk}/handover-note/").status_code == 404
    AppraiserHandover.objects.update(changed_at=timezone.now() - timezone.timedelta(days=30))
    client.force_login(org.users["appraiser"])
    assert client.get(f"/appraisals/{appraisal.pk}/handover-note/").status_code == 403


def test_timeline_shows_who_rated_in_what_capacity(client, org, at_state, plt, api):
    appraisal = at_state("plan_submitted")
    appoint_on_page(client, org, plt)
    r = api(plt.user).post(
        f"/api/appraisals/{appraisal.pk}/transitions/approve_plan/", {}, format="json"
    )
    assert r.status_code == 200
    client.force_login(plt.user)
    page = client.get(f"/appraisals/{appraisal.pk}/").content.decode()
    assert 'data-capacity="plt_appraiser"' in page and "Plt pejabat penilai kinerja" in page
    assert 'data-capacity="employee"' in page  # submit_plan, by the employee
    assert 'data-capacity="hr_admin"' in page  # the reassignment
