"""Accounts through the HTTP layer of a running server on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time

import pytest

from tests.harness import PASSWORD, Client, Server, signup_body, unique_username

PROBLEM = "application/problem+json"


def test_councils_lists_the_four_seed_councils_with_age_ranges(client: Client) -> None:
    r = client.get("/api/v1/councils")
    assert r.status_code == 200
    councils = {c["code"]: c for c in r.json()}
    assert {"E06000044", "E10000016", "E09000033", "E09000020"} <= set(councils)
    portsmouth = councils["E06000044"]
    assert set(portsmouth) == {"code", "name", "min_age", "max_age", "extended_max_age"}
    assert portsmouth["min_age"] == 11 and portsmouth["max_age"] == 18 and portsmouth["extended_max_age"] == 25


def test_signup_creates_account_session_and_recovery_code(client: Client, database) -> None:
    body = signup_body()
    r = client.post("/api/v1/auth/signup", json=body)
    assert r.status_code == 201, r.text
    user = r.json()["user"]
    assert user["username"] == body["username"] and user["role"] == "young_person"
    assert user["council_code"] == "E06000044" and set(user) == {"id", "username", "role", "council_code"}
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", r.json()["recovery_code"])
    cookie = r.headers["set-cookie"]
    assert "waymark_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/api/v1/me").json() == user
    # stored hashed: neither the password nor the recovery code appears in the row
    row = database.query("SELECT password_hash, recovery_code_hash FROM user_account WHERE id = $1::uuid", user["id"])[0]
    assert row["password_hash"].startswith("$argon2id$") and row["recovery_code_hash"].startswith("$argon2id$")
    assert body["password"] not in row["password_hash"]


def test_signup_records_an_anonymous_event(client: Client, database) -> None:
    before = database.query("SELECT count(*) AS n FROM usage_event WHERE kind = 'signup'")[0]["n"]
    assert client.post("/api/v1/auth/signup", json=signup_body(council_code="E10000016")).status_code == 201
    after = database.query("SELECT count(*) AS n FROM usage_event WHERE kind = 'signup'")[0]["n"]
    assert after == before + 1
    columns = {r["column_name"] for r in database.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'usage_event'")}
    assert not any("user" in c or "username" in c for c in columns)
    last = database.query("SELECT * FROM usage_event WHERE kind = 'signup' ORDER BY id DESC LIMIT 1")[0]
    assert last["council_code"] == "E10000016" and last["age_band"] in {"14-15", "16-17"}
    assert 0 <= last["local_hour"] <= 23


def test_duplicate_username_is_409_whatever_the_case(client: Client, make_client) -> None:
    body = signup_body()
    assert client.post("/api/v1/auth/signup", json=body).status_code == 201
    other = make_client()
    r = other.post("/api/v1/auth/signup", json={**body, "username": body["username"].upper()})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith(PROBLEM) and r.json()["status"] == 409 and r.json()["detail"]


def _year_for_age(age: int) -> int:
    today = dt.date.today()
    return today.year - age - (1 if today.month < 1 else 0)


@pytest.mark.parametrize(("age", "extended", "council", "ok"), [
    (10, None, "E06000044", False),          # under 11
    (11, None, "E06000044", True),
    (18, None, "E06000044", True),
    (20, None, "E06000044", False),          # over Portsmouth's 18 ...
    (20, "care_leaver", "E06000044", True),  # ... but a care leaver is eligible to 25
    (24, "ehcp", "E10000016", True),
    (26, "ehcp", "E10000016", False),
    (24, None, "E09000033", True),           # Westminster serves to 25
])
def test_eligibility_follows_the_council_age_range(make_client, age, extended, council, ok) -> None:
    body = signup_body(birth_month=1, birth_year=_year_for_age(age), council_code=council)
    if extended:
        body["extended_eligibility"] = extended
    r = make_client().post("/api/v1/auth/signup", json=body)
    if ok:
        assert r.status_code == 201, r.text
    else:
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "not_eligible"
        assert "0800 1111" in r.json()["detail"] or "85258" in r.json()["detail"]  # never a dead end


@pytest.mark.parametrize(("overrides", "code"), [
    ({"username": "me@example.com"}, "bad_username"),
    ({"username": "07700900123"}, "bad_username"),
    ({"username": "sam2010"}, "bad_username"),
    ({"username": "ab"}, "bad_username"),
    ({"username": "has space"}, "bad_username"),
    ({"username": "Admin"}, "bad_username"),
    ({"password": "short"}, "weak_password"),
    ({"password": "password123"}, "weak_password"),
    ({"password": "aaaaaaaaaaaa"}, "weak_password"),
    ({"council_code": "E99999999"}, "unknown_council"),
    ({"birth_year": dt.date.today().year + 1}, "bad_birth_date"),
])
def test_signup_rejects_bad_values_with_a_reason(client: Client, overrides, code) -> None:
    r = client.post("/api/v1/auth/signup", json=signup_body(**overrides))
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == code and r.json()["detail"]


def test_password_may_not_contain_the_username(client: Client) -> None:
    name = unique_username()
    r = client.post("/api/v1/auth/signup", json=signup_body(username=name, password=f"{name} and more"))
    assert r.status_code == 400 and r.json()["code"] == "weak_password"


@pytest.mark.parametrize("body", [
    {},
    {"username": "someone"},
    {"username": 5, "password": PASSWORD, "birth_month": 5, "birth_year": 2010, "council_code": "E06000044"},
    {"username": "someone_ok", "password": PASSWORD, "birth_month": "May", "birth_year": 2010, "council_code": "E06000044"},
    {"username": "someone_ok", "password": PASSWORD, "birth_month": 13, "birth_year": 2010, "council_code": "E06000044"},
    {"username": "someone_ok", "password": PASSWORD, "birth_month": 5, "birth_year": 2010, "council_code": "E06000044",
     "extended_eligibility": "vip"},
    {"username": "x" * 5000, "password": PASSWORD, "birth_month": 5, "birth_year": 2010, "council_code": "E06000044"},
    [1, 2, 3],
])
def test_signup_with_missing_or_wrong_typed_fields_is_400(client: Client, body) -> None:
    r = client.post("/api/v1/auth/signup", json=body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM) and r.json()["detail"]


def test_not_json_is_400(client: Client) -> None:
    r = client.post("/api/v1/auth/signup", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_oversize_body_is_refused(client: Client) -> None:
    body = signup_body(username="x" * 2_000_000)
    r = client.post("/api/v1/auth/signup", json=body)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith(PROBLEM)


def test_unsafe_request_without_csrf_header_is_403(client: Client) -> None:
    client.get("/api/v1/councils")
    r = client.http.post("/api/v1/auth/signup", json=signup_body())
    assert r.status_code == 403
    r = client.http.post("/api/v1/auth/signup", json=signup_body(), headers={"x-csrftoken": "forged"})
    assert r.status_code == 403


def test_login_rotates_the_session_and_logout_ends_it(young_person, make_client, database) -> None:
    yp = young_person()
    fresh = make_client()
    fresh.get("/api/v1/councils")
    fresh.http.cookies.set("waymark_session", "attacker-chosen-id", domain="127.0.0.1")
    r = fresh.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD})
    assert r.status_code == 200 and r.json() == {"user": {k: yp.user[k] for k in ("id", "username", "role", "council_code")}}
    new_id = fresh.http.cookies.get("waymark_session")
    assert new_id and new_id != "attacker-chosen-id"  # no session fixation
    assert database.query("SELECT count(*) AS n FROM web_session WHERE session_id = $1", new_id)[0]["n"] == 1
    assert fresh.get("/api/v1/me").status_code == 200
    assert fresh.post("/api/v1/auth/logout").status_code == 204
    assert fresh.get("/api/v1/me").status_code == 401
    assert database.query("SELECT count(*) AS n FROM web_session WHERE session_id = $1", new_id)[0]["n"] == 0


def test_anonymous_visits_make_no_session(client: Client, database) -> None:
    before = database.query("SELECT count(*) AS n FROM web_session")[0]["n"]
    for _ in range(3):
        r = client.get("/api/v1/councils")
        assert "waymark_session" not in r.headers.get("set-cookie", "")
    assert database.query("SELECT count(*) AS n FROM web_session")[0]["n"] == before


def test_logout_needs_a_session(client: Client) -> None:
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_unknown_user_and_wrong_password_get_the_same_answer(young_person, make_client) -> None:
    yp = young_person()
    a = make_client(address="198.51.100.10").post("/api/v1/auth/login", json={"username": yp.user["username"], "password": "wrong password!"})
    b = make_client(address="198.51.100.11").post("/api/v1/auth/login", json={"username": unique_username(), "password": "wrong password!"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_unknown_user_takes_about_as_long_as_a_wrong_password(young_person, make_client) -> None:
    """Both paths run one argon2 verification; the bound is loose so a noisy machine passes."""
    yp = young_person()

    def timed(name: str, address: str) -> float:
        c = make_client(address=address)
        c.get("/api/v1/councils")
        start = time.perf_counter()
        c.post("/api/v1/auth/login", json={"username": name, "password": "wrong password!"})
        return time.perf_counter() - start

    known = statistics.median(timed(yp.user["username"] if i < 2 else unique_username("k"), f"198.51.100.{20 + i}") for i in range(2))
    unknown = statistics.median(timed(unique_username(), f"198.51.100.{30 + i}") for i in range(3))
    assert 1 / 3 < unknown / known < 3


def test_login_is_throttled_per_account_with_retry_after(young_person, make_client) -> None:
    yp = young_person()
    for i in range(5):
        r = make_client(address=f"203.0.113.{i + 1}").post("/api/v1/auth/login",
                                                             json={"username": yp.user["username"], "password": "not my password"})
        assert r.status_code == 401
    r = make_client(address="203.0.113.50").post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0 and r.json()["detail"]


def test_login_is_throttled_per_address(make_client) -> None:
    address = "192.0.2.77"
    for _ in range(20):
        r = make_client(address=address).post("/api/v1/auth/login", json={"username": unique_username(), "password": "nope nope nope"})
        assert r.status_code == 401
    r = make_client(address=address).post("/api/v1/auth/login", json={"username": unique_username(), "password": "nope nope nope"})
    assert r.status_code == 429 and "retry-after" in r.headers
    # another address is not affected
    r = make_client(address="192.0.2.78").post("/api/v1/auth/login", json={"username": unique_username(), "password": "nope nope nope"})
    assert r.status_code == 401


def test_login_records_an_anonymous_event(young_person, make_client, database) -> None:
    yp = young_person(council_code="E09000020")
    before = database.query("SELECT count(*) AS n FROM usage_event WHERE kind = 'login' AND council_code = 'E09000020'")[0]["n"]
    assert make_client().post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD}).status_code == 200
    after = database.query("SELECT count(*) AS n FROM usage_event WHERE kind = 'login' AND council_code = 'E09000020'")[0]["n"]
    assert after == before + 1


def test_login_rejects_bad_bodies(client: Client) -> None:
    assert client.post("/api/v1/auth/login", json={"username": "someone"}).status_code == 400
    assert client.post("/api/v1/auth/login", json={"username": "", "password": "x"}).status_code == 400
    assert client.post("/api/v1/auth/login", json={"username": "a", "password": "b" * 300}).status_code == 400


def test_staff_log_in_with_their_email(staff) -> None:
    counsellor = staff("counsellor")
    me = counsellor.get("/api/v1/me").json()
    assert me["role"] == "counsellor" and "@" in me["username"]


def test_me_needs_login(client: Client) -> None:
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)


def test_export_holds_the_account_and_is_for_young_people_only(young_person, staff, client: Client) -> None:
    yp = young_person(extended_eligibility="care_leaver", birth_year=_year_for_age(20), birth_month=1)
    data = yp.get("/api/v1/me/export").json()
    assert data["account"]["username"] == yp.user["username"]
    assert data["account"]["extended_eligibility"] == "care_leaver" and data["account"]["birth_month"] == 1
    assert "password_hash" not in str(data) and "recovery" not in str(data["account"])
    assert staff("counsellor").get("/api/v1/me/export").status_code == 403
    assert client.get("/api/v1/me/export").status_code == 401


def test_delete_removes_the_account_and_signs_out(young_person, make_client, database, staff, client: Client) -> None:
    yp = young_person()
    uid = yp.user["id"]
    assert yp.delete("/api/v1/me").status_code == 204
    assert yp.get("/api/v1/me").status_code == 401
    assert database.query("SELECT count(*) AS n FROM user_account WHERE id = $1::uuid", uid)[0]["n"] == 0
    r = make_client().post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD})
    assert r.status_code == 401
    assert staff("moderator").delete("/api/v1/me").status_code == 403
    assert client.delete("/api/v1/me").status_code == 401


def test_deleted_account_other_sessions_stop_working(young_person, make_client) -> None:
    yp = young_person()
    second = make_client()
    assert second.post("/api/v1/auth/login", json={"username": yp.user["username"], "password": PASSWORD}).status_code == 200
    assert yp.delete("/api/v1/me").status_code == 204
    assert second.get("/api/v1/me").status_code == 401


def test_recovery_code_sets_a_new_password_once(young_person, make_client) -> None:
    yp = young_person()
    name, code = yp.user["username"], yp.user["recovery_code"]
    c = make_client()
    r = c.post("/api/v1/auth/recover", json={"username": name, "recovery_code": code.lower().replace("-", " "),
                                             "new_password": "green lantern mountain"})
    assert r.status_code == 200, r.text
    new_code = r.json()["recovery_code"]
    assert new_code != code and c.get("/api/v1/me").status_code == 200
    assert make_client().post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).status_code == 401
    assert make_client().post("/api/v1/auth/login", json={"username": name, "password": "green lantern mountain"}).status_code == 200
    again = make_client().post("/api/v1/auth/recover", json={"username": name, "recovery_code": code, "new_password": "another long phrase"})
    assert again.status_code == 401


def test_sessions_live_in_postgresql_and_survive_a_restart(young_person, server_env, server: Server) -> None:
    yp = young_person()
    other = Server(env=server_env).start()  # a second process on the same database
    try:
        c = Client(other.base_url)
        c.http.cookies.set("waymark_session", yp.http.cookies.get("waymark_session"), domain="127.0.0.1")
        assert c.get("/api/v1/me").json()["id"] == yp.user["id"]
        c.close()
    finally:
        other.stop()


def test_health_schema_metrics_and_security_headers(client: Client) -> None:
    assert client.get("/health/live").json() == {"status": "live"}
    assert client.get("/health/ready").status_code == 200
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/auth/signup" in schema["paths"] and "/api/v1/me" in schema["paths"]
    client.get("/api/v1/councils")
    assert "waymark_requests_total" in client.get("/metrics").text
    r = client.get("/api/v1/councils")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "geolocation=()" in r.headers["permissions-policy"]


def test_unknown_api_path_is_a_problem_404(client: Client) -> None:
    r = client.get("/api/v1/does-not-exist")
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)


def test_a_session_read_does_not_write_until_its_expiry_is_getting_old(young_person, database) -> None:
    # three sessions, each in one state, and one wait past the worker's short memory of them
    fresh, old, expired = (young_person() for _ in range(3))
    sid = {who: who.http.cookies.get("waymark_session") for who in (fresh, old, expired)}

    def expiry(who):
        return database.query("SELECT expires_at FROM web_session WHERE session_id = $1", sid[who])[0]["expires_at"]

    from backend.security import SESSION_CACHE_SECONDS

    first = expiry(fresh)
    database.query("UPDATE web_session SET expires_at = now() + interval '2 days' WHERE session_id = $1", sid[old])
    database.query("UPDATE web_session SET expires_at = now() - interval '1 minute' WHERE session_id = $1", sid[expired])
    time.sleep(SESSION_CACHE_SECONDS + 0.5)  # past the worker's short memory of these sessions
    assert fresh.get("/api/v1/me").status_code == 200
    assert expiry(fresh) == first  # a fresh session is read without a write
    assert old.get("/api/v1/me").status_code == 200
    assert expiry(old) > first - dt.timedelta(minutes=1)  # an older one is renewed to the full age
    assert expired.get("/api/v1/me").status_code == 401  # an expired one is gone


def test_logging_out_ends_the_session_at_once_despite_the_cache(young_person) -> None:
    yp = young_person()
    assert yp.get("/api/v1/me").status_code == 200  # now remembered by the worker
    cookie = yp.http.cookies.get("waymark_session")
    assert yp.post("/api/v1/auth/logout").status_code == 204
    yp.http.cookies.set("waymark_session", cookie, domain="127.0.0.1")  # an old copy of the cookie
    assert yp.get("/api/v1/me").status_code == 401
