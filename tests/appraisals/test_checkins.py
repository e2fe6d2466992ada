"""Check-ins, evidence (bukti dukung) and the self-assessment draft built from them."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisals.models import Appraisal, CheckIn, Evidence, Indicator
from appraisals.services.cycles import cycle_open
from appraisals.services.plan import plan_item_create
from audit.models import AuditEvent
from workflow.actors import system_actor
from workflow.services import perform

from ..flow import add_plan_item, valid_body

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
PDF = (DATA / "bukti.pdf").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def url(appraisal, tail=""):
    return f"/api/appraisals/{appraisal.pk}/check-ins/{tail}"


def indicator(appraisal) -> Indicator:
    return Indicator.objects.filter(item__appraisal=appraisal).first()


def body(appraisal, period=1, realisation="3 sekolah terakreditasi", note="Triwulan I"):
    return {
        "period": period,
        "note": note,
        "entries": [{"indicator": indicator(appraisal).pk, "realisation": realisation}],
    }


def actions(appraisal) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="appraisals.appraisal", subject_id=str(appraisal.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def running(at_state):
    return at_state("in_progress")


@pytest.fixture
def check_in(org, running, api):
    r = api(org.users["employee"]).post(url(running), body(running), format="json")
    assert r.status_code == 201, r.json()
    return running


def upload(client, appraisal, content, name, content_type="application/pdf", period=1, **extra):
    return client.post(
        url(appraisal, f"{period}/evidence/"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), **extra},
        format="multipart",
    )


# --- Recording --------------------------------------------------------------------


def test_employee_records_a_check_in_and_re_posting_updates_it(org, running, api):
    client = api(org.users["employee"])
    version = running.version
    r = client.post(url(running), body(running), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["period"] == 1 and data["note"] == "Triwulan I"
    assert data["entries"] == [
        {
            "indicator": indicator(running).pk,
            "indicator_name": "Sekolah terakreditasi",
            "realisation": "3 sekolah terakreditasi",
        }
    ]
    r = client.post(url(running), body(running, realisation="5 sekolah"), format="json")
    assert r.status_code == 200
    assert r.json()["entries"][0]["realisation"] == "5 sekolah"
    assert CheckIn.objects.filter(appraisal=running).count() == 1
    assert actions(running)[-2:] == ["check_in.recorded", "check_in.recorded"]
    last = AuditEvent.objects.filter(subject_id=str(running.pk)).order_by("-seq").first()
    assert last.actor_username == "employee"
    key = f"check_in[1].entries[{indicator(running).pk}]"
    assert last.changes[key] == ["3 sekolah terakreditasi", "5 sekolah"]
    running.refresh_from_db()
    assert running.version == version + 2
    assert client.get(url(running, "1/")).json()["entries"][0]["realisation"] == "5 sekolah"
    assert [c["period"] for c in client.get(url(running)).json()] == [1]


def test_re_posting_without_an_indicator_drops_its_entry(org, check_in, api):
    r = api(org.users["employee"]).post(
        url(check_in), {"period": 1, "note": "", "entries": []}, format="json"
    )
    assert r.status_code == 200 and r.json()["entries"] == []


@pytest.mark.parametrize("period", [0, 5, 12, -1])
def test_quarterly_cycle_takes_periods_1_to_4(org, running, api, period):
    r = api(org.users["employee"]).post(url(running), body(running, period), format="json")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] in {"period_out_of_range", "min_value"}
    assert not CheckIn.objects.exists()


def test_monthly_cycle_takes_periods_1_to_12(org, running, api):
    org.cycle.check_in_frequency = "monthly"
    org.cycle.save()
    client = api(org.users["employee"])
    assert client.post(url(running), body(running, 12), format="json").status_code == 201
    r = client.post(url(running), body(running, 13), format="json")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "period_out_of_range" and problem["field"] == "period"
    assert "1 sampai 12" in problem["messages"]["id"] and "1 to 12" in problem["messages"]["en"]


@pytest.mark.parametrize("state", ["draft", "plan_submitted", "self_assessed", "final"])
def test_check_ins_only_while_in_progress(org, at_state, api, state):
    appraisal = at_state(state)
    if not Indicator.objects.filter(item__appraisal=appraisal).exists():
        add_plan_item(appraisal, org.users["employee"])
    r = api(org.users["employee"]).post(url(appraisal), body(appraisal), format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "state_conflict"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("appraiser", 403), ("superior", 403), ("inspector", 403), ("hr_admin", 403)],
)
def test_only_the_employee_records(org, running, api, persona, status):
    r = api(org.users[persona]).post(url(running), body(running), format="json")
    assert r.status_code == status
    assert r.json()["messages"]["en"]


@pytest.mark.parametrize("persona", ["outsider", "other_appraiser"])
def test_strangers_see_nothing(org, check_in, api, persona):
    client = api(org.users[persona])
    assert client.post(url(check_in), body(check_in), format="json").status_code == 404
    assert client.get(url(check_in)).status_code == 404
    assert client.get(url(check_in, "1/")).status_code == 404


@pytest.mark.parametrize("persona", ["employee", "appraiser", "inspector", "panel"])
def test_those_who_see_the_appraisal_read_its_check_ins(org, check_in, api, persona):
    client = api(org.users[persona])
    assert client.get(url(check_in, "1/")).status_code == 200
    assert client.get(url(check_in, "2/")).status_code == 404


def test_indicators_must_belong_to_this_plan(org, running, api):
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    other = Appraisal.objects.get(employee=org.outsider)
    plan_item_create(
        appraisal=other,
        actor=org.users["outsider"],
        result="Layanan kesehatan",
        indicators=[{"name": "Puskesmas", "aspect": "quantity", "target": "3"}],
    )
    foreign = indicator(other).pk
    r = api(org.users["employee"]).post(
        url(running),
        {"period": 1, "entries": [{"indicator": foreign, "realisation": "x"}]},
        format="json",
    )
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "indicator_outside_plan"
    assert problem["field"] == "entries[0].indicator"
    own = indicator(running).pk
    r = api(org.users["employee"]).post(
        url(running),
        {
            "period": 1,
            "entries": [
                {"indicator": own, "realisation": "a"},
                {"indicator": own, "realisation": "b"},
            ],
        },
        format="json",
    )
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "indicator_repeated"


# --- Feedback -----------------------------------------------------------------------


def test_appraiser_gives_feedback_per_check_in(org, check_in, api):
    r = api(org.users["appraiser"]).post(
        url(check_in, "1/feedback/"), {"feedback": "Pertahankan."}, format="json"
    )
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["feedback"] == "Pertahankan."
    assert data["feedback_by"]["username"] == "appraiser" and data["feedback_at"]
    assert actions(check_in)[-1] == "check_in.feedback_given"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("employee", 403), ("superior", 403), ("inspector", 403), ("outsider", 404)],
)
def test_only_the_appraiser_gives_feedback(org, check_in, api, persona, status):
    r = api(org.users[persona]).post(url(check_in, "1/feedback/"), {"feedback": "x"}, format="json")
    assert r.status_code == status


def test_feedback_needs_the_check_in(org, running, api):
    r = api(org.users["appraiser"]).post(
        url(running, "2/feedback/"), {"feedback": "x"}, format="json"
    )
    assert r.status_code == 404


# --- Evidence -----------------------------------------------------------------------


def test_a_genuine_pdf_is_accepted_with_its_sha256(org, check_in, api):
    client = api(org.users["employee"])
    # The client's Content-Type is ignored: the content says PDF.
    r = upload(client, check_in, PDF, "laporan.pdf", content_type="image/png")
    assert r.status_code == 201, r.json()
    data = r.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert data["kind"] == "file" and data["name"] == "laporan.pdf"
    assert data["content_type"] == "application/pdf"
    assert data["size"] == len(PDF) and data["sha256"] == digest
    assert data["uploaded_by"]["username"] == "employee"
    row = Evidence.objects.get(pk=data["id"])
    assert not row.file.name.endswith("laporan.pdf")  # stored under a random name
    event = AuditEvent.objects.filter(subject_id=str(check_in.pk)).order_by("-seq").first()
    assert event.action == "evidence.added"
    recorded = event.changes[f"evidence[{row.pk}]"][1]
    assert recorded["name"] == "laporan.pdf"
    assert recorded["size"] == len(PDF) and recorded["sha256"] == digest


def test_a_fake_pdf_is_refused(org, check_in, api):
    r = upload(api(org.users["employee"]), check_in, b"MZ\x90\x00 not a pdf", "laporan.pdf")
    assert r.status_code == 400
    body_ = r.json()
    assert body_["problems"][0]["code"] == "file_type_not_allowed"
    assert body_["messages"]["id"] and body_["messages"]["en"]
    assert not Evidence.objects.exists()


def test_content_and_name_must_agree(org, check_in, api):
    r = upload(api(org.users["employee"]), check_in, PNG, "laporan.pdf")
    assert r.status_code == 400
    assert r.json()["problems"][0]["code"] == "file_extension_mismatch"
    assert upload(api(org.users["employee"]), check_in, PNG, "foto.png").status_code == 201


def _ooxml(main: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_office_files_are_recognised_by_their_package(org, check_in, api):
    client = api(org.users["employee"])
    docx = _ooxml(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    r = upload(client, check_in, docx, "notulen.docx")
    assert r.status_code == 201, r.json()
    assert r.json()["content_type"].endswith("wordprocessingml.document")
    assert upload(client, check_in, docx, "notulen.xlsx").status_code == 400
    plain_zip = _ooxml("application/octet-stream")
    r = upload(client, check_in, plain_zip, "arsip.docx")
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "file_type_not_allowed"


def test_a_file_over_the_limit_is_refused(org, check_in, api, settings):
    settings.KINERJA_EVIDENCE_MAX_BYTES = 100
    r = upload(api(org.users["employee"]), check_in, PDF, "laporan.pdf")
    assert r.status_code == 400
    problem = r.json()["problems"][0]
    assert problem["code"] == "file_too_large" and problem["field"] == "file"
    assert "100" in problem["messages"]["id"] and "100" in problem["messages"]["en"]
    assert not Evidence.objects.exists()


def test_link_evidence(org, check_in, api):
    client = api(org.users["employee"])
    link = {
        "kind": "link",
        "url": "https://drive.example.go.id/laporan-tw1",
        "name": "Laporan TW I",
        "indicator": indicator(check_in).pk,
    }
    r = client.post(url(check_in, "1/evidence/"), link, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["kind"] == "link" and data["url"] == link["url"] and data["download"] is None
    assert data["indicator"] == indicator(check_in).pk
    r = client.post(
        url(check_in, "1/evidence/"),
        {**link, "url": "javascript:alert(1)"},
        format="json",
    )
    assert r.status_code == 400
    r = client.post(url(check_in, "1/evidence/"), {**link, "indicator": 10**9}, format="json")
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "indicator_outside_plan"


@pytest.mark.parametrize(("persona", "status"), [("appraiser", 403), ("inspector", 403)])
def test_only_the_employee_adds_evidence(org, check_in, api, persona, status):
    assert upload(api(org.users[persona]), check_in, PDF, "a.pdf").status_code == status


def test_evidence_only_while_in_progress(org, check_in, api):
    name = "submit_self_assessment"
    perform(check_in, name, actor=org.users["employee"], payload=valid_body(name, check_in))
    r = upload(api(org.users["employee"]), check_in, PDF, "a.pdf")
    assert r.status_code == 409


def test_evidence_needs_the_check_in(org, running, api):
    assert upload(api(org.users["employee"]), running, PDF, "a.pdf", period=3).status_code == 404


def test_download_follows_the_appraisal_visibility(org, check_in, api):
    r = upload(api(org.users["employee"]), check_in, PDF, "Laporan TW I.pdf")
    download = r.json()["download"]
    assert download.endswith(f"/evidence/{r.json()['id']}/file/")
    for persona in ("employee", "appraiser", "inspector", "superior"):
        response = api(org.users[persona]).get(download, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert "Laporan TW I.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    for persona in ("outsider", "other_appraiser"):
        response = api(org.users[persona]).get(download)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api().get(download).status_code in (401, 403)


def test_evidence_list_is_paged_and_links_have_no_file(org, check_in, api):
    client = api(org.users["employee"])
    upload(client, check_in, PDF, "a.pdf")
    link = client.post(
        url(check_in, "1/evidence/"),
        {"kind": "link", "url": "https://example.go.id/x", "name": "x"},
        format="json",
    ).json()
    page = api(org.users["appraiser"]).get(url(check_in, "1/evidence/")).json()
    assert page["count"] == 2 and [e["kind"] for e in page["results"]] == ["file", "link"]
    assert api(org.users["outsider"]).get(url(check_in, "1/evidence/")).status_code == 404
    r = client.get(url(check_in, f"1/evidence/{link['id']}/file/"))
    assert r.status_code == 404
    assert client.get(url(check_in, "1/evidence/999999/file/")).status_code == 404
    assert client.get(url(check_in)).json()[0]["evidence_count"] == 2


# --- The self-assessment draft ------------------------------------------------------------


def test_self_assessment_draft_is_prefilled_from_the_latest_check_ins(org, running, api):
    client = api(org.users["employee"])
    client.post(url(running), body(running, 1, "3 sekolah"), format="json")
    client.post(url(running), body(running, 3, "10 sekolah"), format="json")
    client.post(url(running), body(running, 2, "6 sekolah"), format="json")
    draft = client.get(f"/api/appraisals/{running.pk}/self-assessment-draft/").json()
    (item,) = draft["items"]
    assert item["id"] == running.plan_items.get().pk
    assert item["realisation"] == "Sekolah terakreditasi: 10 sekolah"
    assert item["self_rating"] is None
    assert item["sources"][0]["period"] == 3

    for entry in draft["items"]:
        entry["self_rating"] = "meets"
    r = client.post(
        f"/api/appraisals/{running.pk}/transitions/submit_self_assessment/", draft, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "self_assessed"
    assert running.plan_items.get().realisation == "Sekolah terakreditasi: 10 sekolah"


def test_self_assessment_draft_is_hidden_from_strangers(org, running, api):
    draft_url = f"/api/appraisals/{running.pk}/self-assessment-draft/"
    assert api(org.users["outsider"]).get(draft_url).status_code == 404
    items = api(org.users["appraiser"]).get(draft_url).json()["items"]
    assert items[0]["realisation"] == ""  # nothing recorded yet


def test_absurd_periods_and_ids_answer_404(org, check_in, api):
    client = api(org.users["employee"])
    huge = 10**20
    assert client.get(url(check_in, f"{huge}/")).status_code == 404
    assert client.get(url(check_in, f"1/evidence/{huge}/file/")).status_code == 404
    assert client.get(url(check_in, f"{huge}/evidence/")).status_code == 404
    r = client.post(url(check_in), body(check_in, period=huge), format="json")
    assert r.status_code == 400
