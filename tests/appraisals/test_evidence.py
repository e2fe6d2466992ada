"""Evidence (bukti dukung) of check-ins: sniffed files, links, downloads."""

import hashlib
import io
import zipfile

import pytest

from appraisals.models import Evidence
from audit.models import AuditEvent
from workflow.services import perform

from ..flow import valid_body
from .checking import PDF, PNG, indicator, upload, url

pytestmark = pytest.mark.django_db


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
    assert not row.file.name.endswith("laporan.pdf")  # stored under its content hash
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
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "url_not_web"
    # A URI by RFC 3986, not a web address: refused with the code the schema names.
    r = client.post(url(check_in, "1/evidence/"), {**link, "url": "web:appraisal"}, format="json")
    assert r.status_code == 400 and r.json()["problems"][0]["code"] == "url_not_web"
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


@pytest.mark.parametrize("none", ["null", ""])
def test_an_upload_s_indicator_may_be_none_as_a_form_sends_it(org, check_in, api, none):
    """A multipart form carries null only as text; the schema allows a null indicator."""
    r = upload(api(org.users["employee"]), check_in, PDF, "laporan.pdf", indicator=none)
    assert r.status_code == 201, r.json()
    assert r.json()["indicator"] is None


def test_an_upload_s_indicator_that_is_not_a_number_is_still_refused(org, check_in, api):
    r = upload(api(org.users["employee"]), check_in, PDF, "laporan.pdf", indicator="nul")
    assert r.status_code == 400
    assert not Evidence.objects.exists()
