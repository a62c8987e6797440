"""Hardening (issue 12): what a black-box probe found, tried again through HTTP and the
WebSocket of a running server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.chat_client import ChatSocket
from tests.harness import PASSWORD, ROOT, Client, Server, signup_body

PROBLEM = "application/problem+json"


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_problem(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    body = r.json()
    assert body["status"] == status and body["detail"]
    if code:
        assert body["code"] == code, body
    return body


# --- every problem has a code (issue 11) ---------------------------------------------------

def test_every_problem_has_a_code(client: Client, young_person) -> None:
    """Litestar's own refusals (no route, a guard, a method) and a rule's refusal that names no
    code of its own all carry the code of their kind."""
    assert_problem(client.get("/api/v1/no-such"), 404, "not_found")
    assert_problem(client.get("/api/v1/me"), 401, "not_logged_in")
    assert_problem(client.delete("/api/v1/councils"), 405, "method_not_allowed")
    yp = young_person()
    assert_problem(yp.get("/api/v1/moderation/queue"), 403, "forbidden")
    assert_problem(yp.get("/api/v1/boards/no-such-board/threads"), 404, "not_found")


# --- 8. security headers on everything ----------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/index.html", "/js/app.js", "/manifest.webmanifest", "/api/v1/councils",
                                  "/api/v1/me", "/no/such/page", "/api/v1/no-such", "/health/live"])
def test_every_answer_carries_the_security_headers(client: Client, path: str) -> None:
    r = client.get(path)
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, (path, r.status_code, r.headers)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in r.headers["permissions-policy"]
    assert "strict-transport-security" not in r.headers  # only in production (see below)


def test_a_refused_unsafe_request_carries_them_too(client: Client) -> None:
    r = client.http.post("/api/v1/auth/login", json={"username": "x", "password": "y"})  # no CSRF header
    assert r.status_code == 403
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


# --- 2. NUL characters ------------------------------------------------------------------

NUL = "a\u0000b"


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/auth/login", {"username": NUL, "password": "purple tractor sunrise"}),
    ("/api/v1/auth/signup", None),
    ("/api/v1/auth/recover", {"username": NUL, "recovery_code": "ABCD", "new_password": "x" * 12}),
])
def test_a_nul_character_in_a_body_is_a_400(client: Client, path: str, body: dict | None) -> None:
    body = body or signup_body(username=NUL)
    assert_problem(client.post(path, json=body), 400, "nul_character")


def test_a_nul_in_signed_in_bodies_path_and_query_is_a_400(young_person, server: Server) -> None:
    yp = young_person()
    assert_problem(yp.post("/api/v1/journal", json={"body": f"today {NUL}"}), 400, "nul_character")
    assert_problem(yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "hello there", "body": NUL}), 400)
    assert_problem(yp.post("/api/v1/push/subscriptions", json={"endpoint": f"https://fcm.googleapis.com/{NUL}",
                                                               "keys": {"p256dh": NUL, "auth": NUL}}), 400)
    assert_problem(yp.get("/api/v1/articles", params={"q": NUL}), 400, "nul_character")
    assert_problem(yp.get("/api/v1/articles/a%00b"), 400, "nul_character")
    assert_problem(yp.get("/api/v1/boards/x%00y/threads"), 400, "nul_character")
    # an escaped backslash before u0000 is ordinary text, not a NUL
    r = yp.post("/api/v1/journal", json={"body": "a path C:\\u0000 is fine"})
    assert r.status_code == 201, r.text
    assert yp.get(f"/api/v1/journal/{r.json()['id']}").json()["body"] == "a path C:\\u0000 is fine"


def test_no_sql_parameters_or_bodies_reach_the_log(young_person, server: Server) -> None:
    yp = young_person()
    marker = "zqxmarkerzqx"
    yp.post("/api/v1/journal", json={"body": f"{marker} {NUL}"})
    yp.get("/api/v1/articles", params={"q": f"{marker}\u0000"})
    yp.post("/api/v1/auth/login", json={"username": marker, "password": 5})
    log = server.log_path.read_text()
    assert marker not in log
    assert "[parameters:" not in log and "sql_params" not in log.lower()


# --- 3. deeply nested JSON --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/signup", "/api/v1/journal", "/api/v1/mood",
                                  "/api/v1/push/subscriptions", "/api/v1/chat/requests"])
def test_deeply_nested_json_is_a_400(young_person, path: str) -> None:
    yp = young_person()
    for body in (deep(1000), '{"username": ' + deep(1000) + "}"):
        r = yp.post(path, content=body, headers={"content-type": "application/json"})
        assert_problem(r, 400, "too_deep")


def test_ordinary_nesting_is_fine(young_person) -> None:
    yp = young_person()
    r = yp.post("/api/v1/mood", json={"score": 3, "feelings": ["calm", "tired"]})
    assert r.status_code == 201, r.text


def test_a_deep_or_nul_frame_gets_an_error_frame_and_the_socket_stays_open(young_person, server: Server) -> None:
    yp = young_person()
    ws = ChatSocket(server.base_url, yp)
    try:
        ws.send(deep(1000))
        assert ws.wait_for("error")["code"] == "too_deep"
        ws.send(json.dumps({"type": "typing", "session_id": "x\u0000"}))
        assert ws.wait_for("error")["code"] == "nul_character"
        ws.send("not json")
        assert ws.wait_for("error")["code"] == "bad_frame"  # still open and answering
    finally:
        ws.close()


# --- 10. the WebSocket origin's scheme ----------------------------------------------------

def test_the_websocket_origin_must_match_the_scheme_too(young_person, server: Server) -> None:
    yp = young_person()
    https_origin = server.base_url.replace("http://", "https://")
    with pytest.raises(ConnectionClosed) as refused:
        ws = ChatSocket(server.base_url, yp, origin=https_origin)
        ws.wait_for("never", timeout=5)
    assert refused.value.rcvd.code == 4403
    ws = ChatSocket(server.base_url, yp)  # the same scheme, host and port: accepted
    ws.send("{}")
    assert ws.wait_for("error")["code"] == "bad_frame"
    ws.close()


# --- 7. client errors are not logged as errors ------------------------------------------

def test_client_errors_leave_no_error_lines_and_no_queries(client: Client, server: Server) -> None:
    before = server.log_path.read_text()
    for _ in range(20):
        client.get("/api/v1/me")
    client.get("/api/v1/mood", params={"days": "secretqueryvalue"})
    client.get("/api/v1/articles/not-an-article-at-all")
    added = server.log_path.read_text()[len(before):]
    assert "secretqueryvalue" not in added
    lines = [json.loads(line) for line in added.splitlines() if line.startswith("{")]
    assert not [line for line in lines if line.get("level") in ("error", "critical", "warning")], added[:2000]
    assert "Traceback" not in added


def test_validation_errors_do_not_echo_the_query(young_person) -> None:
    yp = young_person()
    body = assert_problem(yp.get("/api/v1/mood", params={"days": "secretqueryvalue"}), 400)
    assert "secretqueryvalue" not in json.dumps(body) and body["errors"]


# --- 9. /metrics --------------------------------------------------------------------------

def test_metrics_only_for_the_internal_network(client: Client, server: Server) -> None:
    assert httpx.get(f"{server.base_url}/metrics").status_code == 200  # loopback, no proxy in between
    # through a proxy (the test client plays one): a public address is refused
    proxied = httpx.get(f"{server.base_url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 404 and "waymark_requests_total" not in proxied.text


def test_metrics_count_refused_requests_with_their_status(client: Client, server: Server) -> None:
    for _ in range(3):
        assert client.http.post("/api/v1/auth/logout").status_code == 403  # no CSRF header
    text = httpx.get(f"{server.base_url}/metrics").text
    lines = [ln for ln in text.splitlines() if ln.startswith("waymark_requests_total{")
             and 'path="/api/v1/auth/logout"' in ln]
    assert any('status_code="403"' in ln for ln in lines), lines
    assert not any('status_code="200"' in ln and 'method="POST"' in ln for ln in lines), lines


@pytest.fixture(scope="module")
def production_server(server_env: dict[str, str]):
    env = {**server_env, "WAYMARK_ENV": "production", "WAYMARK_METRICS_TOKEN": "metrics-token-for-tests",
           "WAYMARK_MODERATION_WARM_UP": "0", "WAYMARK_HOUSEKEEPING_SECONDS": "1"}
    srv = Server(env=env).start()
    yield srv
    srv.stop()


def test_production_sends_hsts_and_metrics_need_the_token(production_server: Server) -> None:
    base = production_server.base_url
    r = httpx.get(f"{base}/")
    assert r.status_code == 200 and "max-age=" in r.headers["strict-transport-security"]
    assert httpx.get(f"{base}/metrics").status_code == 404
    assert httpx.get(f"{base}/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = httpx.get(f"{base}/metrics", headers={"Authorization": "Bearer metrics-token-for-tests"})
    assert ok.status_code == 200 and "waymark_" in ok.text


# --- 1. the compose file trusts no client-written address ---------------------------------

def test_compose_does_not_trust_every_forwarded_address() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r"FORWARDED_ALLOW_IPS:\s*(.+)", compose)
    assert match and "*" not in match.group(1), match


def test_readme_documents_the_settings() -> None:
    readme = Path(ROOT / "README.md").read_text()
    assert "WAYMARK_METRICS_TOKEN" in readme


# --- 1 and 4. password guessing -------------------------------------------------------------

LOGIN = "/api/v1/auth/login"


def guess(make_client, username: str, address: str, password: str = "not my password") -> httpx.Response:  # noqa: S107
    return make_client(address=address).post(LOGIN, json={"username": username, "password": password})


def test_a_long_forwarded_address_is_counted_not_a_500(young_person, make_client, database) -> None:
    yp = young_person()
    name = yp.user["username"]
    for i in range(5):
        r = guess(make_client, name, f"{i}" + "x" * 200)
        assert r.status_code == 401, r.text
    # every failure counted: the right password must now wait
    r = guess(make_client, name, "y" * 300, PASSWORD)
    assert_problem(r, 429, "too_many_tries")
    keys = [row["key"] for row in database.query("SELECT key FROM login_throttle")]
    assert keys and max(len(k) for k in keys) <= 80
    assert not any("xxxx" in k or name in k for k in keys)


def test_strangers_can_delay_the_owner_for_a_minute_at_most(young_person, make_client, database) -> None:
    yp = young_person()
    name = yp.user["username"]
    waits = []
    for i in range(12):
        database.query("UPDATE login_throttle SET locked_until = NULL")  # as if each guess waited its turn
        r = guess(make_client, name, f"198.51.100.{i + 1}")
        assert r.status_code == 401
    r = guess(make_client, name, "198.51.100.99", PASSWORD)
    waits.append(int(r.headers["retry-after"]))
    assert r.status_code == 429 and 0 < waits[0] <= 61


def test_a_device_that_signed_in_before_gets_through(young_person, make_client) -> None:
    yp = young_person()  # signing up remembers this device
    name = yp.user["username"]
    assert yp.post("/api/v1/auth/logout").status_code == 204
    for i in range(8):
        guess(make_client, name, f"198.51.100.{i + 20}")
    assert guess(make_client, name, "198.51.100.40", PASSWORD).status_code == 429  # a new device waits
    r = yp.post(LOGIN, json={"username": name, "password": PASSWORD})  # the owner's phone does not
    assert r.status_code == 200, r.text
    assert yp.get("/api/v1/me").json()["username"] == name
    # the device token is for that account only, and is not readable
    cookie = yp.http.cookies.get("waymark_device")
    assert cookie and name not in cookie and yp.user["id"] not in cookie


def test_a_forged_device_cookie_does_not_help(young_person, make_client) -> None:
    yp = young_person()
    name = yp.user["username"]
    for i in range(6):
        guess(make_client, name, f"198.51.100.{i + 60}")
    forger = make_client(address="198.51.100.80")
    forger.http.cookies.set("waymark_device", "0" * 32, path="/api/v1/auth")
    assert forger.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 429


def test_the_recovery_code_gets_through_a_delayed_log_in(young_person, make_client) -> None:
    yp = young_person()
    name = yp.user["username"]
    for i in range(8):
        guess(make_client, name, f"198.51.100.{i + 100}")
    other = make_client(address="198.51.100.120")
    assert other.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 429
    r = other.post("/api/v1/auth/recover", json={"username": name, "recovery_code": yp.user["recovery_code"],
                                                 "new_password": "green kettle meadow"})
    assert r.status_code == 200, r.text
    assert other.get("/api/v1/me").json()["username"] == name


def test_throttle_rows_are_purged_on_a_schedule(production_server: Server, database) -> None:
    import time

    database.query("INSERT INTO login_throttle (key, failures, window_started_at, locked_until) "
                   "VALUES ('old-test-row', 3, now() - interval '1 hour', now() - interval '30 minutes'), "
                   "('live-test-row', 3, now(), now() + interval '1 minute')")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and database.query("SELECT 1 FROM login_throttle WHERE key = 'old-test-row'"):
        time.sleep(0.3)
    assert not database.query("SELECT 1 FROM login_throttle WHERE key = 'old-test-row'")
    assert database.query("SELECT 1 FROM login_throttle WHERE key = 'live-test-row'")
    database.query("DELETE FROM login_throttle WHERE key = 'live-test-row'")


# --- 5. recovery and deletion end every other session ----------------------------------------

@pytest.fixture(scope="module")
def second_worker(server_env: dict[str, str]):
    """Another server process on the same database: a second worker."""
    srv = Server(env=server_env).start()
    yield srv
    srv.stop()


def same_session_on(client: Client, server: Server) -> Client:
    moved = Client(server.base_url)
    for name in ("waymark_session", "csrftoken"):
        if value := client.http.cookies.get(name):
            moved.http.cookies.set(name, value, domain="127.0.0.1")
    return moved


def test_recovery_signs_every_other_device_out(young_person, make_client) -> None:
    phone = young_person()
    name = phone.user["username"]
    laptop = make_client()
    assert laptop.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 200
    assert laptop.get("/api/v1/me").status_code == 200
    r = phone.post("/api/v1/auth/recover", json={"username": name, "recovery_code": phone.user["recovery_code"],
                                                 "new_password": "orange canoe thunder"})
    assert r.status_code == 200, r.text
    assert_problem(laptop.get("/api/v1/me"), 401)
    assert phone.get("/api/v1/me").status_code == 200  # the device that recovered is signed in


def test_deletion_signs_out_on_every_worker_at_once(young_person, make_client, server: Server,
                                                     second_worker: Server, database) -> None:
    phone = young_person()
    name = phone.user["username"]
    laptop = make_client()
    assert laptop.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 200
    elsewhere = same_session_on(laptop, second_worker)
    for _ in range(3):  # both workers have just read (and may remember) the laptop's session
        assert laptop.get("/api/v1/me").status_code == 200
        assert elsewhere.get("/api/v1/me").status_code == 200
    assert phone.delete("/api/v1/me").status_code == 204
    assert_problem(laptop.get("/api/v1/me"), 401)
    # the other worker forgets as soon as PostgreSQL's notice arrives (see seen_within)
    assert seen_within(lambda: elsewhere.get("/api/v1/me").status_code == 401)
    assert_problem(elsewhere.get("/api/v1/me"), 401)
    assert not database.query("SELECT 1 FROM web_session WHERE convert_from(data, 'UTF8') LIKE $1",
                              f"%{phone.user['id']}%")
    elsewhere.close()


def seen_within(check, seconds: float = 1.0) -> bool:
    """Whether ``check()`` holds within ``seconds``: a worker forgets what it kept as soon as
    PostgreSQL delivers the notice, which on a loaded machine can trail the answer that
    made the change by a few milliseconds (a worker's cache lasts 5 s for a session and
    60 s for an account, so a missed notice fails these checks)."""
    import time

    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_log_out_ends_the_session_on_every_worker_at_once(young_person, server: Server,
                                                           second_worker: Server) -> None:
    yp = young_person()
    elsewhere = same_session_on(yp, second_worker)
    for _ in range(3):  # both workers now remember this session and who it is
        assert yp.get("/api/v1/me").status_code == 200
        assert elsewhere.get("/api/v1/me").status_code == 200
    assert yp.post("/api/v1/auth/logout").status_code == 204
    # an old copy of the cookie, on the other worker
    assert seen_within(lambda: elsewhere.get("/api/v1/me").status_code == 401)
    assert_problem(elsewhere.get("/api/v1/me"), 401)
    elsewhere.close()


def test_an_account_changed_by_hand_is_seen_at_once_by_every_worker(young_person, server: Server,
                                                                    second_worker: Server, database) -> None:
    yp = young_person()
    elsewhere = same_session_on(yp, second_worker)
    for _ in range(3):  # both workers now remember who this is
        assert yp.get("/api/v1/me").json()["council_code"] == "E06000044"
        assert elsewhere.get("/api/v1/me").json()["council_code"] == "E06000044"
    # any change, by any code path or in SQL, is announced by a trigger when it commits
    database.query("UPDATE user_account SET council_code = 'E10000016' WHERE id = $1::uuid", yp.user["id"])
    for client in (yp, elsewhere):
        assert seen_within(lambda c=client: c.get("/api/v1/me").json()["council_code"] == "E10000016")
    database.query("UPDATE user_account SET disabled = true WHERE id = $1::uuid", yp.user["id"])
    assert seen_within(lambda: elsewhere.get("/api/v1/me").status_code == 401)  # switched off: signed out
    assert seen_within(lambda: yp.get("/api/v1/me").status_code == 401)
    elsewhere.close()


def test_deletion_removes_throttle_rows_unpublished_posts_and_the_place_in_the_queue(
        young_person, make_client, database) -> None:
    from backend.accounts.throttle import account_key

    yp = young_person()
    name = yp.user["username"]
    guess(make_client, name, "198.51.100.200")
    assert database.query("SELECT 1 FROM login_throttle WHERE key = $1", account_key(name))
    marker = "an unpublished post about my exams zqk"
    r = yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "Exams soon", "body": marker})
    assert r.status_code == 202, r.text
    request = yp.post("/api/v1/chat/requests", json={"topic": "exams"})
    assert request.status_code == 201, request.text
    exported = yp.get("/api/v1/me/export").json()
    assert [q["id"] for q in exported["chat_requests"]] == [request.json()["id"]]

    assert yp.delete("/api/v1/me").status_code == 204
    assert not database.query("SELECT 1 FROM login_throttle WHERE key = $1", account_key(name))
    assert not database.query("SELECT 1 FROM forum_post WHERE body = $1", marker)
    row = database.query("SELECT status, young_person_id FROM chat_request WHERE id = $1::uuid", request.json()["id"])[0]
    assert row["status"] == "left" and row["young_person_id"] is None


# --- 6. names that pose as staff or as someone else -----------------------------------------

@pytest.mark.parametrize("name", ["Waymark_Team", "Counsellor_Sam", "NHS_Support", "Childline_Official", "adm1n",
                                  "W4ymark", "c0unsell0r_jo", "Team_Sam", "Mod_x", "the-moderator"])
def test_names_that_pose_as_staff_are_refused(client: Client, name: str) -> None:
    body = assert_problem(client.post("/api/v1/auth/signup", json=signup_body(username=name)), 400, "bad_username")
    assert "team" in body["detail"].lower()


@pytest.mark.parametrize("name", ["model_girl", "modest_ben", "staffy_dog", "sunny_day"])
def test_ordinary_names_that_contain_short_words_are_fine(client: Client, name: str) -> None:
    r = client.post("/api/v1/auth/signup", json=signup_body(username=name))
    assert r.status_code == 201, r.text


def test_a_name_that_looks_like_another_is_taken(make_client, database) -> None:
    import secrets

    suffix = "".join(secrets.choice("abcdefghjkmnopqrstuvwxyz") for _ in range(6))
    first = make_client().post("/api/v1/auth/signup", json=signup_body(username=f"Lily_{suffix}"))
    assert first.status_code == 201, first.text
    for lookalike in (f"IiIy_{suffix}", f"l1ly-{suffix}", f"LILY{suffix}", f"lily_{suffix.upper()}"):
        r = make_client().post("/api/v1/auth/signup", json=signup_body(username=lookalike))
        assert_problem(r, 409, "username_taken")
    row = database.query("SELECT username_skeleton FROM user_account WHERE username = $1", f"Lily_{suffix}")[0]
    assert row["username_skeleton"] == f"iiiy{suffix}"


# --- 10. the CSRF token belongs to the session ---------------------------------------------

def test_the_csrf_token_is_rotated_at_log_in_and_tied_to_the_session(young_person, make_client) -> None:
    owner = young_person()
    name = owner.user["username"]
    c = make_client()
    c.get("/api/v1/councils")
    before = c.http.cookies.get("csrftoken")
    assert c.post(LOGIN, json={"username": name, "password": PASSWORD}).status_code == 200
    after = c.http.cookies.get("csrftoken")
    assert after and after != before
    # the token from before log-in no longer works with this session, even as a matching pair
    c.http.cookies.set("csrftoken", before, domain="127.0.0.1")
    assert_problem(c.http.post("/api/v1/journal", json={"body": "hello"}, headers={"x-csrftoken": before}), 403)
    # nor does another session's valid pair
    other = young_person()
    other.get("/api/v1/me")
    foreign = other.http.cookies.get("csrftoken")
    c.http.cookies.set("csrftoken", foreign, domain="127.0.0.1")
    assert_problem(c.http.post("/api/v1/journal", json={"body": "hello"}, headers={"x-csrftoken": foreign}), 403)
    # its own token does
    c.http.cookies.set("csrftoken", after, domain="127.0.0.1")
    assert c.http.post("/api/v1/journal", json={"body": "hello"}, headers={"x-csrftoken": after}).status_code == 201


def test_a_signed_in_device_that_lost_its_csrf_cookie_gets_the_bound_one_back(young_person) -> None:
    yp = young_person()
    bound = yp.http.cookies.get("csrftoken")
    yp.http.cookies.delete("csrftoken")  # a browser restart drops it; the session cookie stays
    r = yp.http.get("/api/v1/councils")  # what the PWA fetches for a token (it loads no session)
    assert r.status_code == 200 and yp.http.cookies.get("csrftoken") == bound
    assert yp.post("/api/v1/journal", json={"body": "still works"}).status_code == 201
