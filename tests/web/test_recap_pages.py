"""The unit dashboard's recap downloads and the print stylesheet."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from appraisals.models import Appraisal
from appraisals.services.cycles import cycle_open
from appraisals.states import STATES
from workflow.actors import system_actor

from .test_hr_pages import _cells, page, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(org):
    people = staff(org, 6)
    cycle_open(cycle=org.cycle, actor=system_actor(), employees=people)
    ids = list(Appraisal.objects.filter(employee__in=people).values_list("id", flat=True))
    Appraisal.objects.filter(pk__in=ids[:3]).update(state="final", predicate="baik")
    Appraisal.objects.filter(pk__in=ids[3:4]).update(state="cancelled")
    return ids


def _recap_url(org, fmt):
    return reverse("web:hr-unit-recap", args=[org.dinas.pk, fmt]) + f"?cycle={org.cycle.pk}"


def test_dashboard_offers_the_recap_downloads_in_indonesian(client, org, opened):
    html = page(client, org.users["authority"], reverse("web:hr-unit", args=[org.dinas.pk]))
    html = html.content.decode()
    for fmt in ("xlsx", "csv"):
        href = _recap_url(org, fmt).replace("&", "&amp;")
        assert f'href="{href}"' in html
    assert "Unduh rekap (XLSX)" in html and "Unduh CSV untuk pertukaran data" in html


def test_the_recaps_totals_are_the_dashboard_page_counts(client, org, opened):
    dashboard = page(client, org.users["hr_admin"], reverse("web:hr-unit", args=[org.dinas.pk]))
    shown = _cells(dashboard.content.decode(), "state-counts")
    response = page(client, org.users["hr_admin"], _recap_url(org, "xlsx"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in wb["Rekapitulasi"].iter_rows(values_only=True) if row}
    for state in STATES:
        assert str(summary[state.label.id]) == shown[state.name], state.name
    total = re.search(r'id="state-total">(\d+)<', dashboard.content.decode()).group(1)
    assert str(summary["Jumlah"]) == total == "6"


def test_the_csv_streams_from_the_page(client, org, opened):
    response = page(client, org.users["inspector"], _recap_url(org, "csv"))
    assert response.status_code == 200 and response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("NIP;NAMA;") and len(lines) == 7


@pytest.mark.parametrize("persona,code", [("employee", 403), ("superior", 403), ("outsider", 404)])
def test_the_recap_is_the_dashboards_readers_only(client, org, opened, persona, code):
    assert page(client, org.users[persona], _recap_url(org, "xlsx")).status_code == code


def test_an_unknown_format_or_cycle_is_not_found(client, org):
    url = reverse("web:hr-unit-recap", args=[org.dinas.pk, "pdf"]) + f"?cycle={org.cycle.pk}"
    assert page(client, org.users["hr_admin"], url).status_code == 404
    url = reverse("web:hr-unit-recap", args=[org.dinas.pk, "csv"]) + "?cycle=999999"
    assert page(client, org.users["hr_admin"], url).status_code == 404


@override_settings(KINERJA_RECAP_BACKGROUND_ROWS=2)
def test_a_large_recap_goes_to_the_job_page_then_downloads(
    client, org, opened, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = page(client, org.users["panel"], _recap_url(org, "xlsx"))
    assert response.status_code == 302
    job_page = client.get(response.url)
    html = job_page.content.decode()
    assert 'id="job-progress"' in html and "Rekap kinerja unit" in html
    link = re.search(r'id="recap-download" href="([^"]+)"', html).group(1)
    download = client.get(link)
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Pegawai"].rows)
    assert len(rows) == 7
    # Another reader of the unit who did not ask for it is not shown the requester's job.
    assert page(client, org.users["inspector"], link).status_code == 404


# -- printing -----------------------------------------------------------------------------------


def test_the_print_stylesheet_hides_menu_and_controls_and_is_linked(client, org, appraisal):
    css = open(finders.find("web/print.css"), encoding="utf-8").read()  # noqa: SIM115
    first = re.search(r"@media print\s*\{\s*([^{]+)\{([^}]*)\}", css)
    selectors, declarations = first.group(1), first.group(2)
    assert "display: none" in declarations
    for selector in ("header.site", "nav", "form", "button", '[role="button"]', "footer"):
        assert selector in selectors, selector
    block = css.split("@media print", 1)[1]
    assert "thead { display: table-header-group; }" in block
    html = page(client, org.users["employee"], f"/appraisals/{appraisal.pk}/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*web/print\.css"', html)
    assert 'aria-labelledby="actions-h" class="no-print"' in html
