"""The first run in a browser: the living demo as its people see it on signing in, the
admin's sign-in, and a readable 404 with DEBUG on (as `make demo` runs)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "sandi-demo-peramban"
# Who signs in, and words their home page must show (their task in the living demo).
ROLES = (
    ("pegawai.0001", "employee"),
    ("kabid.pendidikan.1", "appraiser"),
    ("kadis.pendidikan", "appeal-reviewer"),
    ("tim_penilai", "panel"),
    ("ppk", "authority"),
    ("hr_admin", "hr"),
)


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True  # as `make demo` runs: seed_demo's own check, and the error pages
    out = tmp_path / "demo.json"
    call_command(
        "seed_demo",
        "--living",
        "--no-signing",
        "--employees",
        "16",
        "--password",
        PASSWORD,
        "--out",
        str(out),
        stdout=StringIO(),
    )
    return json.loads(out.read_text(encoding="utf-8"))


def test_demo_home_pages_admin_and_404(browser, demo):
    usernames = {u["username"] for u in demo["users"]}
    for username, role in ROLES:
        assert username in usernames
        page = browser.login(username, PASSWORD)
        text = page.inner_text("main")
        assert "Traceback" not in text
        # Something waits for each of them in the living demo.
        assert page.locator("main table, main article, main li").count() > 0
        browser.shot(f"demo-home-{role}")
        browser.logout()

    admin = next(u for u in demo["users"] if u["roles"] == ["admin"])
    page = browser.go("/admin/login/?next=/admin/")
    page.fill("#id_username", admin["username"])
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#site-name, #header").count() > 0
    browser.shot("demo-admin")

    page = browser.go("/tidak-ada-halaman-ini/")
    assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
    assert page.locator("#error-home").get_attribute("href") == "/"
    assert "URLconf" not in page.content()
    icon = page.evaluate(
        "fetch('/favicon.ico').then(r => [r.status, r.headers.get('content-type')])"
    )
    assert icon[0] == 200 and icon[1].startswith("image/")
    browser.shot("error-404")
    page.click("#error-home")  # the one next step: home (the admin is still signed in)
    page.wait_for_selector("#logout")
