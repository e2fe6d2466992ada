"""Huge request bodies are refused before a byte is read (issue #13, item 6).

An anonymous client's 300 MiB post was spooled to disk before its answer, and
so was a non-reader's post to a check-in page before the 404: CSRF checking
reads the form. Now a middleware at the front of the chain answers 413 by
Content-Length against the route's limit, and caps the stream where the length
is not declared. The bodies here count what is read and fail if anything is.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from appraisals.web.limits import RequestBodyLimit, body_limit

pytestmark = pytest.mark.django_db

HUGE = 300 * 1024 * 1024


class Untouchable(io.RawIOBase):
    """A request body that must not be read: counts reads and fails the request if any."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        self.read_bytes += 1
        raise AssertionError("the body was read")

    readline = read
    readinto = read


def _post(client: Client, path: str, body: Untouchable, length: int = HUGE):
    return client.generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        },
    )


def _csrf_client() -> Client:
    """As a browser or an attacker would be: CSRF enforced, with a CSRF cookie of its own."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


@pytest.mark.parametrize("path", ["/login/", "/hr/import/", "/appraisals/1/check-ins/"])
def test_anonymous_huge_post_is_refused_unread(path):
    body = Untouchable()
    r = _post(_csrf_client(), path, body)
    assert r.status_code == 413
    assert body.read_bytes == 0
    text = r.content.decode()
    assert "terlalu besar" in text and "too large" in text


def test_non_reader_huge_post_to_a_check_in_page_is_refused_unread(org, appraisal):
    client = _csrf_client()
    client.force_login(org.users["outsider"])
    body = Untouchable()
    r = _post(client, f"/appraisals/{appraisal.pk}/check-ins/", body)
    assert r.status_code == 413 and body.read_bytes == 0


def test_api_huge_json_is_refused_unread_in_the_bilingual_shape(org):
    body = Untouchable()
    r = Client().generic(
        "POST",
        "/api/auth/token/",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(HUGE), "CONTENT_TYPE": "application/json"},
    )
    assert r.status_code == 413 and body.read_bytes == 0
    data = r.json()
    assert data["code"] == "request_too_large"
    assert data["messages"]["id"] and data["messages"]["en"]


def test_each_route_has_its_limit():
    form = settings.KINERJA_BODY_MAX_BYTES
    assert body_limit("/login/") == form
    assert body_limit("/api/appraisals/1/plan-items/") == form
    # Uploads: their own file limit and the multipart framing around it.
    assert form < body_limit("/appraisals/7/check-ins/")
    assert body_limit("/api/appraisals/7/check-ins/2/evidence/") > (
        settings.KINERJA_EVIDENCE_MAX_BYTES
    )
    assert body_limit("/hr/import/") > settings.KINERJA_IMPORT_MAX_BYTES
    assert form >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_body_within_the_limit_still_gets_through(org):
    client = Client()
    r = client.post("/login/", {"username": "nobody", "password": "x"})
    assert r.status_code in (200, 400)


def test_a_stream_without_content_length_is_cut_at_the_limit(settings):
    """A chunked body (no Content-Length; the server says the input ends): read up to the limit."""
    settings.KINERJA_BODY_MAX_BYTES = 1024
    source = io.BytesIO(b"x" * 10_000)
    environ = RequestFactory().post("/login/").environ
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": source, "wsgi.input_terminated": True})
    request = WSGIRequest(environ)

    def view(req):
        req.body  # noqa: B018  (reading is the point)
        return HttpResponse("read")

    response = RequestBodyLimit(view)(request)
    assert response.status_code == 413
    assert source.tell() <= 1024 + 64 * 1024  # one buffer past the limit at most


def test_a_small_stream_without_content_length_is_read(settings):
    source = io.BytesIO(b'{"a": 1}')
    environ = RequestFactory().post("/login/").environ
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": source, "wsgi.input_terminated": True})
    request = WSGIRequest(environ)
    response = RequestBodyLimit(lambda req: HttpResponse(req.body))(request)
    assert response.status_code == 200 and response.content == b'{"a": 1}'


def test_asgi_refuses_a_declared_huge_body_before_receiving_it():
    import asyncio

    from appraisals.web.limits import asgi_body_limit

    received, sent = [], []

    async def app(scope, receive, send):  # Django would spool everything it receives
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message):
        sent.append(message)

    def scope(headers):
        return {"type": "http", "path": "/login/", "method": "POST", "headers": headers}

    huge = [(b"content-length", str(HUGE).encode())]
    asyncio.run(asgi_body_limit(app)(scope(huge), receive, send))
    assert received == [] and sent[0]["status"] == 413

    # Undeclared (chunked): cut once the limit is passed, not read to the end.
    sent.clear()
    asyncio.run(asgi_body_limit(app)(scope([]), receive, send))
    limit = settings.KINERJA_BODY_MAX_BYTES
    assert sent[0]["status"] == 413 and len(received) * 65536 <= limit + 65536


# -- upload-sized bodies within the limit: refused unread to whom may not upload there ----------

UPLOAD_SIZED = 3 * 1024 * 1024  # over the forms' limit, under the evidence limit


def test_anonymous_upload_sized_post_is_sent_to_sign_in_unread(appraisal):
    body = Untouchable()
    r = _post(_csrf_client(), f"/appraisals/{appraisal.pk}/check-ins/", body, UPLOAD_SIZED)
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert body.read_bytes == 0


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("appraiser", 403)])
def test_who_may_not_add_evidence_is_refused_unread(org, appraisal, persona, status):
    client = _csrf_client()
    client.force_login(org.users[persona])
    body = Untouchable()
    r = _post(client, f"/appraisals/{appraisal.pk}/check-ins/", body, UPLOAD_SIZED)
    assert r.status_code == status and body.read_bytes == 0


def test_import_upload_from_a_non_hr_user_is_refused_unread(org):
    client = _csrf_client()
    client.force_login(org.users["employee"])
    body = Untouchable()
    r = _post(client, "/hr/import/", body, UPLOAD_SIZED)
    assert r.status_code == 403 and body.read_bytes == 0


def test_the_employee_s_upload_sized_post_goes_through_to_the_page(org, at_state):
    """The gate lets the one who may upload through (the page then reads and checks it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appraisals.models import Indicator
    from appraisals.services.checkins import check_in_record

    appraisal = at_state("in_progress")
    indicator = Indicator.objects.filter(item__appraisal=appraisal).first()
    check_in_record(
        appraisal=appraisal,
        actor=org.users["employee"],
        period=1,
        note="Triwulan I",
        entries=[{"indicator": indicator.pk, "realisation": "3 sekolah"}],
    )
    appraisal.refresh_from_db()
    client = Client()
    client.force_login(org.users["employee"])
    pdf = b"%PDF-1.4\n" + b"0" * (UPLOAD_SIZED // 2)
    r = client.post(
        f"/appraisals/{appraisal.pk}/check-ins/",
        {
            "kind": "evidence",
            "period": "1",
            "name": "Bukti",
            "file": SimpleUploadedFile("b.pdf", pdf),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert appraisal.check_ins.get(period=1).evidence.count() == 1


def test_api_upload_sized_posts_by_session_are_refused_unread(org, appraisal):
    """DRF's session CSRF check reads the form too: the gate answers first, in the API's shape."""
    path = f"/api/appraisals/{appraisal.pk}/check-ins/1/evidence/"
    body = Untouchable()
    r = _post(Client(), path, body, UPLOAD_SIZED)
    assert r.status_code == 401 and body.read_bytes == 0
    assert r.json()["messages"]["en"]
    for persona, status, route in (
        ("outsider", 404, path),
        ("appraiser", 403, path),
        ("employee", 403, "/api/surveys/import/"),
    ):
        client = _csrf_client()
        client.force_login(org.users[persona])
        body = Untouchable()
        r = _post(client, route, body, UPLOAD_SIZED)
        assert (r.status_code, body.read_bytes) == (status, 0), (persona, route)
        assert r.json()["code"] in ("not_found", "permission_denied")
