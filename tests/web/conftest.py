"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download is never used (the machine's network is
closed); the browser is /usr/bin/chromium, or $CHROMIUM. Without it the
browser tests skip locally and fail on CI (CI=true), where .ci/run installs it.
Screenshots go to $KINERJA_SCREENSHOTS (default ci-artifacts/screenshots).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("KINERJA_SCREENSHOTS", "ci-artifacts/screenshots"))
PASSWORD = "Sandi-Uji-2026!"
# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make between page steps are still plain synchronous code.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in throttle counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is needed for the browser tests on CI (looked for {CHROMIUM})")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Browser:
    """One browser tab that signs in and out as the personas, through the pages only."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base = base_url
        self.name = name
        self.shots = 0

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str, password: str = PASSWORD):
        page = self.go("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("#login-submit")
        page.wait_for_selector("#logout")
        return page

    def logout(self):
        self.page.click("#logout")
        self.page.wait_for_selector("#login-submit")

    def shot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = SCREENSHOTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser(chromium, live_server, request):
    context = chromium.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield Browser(page, live_server.url, request.node.name.replace("test_", ""))
    context.close()


@pytest.fixture
def passwords(org):
    """Every persona signs in with PASSWORD."""
    for user in org.users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return PASSWORD


@pytest.fixture
def pages(org):
    """pages("employee") -> a Django test client signed in as that persona (None: anonymous),
    in `language` when given (the language cookie)."""

    def client_for(persona: str | None = None, language: str | None = None) -> Client:
        client = Client()
        if language is not None:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if persona is not None:
            client.force_login(org.users[persona])
        return client

    return client_for


def url(name: str, *args) -> str:
    """A page's address by its name in the web UI's URLconf."""
    return reverse(f"web:{name}", args=args)
