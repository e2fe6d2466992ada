"""API tokens: stored as hashes, one per sign-in, listed and revoked one by one (#13 item 10).

The contract stays: `POST /api/auth/token/` -> 200 {"token"}, then
`Authorization: Token <token>`. What the database holds is SHA-256 of the
token, never the token; each sign-in (each device) gets its own token with its
own expiry; `GET /api/auth/tokens/` lists the caller's tokens without the secret,
`DELETE /api/auth/tokens/{id}/` revokes one, `DELETE /api/auth/tokens/` all, and
logging out revokes only the token used.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from appraisals.models import ApiToken

pytestmark = pytest.mark.django_db


def sign_in(username="employee", agent="Kinerja-Android/3.1"):
    client = APIClient(HTTP_USER_AGENT=agent)
    r = client.post(
        "/api/auth/token/", {"username": username, "password": "rahasia-123"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert set(r.json()) == {"token"}
    token = r.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, token


def test_only_a_hash_of_the_token_is_stored(org):
    _client, token = sign_in()
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40  # 256 bits of randomness, URL-safe
    # Nowhere in the table: not as a column value of any row.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(token in str(value) for row in cursor.fetchall() for value in row)


def test_each_sign_in_gets_its_own_token_with_its_own_expiry(org):
    phone, first = sign_in(agent="phone")
    ApiToken.objects.update(created=timezone.now() - dt.timedelta(hours=11, minutes=59))
    ApiToken.objects.update(expires=timezone.now() + dt.timedelta(minutes=1))
    laptop, second = sign_in(agent="laptop")
    assert second != first
    newest = ApiToken.objects.order_by("-created").first()
    assert newest.expires - newest.created == dt.timedelta(hours=12)
    assert phone.get("/api/me/").status_code == 200
    assert laptop.get("/api/me/").status_code == 200


def test_expired_token_is_refused_and_removed(org):
    client, token = sign_in()
    ApiToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    r = client.get("/api/me/")
    assert r.status_code == 401
    assert set(r.json()) >= {"code", "detail", "messages", "problems"}
    assert not ApiToken.objects.exists()


def test_unknown_and_malformed_tokens_are_refused(org):
    sign_in()
    for bad in ("x" * 43, "", "a b", "é" * 10):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {bad}")
        assert client.get("/api/me/").status_code == 401, bad


def test_a_user_lists_their_tokens_without_the_secret(org):
    phone, phone_token = sign_in(agent="Kinerja-Android/3.1")
    sign_in(agent="Mozilla/5.0 (X11; Linux)")
    sign_in(username="appraiser", agent="someone else")
    phone.get("/api/me/")
    r = phone.get("/api/auth/tokens/")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert len(rows) == 2
    assert {row["client"] for row in rows} == {"Kinerja-Android/3.1", "Mozilla/5.0 (X11; Linux)"}
    for row in rows:
        assert set(row) == {"id", "created", "expires", "last_used", "client", "current"}
        assert phone_token not in str(row)
    current = next(row for row in rows if row["current"])
    assert current["client"] == "Kinerja-Android/3.1" and current["last_used"] is not None


def test_revoking_one_token_leaves_the_others(org):
    phone, _ = sign_in(agent="phone")
    laptop, _ = sign_in(agent="laptop")
    rows = phone.get("/api/auth/tokens/").json()["results"]
    laptop_id = next(row["id"] for row in rows if row["client"] == "laptop")
    assert phone.delete(f"/api/auth/tokens/{laptop_id}/").status_code == 204
    assert laptop.get("/api/me/").status_code == 401
    assert phone.get("/api/me/").status_code == 200


def test_revoking_all_tokens(org):
    phone, _ = sign_in(agent="phone")
    laptop, _ = sign_in(agent="laptop")
    other, _ = sign_in(username="appraiser")
    assert phone.delete("/api/auth/tokens/").status_code == 204
    assert phone.get("/api/me/").status_code == 401
    assert laptop.get("/api/me/").status_code == 401
    assert other.get("/api/me/").status_code == 200


def test_logout_revokes_only_the_token_used(org):
    phone, _ = sign_in(agent="phone")
    laptop, _ = sign_in(agent="laptop")
    assert phone.post("/api/auth/logout/").status_code == 204
    assert phone.get("/api/me/").status_code == 401
    assert laptop.get("/api/me/").status_code == 200


def test_one_user_can_neither_see_nor_revoke_anothers_token(org):
    mine, _ = sign_in("employee")
    theirs, _ = sign_in("appraiser")
    their_id = theirs.get("/api/auth/tokens/").json()["results"][0]["id"]
    assert their_id not in {row["id"] for row in mine.get("/api/auth/tokens/").json()["results"]}
    r = mine.delete(f"/api/auth/tokens/{their_id}/")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found" and set(r.json()["messages"]) == {"id", "en"}
    assert theirs.get("/api/me/").status_code == 200


def test_authenticating_costs_one_lookup_by_hash(org):
    client, _ = sign_in()
    client.get("/api/me/")  # sets last_used
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/me/").status_code == 200
    table = ApiToken._meta.db_table
    token_queries = [q["sql"] for q in queries if table in q["sql"]]
    # One lookup by digest; last_used was written a moment ago, so not again.
    assert len(token_queries) == 1, token_queries
    assert "digest" in token_queries[0] and "UPDATE" not in token_queries[0]
