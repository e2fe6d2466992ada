"""The curve after an appeal (issue #14, section 5).

PP 30/2019 Pasal 59 ayat 4: the reviewer's decision on an appeal is final, so a
revised predicate is never refused for the curve. But when it breaks the unit's
distribution curve the system notices: a flag recorded at the moment of the
decision (audited on the appraisal's chain), shown on the unit's calibration
(API and dashboard), which the authority must acknowledge with a reason, as
with an override at issue time.
"""

import pytest

from appraisals.models import CurveFlag
from audit.models import AuditEvent

from ..curve_world import appeal, issue_unit_under_baik

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_unit(org, api):
    """Five results issued in Dinas Pendidikan under organisation predicate Baik (curve met)."""
    issued = issue_unit_under_baik(org)
    report = api(org.users["panel"]).get(
        f"/api/units/{org.dinas.pk}/calibration/", {"cycle": org.cycle.pk}
    )
    assert report.json()["ok"] is True and report.json()["size"] == 5
    return issued


def _appeal(appraisal, org, outcome="revised", result="meets", behaviour="meets"):
    return appeal(appraisal, org, outcome=outcome, result=result, behaviour=behaviour)


def test_a_revision_that_breaks_the_curve_is_final_and_flagged(org, issued_unit):
    poor = issued_unit[4]  # butuh_perbaikan: the unit's only one
    decided = _appeal(poor, org)
    # Final, never refused for the curve (PP 30/2019 Pasal 59 ayat 4).
    assert decided.state == "final" and decided.predicate == "baik"
    flag = CurveFlag.objects.get(appraisal=poor)
    assert flag.unit == org.dinas and flag.cycle == org.cycle
    assert (flag.predicate_before, flag.predicate_after) == ("butuh_perbaikan", "baik")
    assert flag.curve["ok"] is False and flag.acknowledged_at is None
    # Recorded on the appraisal's chain in the decision's own event.
    event = AuditEvent.objects.get(subject_id=str(poor.pk), action="decide_appeal")
    assert event.changes["curve_flag"][1]["id"] == flag.pk
    assert event.changes["curve_flag"][1]["curve"]["ok"] is False


def test_a_revision_that_keeps_the_curve_raises_no_flag(org, issued_unit):
    # sangat_baik -> butuh_perbaikan: baik stays the largest group, within 70 %.
    decided = _appeal(issued_unit[3], org, result="below", behaviour="meets")
    assert decided.predicate == "butuh_perbaikan"
    # baik -> baik: the predicate does not move at all.
    _appeal(issued_unit[0], org, result="meets", behaviour="above")
    assert not CurveFlag.objects.exists()


def test_an_upheld_appeal_raises_no_flag(org, issued_unit):
    _appeal(issued_unit[4], org, outcome="upheld")
    assert not CurveFlag.objects.exists()


def test_the_flag_is_listed_and_the_authority_acknowledges_it(org, issued_unit, api):
    _appeal(issued_unit[4], org)
    flag = CurveFlag.objects.get()
    listing = f"/api/units/{org.dinas.pk}/curve-flags/"
    r = api(org.users["panel"]).get(listing, {"cycle": org.cycle.pk})
    assert r.status_code == 200
    (row,) = r.json()
    assert row["id"] == flag.pk and row["acknowledged"] is False
    assert row["appraisal"] == issued_unit[4].pk
    assert row["predicate_before"] == "butuh_perbaikan" and row["predicate_after"] == "baik"
    assert row["curve"]["ok"] is False

    ack = f"/api/units/{org.dinas.pk}/curve-flags/{flag.pk}/acknowledge/"
    # A reason is required; HR and the panel may see but not acknowledge; outsiders see nothing.
    assert api(org.users["authority"]).post(ack, {}, format="json").status_code == 400
    assert api(org.users["hr_admin"]).post(ack, {"reason": "x"}, format="json").status_code == 403
    assert api(org.users["panel"]).post(ack, {"reason": "x"}, format="json").status_code == 403
    assert api(org.users["outsider"]).post(ack, {"reason": "x"}, format="json").status_code == 404
    # A flag is acknowledged through its own unit only.
    wrong = f"/api/units/{org.other_dinas.pk}/curve-flags/{flag.pk}/acknowledge/"
    assert (
        api(org.users["authority"]).post(wrong, {"reason": "x"}, format="json").status_code == 404
    )

    r = api(org.users["authority"]).post(
        ack, {"reason": "Keputusan keberatan bersifat final."}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["acknowledged"] is True
    assert r.json()["acknowledged_by"] == "authority"
    assert r.json()["acknowledgement_reason"] == "Keputusan keberatan bersifat final."
    event = AuditEvent.objects.get(action="curve_flag.acknowledged")
    assert event.actor_username == "authority" and event.scope == org.dinas.path
    assert event.reason == "Keputusan keberatan bersifat final."
    # Once is enough: a second acknowledgement is a conflict and changes nothing.
    again = api(org.users["authority"]).post(ack, {"reason": "Lagi."}, format="json")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="curve_flag.acknowledged").count() == 1
    listed = api(org.users["panel"]).get(listing, {"cycle": org.cycle.pk}).json()
    assert listed[0]["acknowledged"] is True


def test_the_dashboard_shows_the_flag_and_the_authority_acknowledges_there(
    org, issued_unit, client
):
    _appeal(issued_unit[4], org)
    flag = CurveFlag.objects.get()
    page = f"/hr/units/{org.dinas.pk}/?cycle={org.cycle.pk}"
    client.force_login(org.users["panel"])
    html = client.get(page).content.decode()
    assert 'id="curve-flags"' in html and "Perlu ditanggapi" in html
    assert 'id="curve-flag-ack-' not in html  # the panel may not acknowledge
    client.force_login(org.users["authority"])
    html = client.get(page).content.decode()
    assert f'id="curve-flag-ack-{flag.pk}"' in html
    url = f"/hr/units/{org.dinas.pk}/curve-flags/{flag.pk}/acknowledge/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Alasan wajib diisi." in refused.content.decode()
    done = client.post(url, {"reason": "Diterima sebagai keputusan final."}, follow=True)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Sudah ditanggapi" in html and "Diterima sebagai keputusan final." in html
    flag.refresh_from_db()
    assert flag.acknowledged_by == org.users["authority"]
