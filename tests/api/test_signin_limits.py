"""Sign-in guessing is limited per client address and per account, on every way in.

The client address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies stand in
front (then the entry the nearest trusted proxy appended to X-Forwarded-For):
a header the client writes itself never makes a new address.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def api_login(username: str, password: str, **extra) -> int:
    client = APIClient(raise_request_exception=False)
    return client.post(TOKEN, {"username": username, "password": password}, **extra).status_code


def test_a_forged_forwarded_for_is_no_new_address_for_the_api_throttle(org, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    statuses = [
        api_login(f"user{n}", "salah", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_behind_a_trusted_proxy_the_address_it_appended_counts(org, monkeypatch, settings):
    settings.KINERJA_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # One client writing its own X-Forwarded-For: the proxy appends the real address last.
    forged = [
        api_login("x", "salah", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7", **proxy)
        for n in range(4)
    ]
    assert forged == [400, 400, 400, 429]
    # Another client behind the same proxy is not held by the first one's guesses.
    assert api_login("x", "salah", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy) == 400


def test_web_sign_in_takes_the_address_the_same_way(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 2
    settings.KINERJA_TRUSTED_PROXY_COUNT = 1
    web = Client(REMOTE_ADDR="10.0.0.1")  # every request arrives through the proxy
    # Three people behind the proxy each mistype once: no address is held.
    for n, persona in enumerate(("employee", "appraiser", "superior", "panel")):
        guess = {"username": persona, "password": "salah"}
        assert web.post("/login/", guess, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 200
    # One of them guessing on: their own address is held, forged prefixes or not.
    held = [
        web.post(
            "/login/",
            {"username": f"nobody{n}", "password": "salah"},
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 198.51.100.9",
        ).status_code
        for n in range(3)
    ]
    assert held == [200, 200, 429]


def test_api_sign_in_limits_guesses_per_account_from_many_addresses(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    statuses = [api_login("employee", "salah", REMOTE_ADDR=f"10.0.1.{n}") for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Even the right password waits now, from yet another address.
    r = APIClient().post(
        TOKEN, {"username": "employee", "password": "rahasia-123"}, REMOTE_ADDR="10.0.1.99"
    )
    assert r.status_code == 429
    assert r.json()["code"] == "throttled" and set(r.json()["messages"]) == {"id", "en"}
    assert "Retry-After" in r


def test_web_and_api_count_one_account_together(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    guess = {"username": "employee", "password": "salah"}
    assert Client(REMOTE_ADDR="10.0.2.1").post("/login/", guess).status_code == 200
    assert Client(REMOTE_ADDR="10.0.2.2").post("/login/", guess).status_code == 200
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.2.3") == 400
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.2.4") == 429
    assert Client(REMOTE_ADDR="10.0.2.5").post("/login/", guess).status_code == 429


def test_an_api_sign_in_clears_the_accounts_count_and_gives_back_the_address(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 2
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.3.1") == 400
    assert api_login("employee", "rahasia-123", REMOTE_ADDR="10.0.3.2") == 200
    # The account starts again from nothing...
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.3.3") == 400
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.3.4") == 400
    assert api_login("employee", "salah", REMOTE_ADDR="10.0.3.5") == 429
    # ...and sign-ins from one office address do not use it up.
    for _ in range(4):
        assert api_login("appraiser", "rahasia-123", REMOTE_ADDR="10.0.3.9") == 200
    assert api_login("nobody", "salah", REMOTE_ADDR="10.0.3.9") == 400


FULL_WIDTH = "ｅｍｐｌｏｙｅｅ"  # "employee" in full-width letters: NFKC makes it "employee"


def test_a_look_alike_username_is_the_same_account_for_the_web_lock(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    guess = {"username": "employee", "password": "salah"}
    for n in range(3):
        assert Client(REMOTE_ADDR=f"10.0.4.{n}").post("/login/", guess).status_code == 200
    # The sign-in form normalises the name (NFKC) and would sign this in: it is held too.
    right = {"username": FULL_WIDTH, "password": "rahasia-123"}
    web = Client(REMOTE_ADDR="10.0.4.9")
    assert web.post("/login/", right).status_code == 429
    assert "_auth_user_id" not in web.session
    padded = {"username": f"  {FULL_WIDTH} ", "password": "rahasia-123"}
    assert Client(REMOTE_ADDR="10.0.4.10").post("/login/", padded).status_code == 429


def test_guesses_under_a_look_alike_name_count_against_the_account(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    for n in range(3):
        guess = {"username": FULL_WIDTH, "password": "salah"}
        assert Client(REMOTE_ADDR=f"10.0.5.{n}").post("/login/", guess).status_code == 200
    assert api_login("employee", "rahasia-123", REMOTE_ADDR="10.0.5.9") == 429


def test_names_that_differ_in_case_are_different_accounts(org, settings):
    """The lookup compares exactly (ModelBackend, case-sensitive): `Employee` is not
    `employee`, so guesses at one do not hold the other."""
    settings.KINERJA_LOGIN_FAILURES = 2
    for n in range(3):
        assert api_login("EMPLOYEE", "salah", REMOTE_ADDR=f"10.0.6.{n}") == (400 if n < 2 else 429)
    assert api_login("employee", "rahasia-123", REMOTE_ADDR="10.0.6.9") == 200


ADMIN_LOGIN = "/admin/login/?next=/admin/"


def test_the_admin_sign_in_is_held_after_too_many_failures(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    staff = org.users["hr_admin"]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    admin = Client()
    guess = {"username": "hr_admin", "password": "salah"}
    assert [admin.post(ADMIN_LOGIN, guess).status_code for _ in range(4)] == [200, 200, 200, 429]
    held = admin.post(ADMIN_LOGIN, {"username": "hr_admin", "password": "rahasia-123"})
    assert held.status_code == 429
    assert "Terlalu banyak percobaan masuk" in held.content.decode()  # Indonesian first
    assert "_auth_user_id" not in admin.session
    # Per account too: from another address, the account is still held...
    elsewhere = Client(REMOTE_ADDR="10.0.7.1")
    right = {"username": "hr_admin", "password": "rahasia-123"}
    assert elsewhere.post(ADMIN_LOGIN, right).status_code == 429


def test_the_admin_shares_the_counts_and_a_success_clears_the_account(org, settings):
    settings.KINERJA_LOGIN_FAILURES = 3
    staff = org.users["hr_admin"]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    guess = {"username": "hr_admin", "password": "salah"}
    assert Client(REMOTE_ADDR="10.0.8.1").post("/login/", guess).status_code == 200
    assert api_login("hr_admin", "salah", REMOTE_ADDR="10.0.8.2") == 400
    right = {"username": "hr_admin", "password": "rahasia-123"}
    admin = Client(REMOTE_ADDR="10.0.8.3")
    assert admin.post(ADMIN_LOGIN, right).status_code == 302
    assert admin.get("/admin/").status_code == 200
    # The success cleared the account: three more guesses before it is held.
    statuses = [
        Client(REMOTE_ADDR=f"10.0.8.{10 + n}").post(ADMIN_LOGIN, guess).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # A non-staff account with its right password is a failed admin sign-in, and counts.
    settings.KINERJA_LOGIN_FAILURES = 1
    employee = {"username": "employee", "password": "rahasia-123"}
    assert Client(REMOTE_ADDR="10.0.9.1").post(ADMIN_LOGIN, employee).status_code == 200
    assert Client(REMOTE_ADDR="10.0.9.2").post(ADMIN_LOGIN, employee).status_code == 429
