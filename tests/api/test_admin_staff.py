"""The admin console's staff accounts, temporary passwords and staff MFA, through HTTP on a
running server (and a second server with WAYMARK_STAFF_MFA=required on the same database)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pyotp
import pytest

from tests.harness import Client, Server, unique_username

NEW_PASSWORD = "lantern-orbit-meadow-42"


def new_email() -> str:
    return f"{unique_username('st')}@staff.example".replace("_", "-")


def add_staff(admin: Client, **overrides) -> tuple[str, str, str]:
    email = overrides.pop("email", new_email())
    body = {"email": email, "name": "Priya", "role": "counsellor", **overrides}
    r = admin.post("/api/v1/admin/staff", json=body)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"id", "temporary_password"}
    return r.json()["id"], email, r.json()["temporary_password"]


def log_in(make_client: Callable[..., Client], email: str, password: str, **extra) -> tuple[Client, object]:
    c = make_client()
    return c, c.post("/api/v1/auth/login", json={"username": email, "password": password, **extra})


def first_log_in(make_client, email: str, temporary: str) -> Client:
    """Log in with the temporary password and change it."""
    c, r = log_in(make_client, email, temporary)
    assert r.status_code == 200, r.text
    assert r.json()["password_change_required"] is True
    r = c.post("/api/v1/me/password", json={"current_password": temporary, "new_password": NEW_PASSWORD})
    assert r.status_code == 204, r.text
    return c


def test_staff_list_add_and_temporary_password_must_be_changed(staff, make_client) -> None:
    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="council_admin", council_code="E06000044", name="Priya")
    listed = {s["id"]: s for s in admin.get("/api/v1/admin/staff").json()["items"]}
    assert listed[staff_id] == {**listed[staff_id], "email": email, "name": "Priya", "role": "council_admin",
                                "council_code": "E06000044", "disabled": False, "mfa_enabled": False,
                                "last_login_at": None}
    c, r = log_in(make_client, email, temporary)
    assert r.status_code == 200 and r.json()["password_change_required"] is True
    # every other call: 403 password_change_required
    for path in ("/api/v1/me", "/api/v1/councils/E06000044/reports/usage", "/api/v1/councils/E06000044/services"):
        r = c.get(path)
        assert r.status_code == 403 and r.json()["code"] == "password_change_required", (path, r.text)
    assert c.post("/api/v1/auth/mfa/setup").json()["code"] == "password_change_required"
    # a weak new password is refused as at sign-up; a wrong current one is wrong_password
    r = c.post("/api/v1/me/password", json={"current_password": temporary, "new_password": "password"})
    assert r.status_code == 400 and r.json()["code"] == "weak_password"
    r = c.post("/api/v1/me/password", json={"current_password": "not-it-at-all", "new_password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["code"] == "wrong_password"
    r = c.post("/api/v1/me/password", json={"current_password": temporary, "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    me = c.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["role"] == "council_admin" and me.json()["name"] == "Priya"
    assert c.get("/api/v1/councils/E06000044/services").status_code == 200
    # the temporary password no longer works; the new one does
    assert log_in(make_client, email, temporary)[1].status_code == 401
    again = log_in(make_client, email, NEW_PASSWORD)[1]
    assert again.status_code == 200 and "password_change_required" not in again.json()
    entry = admin.get("/api/v1/admin/audit", params={"action": "staff.create"}).json()["items"][0]
    assert entry["target_id"] == staff_id and "temporary_password" not in str(entry)


def test_a_temporary_password_runs_out(staff, make_client, database) -> None:
    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="moderator")
    expires = database.query("SELECT temporary_password_expires_at AS t FROM user_account WHERE id = $1::uuid",
                             staff_id)[0]["t"]
    assert 2.9 * 86400 < (expires.timestamp() - time.time()) <= 3 * 86400
    database.query("UPDATE user_account SET temporary_password_expires_at = now() - interval '1 minute' "
                   "WHERE id = $1::uuid", staff_id)
    r = log_in(make_client, email, temporary)[1]
    assert r.status_code == 401 and r.json()["code"] == "temporary_password_expired"
    fresh = admin.post(f"/api/v1/admin/staff/{staff_id}/reset").json()["temporary_password"]
    first_log_in(make_client, email, fresh)
    assert database.query("SELECT temporary_password_expires_at AS t FROM user_account WHERE id = $1::uuid",
                          staff_id)[0]["t"] is None


@pytest.mark.parametrize("body, status, code", [
    ({"role": "counsellor", "council_code": "E99999999"}, 400, "unknown_council"),
    ({"role": "council_admin"}, 400, "council_required"),
    ({"role": "young_person"}, 400, "bad_role"),
    ({"role": "wizard"}, 400, "bad_role"),
    ({"role": "counsellor", "email": "not-an-email"}, 400, "bad_email"),
    ({"role": "counsellor", "email": "x" * 60 + "@staff.example"}, 400, "bad_email"),
])
def test_adding_staff_refuses_bad_input(staff, body, status, code) -> None:
    admin = staff("admin")
    r = admin.post("/api/v1/admin/staff", json={"email": new_email(), "name": "Kim", **body})
    assert r.status_code == status and r.json()["code"] == code, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_duplicate_email_is_409_and_missing_fields_400(staff) -> None:
    admin = staff("admin")
    _, email, _ = add_staff(admin)
    r = admin.post("/api/v1/admin/staff", json={"email": email.upper(), "name": "Kim", "role": "moderator"})
    assert r.status_code == 409 and r.json()["code"] == "email_taken"
    r = admin.post("/api/v1/admin/staff", json={"email": new_email(), "role": "moderator"})
    assert r.status_code == 400 and r.json()["field"] == "name"


@pytest.mark.parametrize("role", ["counsellor", "moderator", "council_admin"])
def test_only_admins_manage_staff(staff, young_person, role, client) -> None:
    other = staff(role, council="E06000044" if role == "council_admin" else None)
    for c, status in ((other, 403), (young_person(), 403), (client, 401)):
        assert c.get("/api/v1/admin/staff").status_code == status
        assert c.post("/api/v1/admin/staff", json={"email": new_email(), "name": "X", "role": "admin"}
                      ).status_code == status
        assert c.get("/api/v1/admin/audit").status_code == status


def test_disabling_ends_their_sessions_at_once_and_refuses_log_in(staff, make_client) -> None:
    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="moderator")
    first = first_log_in(make_client, email, temporary)
    second, _ = log_in(make_client, email, NEW_PASSWORD)
    assert second.get("/api/v1/moderation/queue").status_code == 200
    r = admin.put(f"/api/v1/admin/staff/{staff_id}", json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"] is True
    for c in (first, second):
        assert c.get("/api/v1/moderation/queue").status_code == 401
        assert c.get("/api/v1/me").status_code == 401
    r = log_in(make_client, email, NEW_PASSWORD)[1]
    assert r.status_code == 403 and r.json()["code"] == "account_disabled"
    assert admin.put(f"/api/v1/admin/staff/{staff_id}", json={"disabled": False}).status_code == 200
    assert log_in(make_client, email, NEW_PASSWORD)[1].status_code == 200
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit", params={"action": "staff."}).json()["items"]
               if e["target_id"] == staff_id]
    assert actions[:3] == ["staff.enable", "staff.disable", "staff.create"]


def test_disabling_closes_their_open_chat_sockets(staff, make_client, server: Server) -> None:
    from websockets.exceptions import ConnectionClosed

    from tests.chat_client import ChatSocket

    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="counsellor")
    c = first_log_in(make_client, email, temporary)
    socket = ChatSocket(server.base_url, c)
    assert admin.put(f"/api/v1/admin/staff/{staff_id}", json={"disabled": True}).status_code == 200
    with pytest.raises(ConnectionClosed) as closed:
        socket.ws.recv(timeout=10)
        socket.ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_edit_role_and_council(staff, make_client) -> None:
    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="counsellor")
    c = first_log_in(make_client, email, temporary)
    assert c.get("/api/v1/councils/E06000044/services").status_code == 403
    r = admin.put(f"/api/v1/admin/staff/{staff_id}", json={"role": "council_admin", "council_code": "E06000044",
                                                           "name": "Priya B"})
    assert r.status_code == 200 and r.json()["role"] == "council_admin" and r.json()["name"] == "Priya B"
    assert c.get("/api/v1/councils/E06000044/services").status_code == 200
    bad = admin.put(f"/api/v1/admin/staff/{staff_id}", json={"council_code": "E00000000"})
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_council"
    assert admin.put(f"/api/v1/admin/staff/{staff_id}", json={"council_code": None}).json()["code"] == "council_required"
    assert admin.put("/api/v1/admin/staff/00000000-0000-0000-0000-000000000000", json={"name": "X"}).status_code == 404


def test_an_admin_cannot_lock_themselves_out(staff) -> None:
    admin = staff("admin")
    me = admin.get("/api/v1/me").json()["id"]
    for body in ({"disabled": True}, {"role": "moderator"}):
        r = admin.put(f"/api/v1/admin/staff/{me}", json=body)
        assert r.status_code == 409 and r.json()["code"] == "own_account"


def test_young_person_ids_are_not_staff(staff, young_person) -> None:
    admin = staff("admin")
    yp = young_person()
    assert admin.put(f"/api/v1/admin/staff/{yp.user['id']}", json={"disabled": True}).status_code == 404
    assert admin.post(f"/api/v1/admin/staff/{yp.user['id']}/reset").status_code == 404


def set_up_mfa(c: Client) -> pyotp.TOTP:
    r = c.post("/api/v1/auth/mfa/setup")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/Waymark:") and f"secret={body['secret']}" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in body["qr_svg"]
    totp = pyotp.TOTP(body["secret"])
    wrong = c.post("/api/v1/auth/mfa/confirm", json={"code": "000000" if totp.now() != "000000" else "111111"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_code"
    ok = c.post("/api/v1/auth/mfa/confirm", json={"code": totp.now()})
    assert ok.status_code == 200, ok.text
    return totp


def test_mfa_setup_login_replay_and_reset(staff, make_client) -> None:
    admin = staff("admin")
    staff_id, email, temporary = add_staff(admin, role="moderator")
    c = first_log_in(make_client, email, temporary)
    totp = set_up_mfa(c)
    assert {s["id"]: s for s in admin.get("/api/v1/admin/staff").json()["items"]}[staff_id]["mfa_enabled"] is True
    # without a code: 401 mfa_required; a wrong code: 401 bad_otp
    r = log_in(make_client, email, NEW_PASSWORD)[1]
    assert r.status_code == 401 and r.json()["code"] == "mfa_required"
    r = log_in(make_client, email, NEW_PASSWORD, otp="123456" if totp.now() != "123456" else "654321")[1]
    assert r.status_code == 401 and r.json()["code"] == "bad_otp"
    # the code used to confirm cannot be used again; the next step's code works once
    r = log_in(make_client, email, NEW_PASSWORD, otp=totp.now())[1]
    assert r.status_code == 401 and r.json()["code"] == "bad_otp"
    code = totp.at(time.time() + 30)
    fine, r = log_in(make_client, email, NEW_PASSWORD, otp=code)
    assert r.status_code == 200, r.text
    assert fine.get("/api/v1/moderation/queue").status_code == 200
    replay = log_in(make_client, email, NEW_PASSWORD, otp=code)[1]
    assert replay.status_code == 401 and replay.json()["code"] == "bad_otp"
    # a wrong password is still bad_credentials (it says nothing about the code)
    assert log_in(make_client, email, "wrong-password-here", otp=code)[1].json()["code"] == "bad_credentials"
    # reset: sessions end, MFA removed, a new temporary password
    r = admin.post(f"/api/v1/admin/staff/{staff_id}/reset")
    assert r.status_code == 200 and set(r.json()) == {"temporary_password"}
    assert fine.get("/api/v1/me").status_code == 401
    c2, r = log_in(make_client, email, r.json()["temporary_password"])
    assert r.status_code == 200 and r.json()["password_change_required"] is True
    assert {s["id"]: s for s in admin.get("/api/v1/admin/staff").json()["items"]}[staff_id]["mfa_enabled"] is False


def test_wrong_codes_are_throttled_like_passwords(staff, make_client) -> None:
    admin = staff("admin")
    _, email, temporary = add_staff(admin, role="counsellor")
    c = first_log_in(make_client, email, temporary)
    totp = set_up_mfa(c)
    wrong = "123456" if totp.now() != "123456" else "654321"
    statuses = [log_in(make_client, email, NEW_PASSWORD, otp=wrong)[1].status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    r = log_in(make_client, email, NEW_PASSWORD, otp=totp.at(time.time() + 30))[1]
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_mfa_is_for_staff_only(young_person, client) -> None:
    assert young_person().post("/api/v1/auth/mfa/setup").status_code == 403
    assert client.post("/api/v1/auth/mfa/setup").status_code == 401


@pytest.fixture(scope="module")
def mfa_server(server_env: dict[str, str]) -> Iterator[Server]:
    srv = Server(env={**server_env, "WAYMARK_STAFF_MFA": "required"}).start()
    yield srv
    srv.stop()


def test_with_mfa_required_staff_may_only_set_it_up(staff, mfa_server: Server) -> None:
    admin = staff("admin")
    _, email, temporary = add_staff(admin, role="moderator")
    c = Client(mfa_server.base_url)
    try:
        r = c.post("/api/v1/auth/login", json={"username": email, "password": temporary})
        assert r.status_code == 200 and r.json()["password_change_required"] is True
        assert c.post("/api/v1/me/password", json={"current_password": temporary,
                                                   "new_password": NEW_PASSWORD}).status_code == 204
        r = c.get("/api/v1/moderation/queue")
        assert r.status_code == 403 and r.json()["code"] == "mfa_setup_required"
        assert c.get("/api/v1/me").json()["code"] == "mfa_setup_required"
        set_up_mfa(c)
        assert c.get("/api/v1/moderation/queue").status_code == 200
        young = Client(mfa_server.base_url)  # young people are not asked for MFA
        from tests.harness import signup_body

        assert young.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        assert young.get("/api/v1/journal").status_code == 200
        young.close()
    finally:
        c.close()
