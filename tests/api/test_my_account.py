"""The young person's own account through HTTP: change password, log out everywhere, my
posts in every state, my waiting threads on a board, and the separate reply limit."""

from __future__ import annotations

from tests.harness import PASSWORD, Client

BOARD = "exams-and-school"
NEW_PASSWORD = "harbour-violet-sixty-kites"


def log_in(make_client, username: str, password: str) -> Client:
    c = make_client()
    r = c.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return c


def test_changing_password_ends_every_other_session(young_person, make_client) -> None:
    phone = young_person()
    name = phone.user["username"]
    laptop = log_in(make_client, name, PASSWORD)
    assert laptop.get("/api/v1/me").status_code == 200
    r = phone.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 204
    assert phone.get("/api/v1/me").status_code == 200  # this one goes on
    assert laptop.get("/api/v1/me").status_code == 401  # the other one ended
    bad = make_client().post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert bad.status_code == 401
    log_in(make_client, name, NEW_PASSWORD)


def test_password_change_refuses_a_wrong_current_or_weak_new_password(young_person, client) -> None:
    yp = young_person()
    r = yp.post("/api/v1/me/password", json={"current_password": "not my password", "new_password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["code"] == "wrong_password"
    for weak in ("short", "password123", yp.user["username"] + "abcdefgh"):
        r = yp.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": weak})
        assert r.status_code == 400 and r.json()["code"] == "weak_password", (weak, r.text)
    r = yp.post("/api/v1/me/password", json={"current_password": PASSWORD})
    assert r.status_code == 400
    assert client.post("/api/v1/me/password", json={"current_password": "a", "new_password": "b"}).status_code == 401
    assert yp.get("/api/v1/me").status_code == 200


def test_log_out_everywhere_ends_this_session_too(young_person, make_client, client) -> None:
    phone = young_person()
    laptop = log_in(make_client, phone.user["username"], PASSWORD)
    assert phone.post("/api/v1/me/logout-everywhere").status_code == 204
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/me/logout-everywhere").status_code == 401
    log_in(make_client, phone.user["username"], PASSWORD)  # the account itself is fine


def test_staff_log_out_everywhere(staff, make_client) -> None:
    moderator = staff("moderator", key="everywhere")
    assert moderator.post("/api/v1/me/logout-everywhere").status_code == 204
    assert moderator.get("/api/v1/moderation/queue").status_code == 401


def test_my_posts_every_state_newest_first_with_the_kind_reason(young_person, staff) -> None:
    yp = young_person()
    moderator = staff("moderator")
    first = yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Revision", "body": "How do you revise?"}).json()
    second = yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Sleep", "body": "I can't sleep before exams."}).json()
    r = moderator.post(f"/api/v1/moderation/items/{second['id']}/decision",
                       json={"action": "reject", "reason_code": "off_topic", "note": "internal: wrong board"})
    assert r.status_code == 200, r.text
    assert moderator.post(f"/api/v1/moderation/items/{first['id']}/decision", json={"action": "approve"}).status_code == 200
    reply = yp.post(f"/api/v1/threads/{first['id']}/posts", json={"body": "Thanks everyone for the tips."}).json()
    mine = yp.get("/api/v1/me/posts").json()
    assert mine["total"] == 3
    assert [p["id"] for p in mine["items"]] == [reply["id"], second["id"], first["id"]]
    by_id = {p["id"]: p for p in mine["items"]}
    assert by_id[first["id"]]["status"] == "published" and by_id[first["id"]]["title"] == "Revision"
    assert by_id[reply["id"]]["status"] == "pending" and by_id[reply["id"]]["thread_id"] == first["id"]
    rejected = by_id[second["id"]]
    assert rejected["status"] == "rejected" and rejected["reason"] and "internal" not in rejected["reason"]
    assert "reason" not in by_id[first["id"]]
    assert young_person().get("/api/v1/me/posts").json() == {"items": [], "total": 0}
    assert moderator.get("/api/v1/me/posts").status_code == 403


def test_a_board_shows_the_readers_own_waiting_threads(young_person) -> None:
    author, other = young_person(), young_person()
    thread = author.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Waiting one", "body": "Hello, anyone?"}).json()
    mine = {t["id"]: t for t in author.get(f"/api/v1/boards/{BOARD}/threads", params={"limit": 100}).json()["items"]}
    assert mine[thread["id"]]["waiting_for_moderator"] is True and mine[thread["id"]]["status"] == "pending"
    theirs = [t["id"] for t in other.get(f"/api/v1/boards/{BOARD}/threads", params={"limit": 100}).json()["items"]]
    assert thread["id"] not in theirs


def test_a_new_member_can_keep_replying_in_their_own_thread(young_person, staff) -> None:
    yp = young_person()
    moderator = staff("moderator")
    thread = yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Mine", "body": "My thread."}).json()
    assert moderator.post(f"/api/v1/moderation/items/{thread['id']}/decision", json={"action": "approve"}).status_code == 200
    statuses = [yp.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": f"Update number {w}."}).status_code
                for w in ("one", "two", "three", "four", "five")]
    assert statuses == [202] * 5
    # new threads still have the new-member limit: two more make three, the fourth waits
    for title in ("Second", "Third"):
        assert yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": title, "body": "Another one."}).status_code == 202
    r = yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Fourth", "body": "And another."})
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
