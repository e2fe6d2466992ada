"""Forms that keep the input and say what is wrong beside the field, and the employee's
everyday actions (issue #16): editing a plan item, sign-in refusals, self-rating, check-in
names, evidence and appeal attachments."""

from __future__ import annotations

import pytest

from appraisals.models import Appraisal
from tests.flow import add_plan_item
from tests.web.conftest import url

pytestmark = pytest.mark.django_db


def _version(appraisal: Appraisal) -> int:
    return Appraisal.objects.get(pk=appraisal.pk).version


def _field_error(html: str, field_id: str) -> str:
    """The message drawn beside field `field_id` (its aria-describedby target)."""
    marker = f'id="{field_id}-error">'
    assert marker in html, f"no message beside {field_id}"
    start = html.index(marker) + len(marker)
    return html[start : html.index("</small>", start)]


# -- 1. the plan editor ------------------------------------------------------------------


def test_a_missing_indicator_target_is_shown_beside_that_target_and_the_input_stays(
    appraisal, pages
):
    page = pages("employee").post(
        url("plan", appraisal.pk),
        {
            "version": _version(appraisal),
            "result": "Meningkatnya mutu layanan pendidikan",
            "indicator-0-name": "Sekolah terakreditasi",
            "indicator-0-aspect": "quantity",
            "indicator-0-target": "12 sekolah",
            # The second filled row is the third on the page: its message goes there.
            "indicator-2-name": "Guru bersertifikat",
            "indicator-2-aspect": "quality",
            "indicator-2-target": "",
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert _field_error(html, "indicator-2-target") == "Bidang ini tidak boleh kosong."
    assert "indicator-0-target-error" not in html
    assert "indicators[" not in html  # never the API's path
    assert 'value="Guru bersertifikat"' in html and 'value="12 sekolah"' in html
    assert "Meningkatnya mutu layanan pendidikan</textarea>" in html
    assert not appraisal.plan_items.exists()


def test_plan_field_messages_follow_the_language(appraisal, pages):
    client = pages("employee")
    client.cookies["kinerja_language"] = "en"
    page = client.post(
        url("plan", appraisal.pk),
        {
            "version": _version(appraisal),
            "result": "Hasil",
            "indicator-0-name": "Indikator",
            "indicator-0-aspect": "speed",
            "indicator-0-target": "1",
        },
    )
    assert page.status_code == 400
    assert _field_error(page.content.decode(), "indicator-0-aspect") == (
        "&quot;speed&quot; is not a valid choice."
    )


def test_the_employee_edits_an_item_and_its_indicators(appraisal, pages):
    add_plan_item(appraisal, appraisal.employee.user)
    item = appraisal.plan_items.get()
    client = pages("employee")
    form = client.get(url("plan", appraisal.pk) + f"?edit={item.pk}")
    html = form.content.decode()
    assert f'name="item" value="{item.pk}"' in html
    assert 'value="Sekolah terakreditasi"' in html and 'value="12 sekolah"' in html

    # A bad edit keeps what was typed and changes nothing.
    bad = client.post(
        url("plan", appraisal.pk),
        {
            "version": _version(appraisal),
            "item": item.pk,
            "result": "",
            "indicator-0-name": "Sekolah terakreditasi",
            "indicator-0-aspect": "quantity",
            "indicator-0-target": "15 sekolah",
        },
    )
    assert bad.status_code == 400
    assert f'name="item" value="{item.pk}"' in bad.content.decode()
    assert 'value="15 sekolah"' in bad.content.decode()
    assert bad.context["errors"].fields["result"]
    item.refresh_from_db()
    assert item.indicators.get().target == "12 sekolah"

    done = client.post(
        url("plan", appraisal.pk),
        {
            "version": _version(appraisal),
            "item": item.pk,
            "result": "Meningkatnya akreditasi sekolah",
            "indicator-0-name": "Sekolah terakreditasi",
            "indicator-0-aspect": "quantity",
            "indicator-0-target": "15 sekolah",
            "indicator-1-name": "Guru bersertifikat",
            "indicator-1-aspect": "quality",
            "indicator-1-target": "40 guru",
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.result == "Meningkatnya akreditasi sekolah"
    assert sorted(item.indicators.values_list("target", flat=True)) == ["15 sekolah", "40 guru"]
    assert appraisal.plan_items.count() == 1


def test_editing_is_refused_to_others_and_outside_the_draft(org, appraisal, pages, at_state):
    add_plan_item(appraisal, appraisal.employee.user)
    item = appraisal.plan_items.get()
    body = {
        "item": item.pk,
        "result": "Diubah orang lain",
        "indicator-0-name": "X",
        "indicator-0-aspect": "quantity",
        "indicator-0-target": "1",
    }
    appraiser = pages("appraiser")
    page = appraiser.get(url("plan", appraisal.pk) + f"?edit={item.pk}")
    assert page.status_code == 200 and 'name="item"' not in page.content.decode()
    response = appraiser.post(url("plan", appraisal.pk), {"version": _version(appraisal)} | body)
    assert response.status_code == 403
    assert pages("outsider").post(url("plan", appraisal.pk), body).status_code == 404
    # An item of another appraisal is not this plan's to edit.
    other = pages("employee").post(
        url("plan", appraisal.pk), {"version": _version(appraisal)} | body | {"item": 999999}
    )
    assert other.status_code == 404
    at_state("plan_submitted")
    late = pages("employee").post(
        url("plan", appraisal.pk), {"version": _version(appraisal)} | body
    )
    assert late.status_code == 409
    item.refresh_from_db()
    assert item.result == "Meningkatnya mutu layanan pendidikan"


# -- 3. signing in ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Nama pengguna atau kata sandi salah."),
        ("en", "The user name or the password is wrong."),
    ],
)
def test_a_wrong_password_says_so_plainly(org, pages, language, expected):
    org.users["employee"].set_password("rahasia-kuat-2026")
    org.users["employee"].save()
    client = pages()
    client.cookies["kinerja_language"] = language
    page = client.post(url("login"), {"username": "employee", "password": "salah"})
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    html = page.content.decode()
    assert expected in html
    assert "nama pengguna nama pengguna" not in html.lower()
    assert 'value="employee"' in html


def test_a_blank_sign_in_names_the_missing_fields(pages):
    page = pages().post(url("login"), {"username": "", "password": ""})
    html = page.content.decode()
    assert 'id="id_username-error">Bidang ini harus diisi.' in html
    assert 'id="id_password-error">Bidang ini harus diisi.' in html


# -- 2. choices left unchosen ---------------------------------------------------------------


def _fire(client, appraisal, name, **fields):
    return client.post(
        url("transition", appraisal.pk, name), {"version": _version(appraisal), **fields}
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Pilih penilaian diri untuk setiap rencana hasil kerja."),
        ("en", "Choose a self rating for every result item."),
    ],
)
def test_a_blank_self_rating_asks_for_one(appraisal, pages, at_state, language, expected):
    at_state("in_progress")
    item = appraisal.plan_items.get()
    client = pages("employee")
    client.cookies["kinerja_language"] = language
    page = _fire(
        client,
        appraisal,
        "submit_self_assessment",
        **{f"realisation_{item.pk}": "Sepuluh sekolah", f"self_rating_{item.pk}": ""},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert expected in html
    assert "daftar pilihan" not in html and "valid choice" not in html
    assert "Sepuluh sekolah</textarea>" in html
    assert page.context["form"].items[0]["errors"]["self_rating"] == [expected]


def test_blank_choices_of_other_forms_are_missing_not_invalid(appraisal, pages, at_state):
    at_state("self_assessed")
    page = _fire(
        pages("appraiser"),
        appraisal,
        "submit_review",
        result_rating="",
        behaviour_rating="meets",
        feedback="Baik",
    )
    assert page.status_code == 400
    fields = {f.name: f for f in page.context["form"].fields}
    assert fields["result_rating"].errors == ["Bidang ini harus diisi."]
    assert fields["behaviour_rating"].value == "meets" and not fields["behaviour_rating"].errors
    assert "daftar pilihan" not in page.content.decode()


# -- 5. check-ins: names and evidence -------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _check_in_with_evidence(appraisal, client, name="Laporan triwulan I"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    indicator = appraisal.plan_items.get().indicators.get()
    response = client.post(
        url("check-ins", appraisal.pk),
        {"version": _version(appraisal), "period": "1", f"realisation-{indicator.pk}": "4 sekolah"},
    )
    assert response.status_code == 302
    response = client.post(
        url("check-ins", appraisal.pk),
        {
            "version": _version(appraisal),
            "period": "1",
            "kind": "evidence",
            "name": name,
            "file": SimpleUploadedFile("scan-001.pdf", PDF),
        },
    )
    assert response.status_code == 302
    return appraisal.check_ins.get().evidence.get()


def test_check_in_values_show_their_indicator_and_evidence_downloads(appraisal, pages, at_state):
    at_state("in_progress")
    evidence = _check_in_with_evidence(appraisal, pages("employee"))
    page = pages("employee").get(url("check-ins", appraisal.pk)).content.decode()
    assert (
        "<dt>Sekolah terakreditasi <small>(target 12 sekolah)</small></dt><dd>4 sekolah</dd>"
        in page
    )
    link = url("evidence-file", appraisal.pk, evidence.pk)
    assert f'href="{link}"' in page and "sha256" not in page

    for persona in ("employee", "appraiser"):
        response = pages(persona).get(link)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == ('attachment; filename="Laporan triwulan I.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_evidence_is_refused_to_an_unrelated_user_and_to_another_appraisal(
    org, appraisal, pages, at_state
):
    at_state("in_progress")
    evidence = _check_in_with_evidence(appraisal, pages("employee"))
    assert pages("outsider").get(url("evidence-file", appraisal.pk, evidence.pk)).status_code == 404
    assert pages().get(url("evidence-file", appraisal.pk, evidence.pk)).status_code == 302
    # The outsider's own appraisal does not reach someone else's evidence through its id.
    from appraisals.services.cycles import cycle_open
    from workflow.actors import system_actor

    cycle_open(cycle=org.cycle, actor=system_actor(), employees=[org.outsider])
    own = Appraisal.objects.get(cycle=org.cycle, employee=org.outsider)
    assert pages("outsider").get(url("evidence-file", own.pk, evidence.pk)).status_code == 404
    assert (
        pages("employee").post(url("evidence-file", appraisal.pk, evidence.pk)).status_code == 405
    )


def test_an_evidence_label_is_a_file_name_never_a_path(appraisal, pages, at_state):
    at_state("in_progress")
    evidence = _check_in_with_evidence(appraisal, pages("employee"), name="../../etc/passwd")
    response = pages("employee").get(url("evidence-file", appraisal.pk, evidence.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


# -- 6. the appeal: one reason, an optional document ----------------------------------------


def _appeal(client, appraisal, **extra):
    return client.post(
        url("transition", appraisal.pk, "file_appeal"),
        {"version": _version(appraisal), "grounds": "Bukti dukung belum dipertimbangkan."} | extra,
    )


def test_the_appeal_form_asks_its_reason_once_and_offers_an_attachment(appraisal, pages, at_state):
    at_state("result_issued")
    html = pages("employee").get(url("transition", appraisal.pk, "file_appeal")).content.decode()
    assert html.count("<textarea") == 1 and 'name="grounds"' in html
    assert 'name="reason"' not in html
    assert 'enctype="multipart/form-data"' in html and 'name="attachment"' in html


def test_an_appeal_with_its_document_is_downloadable_by_those_who_see_it(
    org, appraisal, pages, at_state
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    at_state("result_issued")
    response = _appeal(
        pages("employee"), appraisal, attachment=SimpleUploadedFile("surat.pdf", PDF)
    )
    assert response.status_code == 302, response.content.decode()[:800]
    appeal = appraisal.appeals.get()
    assert appeal.attachment_name == "surat.pdf" and appeal.attachment_size == len(PDF)
    assert Appraisal.objects.get(pk=appraisal.pk).state == "appealed"
    link = url("appeal-file", appraisal.pk, appeal.pk)
    assert link in pages("employee").get(url("appraisal", appraisal.pk)).content.decode()
    for persona in ("employee", "superior"):
        got = pages(persona).get(link)
        assert got.status_code == 200, persona
        assert got["Content-Disposition"] == 'attachment; filename="surat.pdf"'
        assert got["Content-Type"] == "application/pdf"
        assert b"".join(got.streaming_content) == PDF
    assert pages("outsider").get(link).status_code == 404


def test_a_refused_attachment_files_nothing_and_keeps_the_grounds(appraisal, pages, at_state):
    from django.core.files.uploadedfile import SimpleUploadedFile

    at_state("result_issued")
    page = _appeal(
        pages("employee"), appraisal, attachment=SimpleUploadedFile("virus.pdf", b"MZ\x90 exe")
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="f-attachment-error">Jenis berkas tidak diterima' in html
    assert "Bukti dukung belum dipertimbangkan.</textarea>" in html
    assert Appraisal.objects.get(pk=appraisal.pk).state == "result_issued"
    assert not appraisal.appeals.exists()


def test_an_appeal_without_a_document_still_goes_through(appraisal, pages, at_state):
    at_state("result_issued")
    assert _appeal(pages("employee"), appraisal).status_code == 302
    assert not appraisal.appeals.get().attachment
