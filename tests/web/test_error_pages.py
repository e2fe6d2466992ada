"""404, 403, 405 and 500 answer with readable pages in the chosen language, with DEBUG on
(the demo) as with it off: never Django's technical pages, never a blank 405."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

# (status, path, words the Indonesian page shows, words the English page shows)
CASES = [
    (404, "/tidak-ada-halaman-ini/", "Halaman tidak ditemukan", "Page not found"),
    (404, "/test-errors/missing/", "Halaman tidak ditemukan", "Page not found"),
    (403, "/test-errors/forbidden/", "Tidak diizinkan", "Not allowed"),
    (
        405,
        "/test-errors/post-only/",
        "Alamat ini tidak dapat dibuka langsung",
        "This address cannot be opened directly",
    ),
    (
        405,
        "/appraisals/approve/",
        "Alamat ini tidak dapat dibuka langsung",
        "This address cannot be opened directly",
    ),
    (500, "/test-errors/broken/", "Terjadi kesalahan", "Something went wrong"),
]
HOME = {"id": "Kembali ke beranda", "en": "Back to the home page"}
TECHNICAL = ("Using the URLconf", "Traceback", "Django tried these URL patterns", "DEBUG = True")


def client_in(language: str, user=None) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("status", "path", "words_id", "words_en"), CASES)
def test_error_pages_read_in_the_chosen_language(
    org, debug, language, status, path, words_id, words_en
):
    with override_settings(DEBUG=debug, ROOT_URLCONF="tests.web.error_urls"):
        response = client_in(language, org.users["appraiser"]).get(path)
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert (words_id if language == "id" else words_en) in body
    assert (words_en if language == "id" else words_id) not in body
    assert HOME[language] in body
    assert 'href="/"' in body
    assert not [t for t in TECHNICAL if t in body]
    if status == 405:
        assert response["Allow"] == "POST"


def test_signed_out_visitor_gets_the_readable_404_with_debug_on(db):
    with override_settings(DEBUG=True):
        response = client_in("id").get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_technical_pages_only_when_asked(org):
    with override_settings(DEBUG=True, KINERJA_TECHNICAL_ERRORS=True):
        response = client_in("en", org.users["appraiser"]).get("/tidak-ada/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()  # Django's technical page


@pytest.mark.parametrize("debug", [True, False])
def test_api_keeps_its_json_errors(debug):
    with override_settings(DEBUG=debug):
        missing = Client().get("/api/tidak-ada/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_address_without_slash_still_redirects(org, debug):
    with override_settings(DEBUG=debug):
        response = client_in("id", org.users["appraiser"]).get("/appraisals")
    assert response.status_code == 301
    assert response["Location"] == "/appraisals/"


def test_favicon_is_an_image_at_the_root_and_linked_from_pages(org):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    page = client_in("id", org.users["appraiser"]).get("/").content.decode()
    assert 'rel="icon"' in page
    svg = Client().get("/static/web/favicon.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg")
