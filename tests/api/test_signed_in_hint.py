"""The signed-in hint: a readable, non-personal cookie that travels with the session cookie,
so the PWA does not ask GET /api/v1/me (and get a 401) on a phone that has no session."""

from __future__ import annotations

import httpx

from tests.harness import PASSWORD, Client, signup_body

HINT = "waymark_signed_in"


def set_cookies(r: httpx.Response, name: str) -> list[str]:
    return [c for c in r.headers.get_list("set-cookie") if c.startswith(f"{name}=")]


def attributes(cookie: str) -> dict[str, str]:
    parts = [p.strip() for p in cookie.split(";")[1:]]
    return {k.lower(): v for k, _, v in (p.partition("=") for p in parts)}


def test_signing_up_sets_the_hint_with_the_session_readable_and_nothing_personal(make_client) -> None:
    c = make_client()
    r = c.post("/api/v1/auth/signup", json=signup_body())
    assert r.status_code == 201
    [session], [hint] = set_cookies(r, "waymark_session"), set_cookies(r, HINT)
    assert hint.split(";")[0] == f"{HINT}=1"  # the value says nothing about who
    assert "httponly" not in attributes(hint) and "httponly" in attributes(session)
    for same in ("max-age", "path", "samesite"):
        assert attributes(hint)[same] == attributes(session)[same]


def test_log_in_sets_it_and_log_out_removes_it(young_person, make_client) -> None:
    yp = young_person()
    fresh = make_client()
    r = fresh.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD})
    assert r.status_code == 200 and fresh.http.cookies.get(HINT) == "1"
    r = fresh.post("/api/v1/auth/logout")
    assert r.status_code == 204
    [gone] = set_cookies(r, HINT)
    assert attributes(gone)["max-age"] == "0"
    assert fresh.http.cookies.get(HINT) is None
    [session_gone] = set_cookies(r, "waymark_session")  # deleted, not kept as the value "null"
    assert attributes(session_gone)["max-age"] == "0"
    assert fresh.http.cookies.get("waymark_session") is None


def test_anonymous_visitors_and_failed_log_ins_get_no_hint(young_person, client: Client) -> None:
    yp = young_person()
    for path in ("/", "/api/v1/councils", "/api/v1/me"):
        assert not set_cookies(client.get(path), HINT)
    r = client.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": "not the password"})
    assert r.status_code == 401 and not set_cookies(r, HINT)


def test_a_session_that_ended_elsewhere_takes_the_hint_with_it(young_person, make_client) -> None:
    yp = young_person()
    other = make_client()
    assert other.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD}).status_code == 200
    assert other.post("/api/v1/me/logout-everywhere").status_code == 204
    r = yp.get("/api/v1/me")  # this phone's session was ended from the other one
    assert r.status_code == 401
    [gone] = set_cookies(r, HINT)
    assert attributes(gone)["max-age"] == "0"


def test_the_hint_alone_signs_nobody_in(make_client) -> None:
    c = make_client()
    c.http.cookies.set(HINT, "1", domain="127.0.0.1")
    assert c.get("/api/v1/me").status_code == 401
