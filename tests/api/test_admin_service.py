"""The admin console's chat hours and closures, boards, councils and audit log, through HTTP
(and the chat WebSocket for the closing-time notice) on a running server."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from tests.chat_client import ChatSocket
from tests.harness import Client, Server


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def admin(staff, database) -> Iterator[Client]:
    """An admin; whatever hours or closures a test sets are undone after it (the server is shared)."""
    yield staff("admin")
    database.query("DELETE FROM chat_schedule")
    database.query("DELETE FROM chat_closure")


@pytest.fixture(autouse=True)
def quiet_queue(database) -> None:
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE chat_request SET status = 'ended' WHERE status = 'active'")
    database.query("UPDATE chat_session SET ended_at = now(), ended_by = 'test' WHERE ended_at IS NULL")
    database.query("UPDATE counsellor_availability SET status = 'away'")


def test_weekly_hours_replace_the_environment_at_once(admin: Client, client: Client, young_person) -> None:
    before = admin.get("/api/v1/admin/chat-hours").json()
    assert before["weekly"] == "always" and before["source"] == "environment" and before["closures"] == []
    assert client.get("/api/v1/chat/status").json()["open"] is True
    r = admin.put("/api/v1/admin/chat-hours", json={"weekly": "never"})
    assert r.status_code == 200 and r.json()["weekly"] == "never" and r.json()["source"] == "admin"
    status = client.get("/api/v1/chat/status").json()
    assert status["open"] is False and status["opens_at"] is None and status["crisis_lines"]
    refused = young_person().post("/api/v1/chat/requests", json={})
    assert refused.status_code == 409 and refused.json()["code"] == "closed" and refused.json()["crisis_lines"]
    r = admin.put("/api/v1/admin/chat-hours", json={"weekly": "Mon-Fri 12:00-22:00;  sat-sun 18:00-22:00"})
    body = r.json()
    assert r.status_code == 200 and body["weekly"] == "mon-fri 12:00-22:00; sat-sun 18:00-22:00"
    assert (body["next_open"] is None) != (body["next_close"] is None)
    assert client.get("/api/v1/chat/status").json()["open"] is body["open_now"]
    back = admin.delete("/api/v1/admin/chat-hours")
    assert back.status_code == 200 and back.json()["source"] == "environment"
    assert client.get("/api/v1/chat/status").json()["open"] is True
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit", params={"action": "chat_hours."}).json()["items"]]
    assert actions[:3] == ["chat_hours.reset", "chat_hours.update", "chat_hours.update"]


@pytest.mark.parametrize("weekly", ["mon-fri 22:00-12:00", "weekdays 9 to 5", "mon-fri", "funday 10:00-12:00", ""])
def test_a_weekly_schedule_that_does_not_parse_is_400(admin: Client, client: Client, weekly: str) -> None:
    r = admin.put("/api/v1/admin/chat-hours", json={"weekly": weekly})
    assert r.status_code == 400 and r.json()["code"] in ("bad_schedule", "bad_input"), r.text
    assert admin.get("/api/v1/admin/chat-hours").json()["source"] == "environment"


def test_a_closure_closes_the_chat_with_its_message(admin: Client, client: Client) -> None:
    message = "We're closed today for staff training. We're back tomorrow."
    r = admin.post("/api/v1/admin/chat-hours/closures",
                   json={"starts_at": iso(now() - dt.timedelta(minutes=1)), "ends_at": iso(now() + dt.timedelta(hours=2)),
                         "message": message})
    assert r.status_code == 201 and set(r.json()) == {"id", "starts_at", "ends_at", "message"}
    closure = r.json()
    status = client.get("/api/v1/chat/status").json()
    assert status["open"] is False and status["message"] == message
    assert dt.datetime.fromisoformat(status["opens_at"]) == dt.datetime.fromisoformat(closure["ends_at"])
    assert any(line.get("phone") for line in status["crisis_lines"])
    listed = admin.get("/api/v1/admin/chat-hours").json()
    assert [c["id"] for c in listed["closures"]] == [closure["id"]] and listed["open_now"] is False
    assert dt.datetime.fromisoformat(listed["next_open"]) == dt.datetime.fromisoformat(closure["ends_at"])
    assert admin.delete(f"/api/v1/admin/chat-hours/closures/{closure['id']}").status_code == 204
    assert client.get("/api/v1/chat/status").json()["open"] is True
    assert admin.delete(f"/api/v1/admin/chat-hours/closures/{closure['id']}").status_code == 404
    actions = [e["action"] for e in admin.get("/api/v1/admin/audit", params={"action": "chat_closure."}).json()["items"]]
    assert actions[:2] == ["chat_closure.delete", "chat_closure.create"]


@pytest.mark.parametrize("starts, ends, code", [
    (dt.timedelta(hours=3), dt.timedelta(hours=1), "closure_ends_before_start"),
    (dt.timedelta(hours=1), dt.timedelta(hours=1), "closure_ends_before_start"),
    (dt.timedelta(days=-3), dt.timedelta(days=-2), "closure_in_past"),
    (dt.timedelta(days=1), dt.timedelta(days=3650), "closure_too_far"),
])
def test_bad_closures_are_400(admin: Client, starts, ends, code) -> None:
    base = now()
    r = admin.post("/api/v1/admin/chat-hours/closures",
                   json={"starts_at": iso(base + starts), "ends_at": iso(base + ends), "message": "Closed."})
    assert r.status_code == 400 and r.json()["code"] == code
    r = admin.post("/api/v1/admin/chat-hours/closures", json={"starts_at": "tomorrow", "ends_at": iso(now()),
                                                              "message": "x"})
    assert r.status_code == 400


def test_closing_time_tells_people_waiting_and_never_ends_a_chat_at_risk(admin: Client, young_person, staff,
                                                                          server: Server, database) -> None:
    waiting = young_person()
    ws = ChatSocket(server.base_url, waiting)
    req = waiting.post("/api/v1/chat/requests", json={"urgent": True})
    assert req.status_code == 201, req.text
    # a chat already under way, at risk
    in_chat = young_person()
    counsellor = staff("counsellor", name="Jo", key="closing-time")
    assert counsellor.put("/api/v1/chat/availability", json={"status": "available"}).status_code == 200
    other = in_chat.post("/api/v1/chat/requests", json={})
    taken = counsellor.post("/api/v1/chat/queue/take", json={"request_id": other.json()["id"]})
    session_id = taken.json()["session_id"]
    database.query("UPDATE chat_session SET at_risk = true WHERE id = $1::uuid", session_id)
    r = admin.post("/api/v1/admin/chat-hours/closures",
                   json={"starts_at": iso(now() - dt.timedelta(seconds=1)),
                         "ends_at": iso(now() + dt.timedelta(hours=1)), "message": "We're closing early today."})
    assert r.status_code == 201
    frame = ws.wait_for("queue", timeout=15, request_id=req.json()["id"], closing=True)
    assert frame["message"].startswith("We're closing early today.") and frame["can_message_team"] is True
    assert any(line.get("phone") for line in frame["crisis_lines"]) and frame["opens_at"]
    # nobody is taken out of the queue by the clock, and the chat at risk goes on
    assert waiting.get("/api/v1/chat/requests/current").json()["status"] == "waiting"
    r = counsellor.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": "I'm still here with you.",
                                                                               "client_id": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    assert database.query("SELECT ended_at FROM chat_session WHERE id = $1::uuid", session_id)[0]["ended_at"] is None


def test_boards_add_edit_retire(admin: Client, young_person, client: Client) -> None:
    slug = f"b-{uuid.uuid4().hex[:8]}"
    r = admin.post("/api/v1/admin/boards", json={"slug": slug, "name": "Gaming", "description": "Games we love"})
    assert r.status_code == 201 and r.json() == {"slug": slug, "name": "Gaming", "description": "Games we love",
                                                 "retired": False}
    assert admin.post("/api/v1/admin/boards", json={"slug": slug, "name": "x", "description": "y"}).json()["code"] == "board_exists"
    assert admin.post("/api/v1/admin/boards", json={"slug": "Bad Slug!", "name": "x", "description": "y"}).status_code == 400
    assert slug in [b["slug"] for b in client.get("/api/v1/boards").json()]
    yp = young_person()
    thread = yp.post(f"/api/v1/boards/{slug}/threads", json={"title": "Favourite games", "body": "Mine is chess."})
    assert thread.status_code == 202
    r = admin.put(f"/api/v1/admin/boards/{slug}", json={"name": "Games", "retired": True})
    assert r.status_code == 200 and r.json()["retired"] is True and r.json()["name"] == "Games"
    assert slug not in [b["slug"] for b in client.get("/api/v1/boards").json()]
    assert slug in [b["slug"] for b in admin.get("/api/v1/admin/boards").json()["items"]]
    refused = yp.post(f"/api/v1/boards/{slug}/threads", json={"title": "Another", "body": "Hello there."})
    assert refused.status_code == 409 and refused.json()["code"] == "board_retired"
    listing = yp.get(f"/api/v1/boards/{slug}/threads")  # still readable, own pending thread kept
    assert listing.status_code == 200 and [t["id"] for t in listing.json()["items"]] == [thread.json()["id"]]
    assert admin.put("/api/v1/admin/boards/no-such-board", json={"name": "x"}).status_code == 404
    assert yp.post("/api/v1/admin/boards", json={"slug": "x-y", "name": "x", "description": "y"}).status_code == 403


def test_a_reply_in_a_retired_board_is_409(admin: Client, young_person, staff) -> None:
    slug = f"r-{uuid.uuid4().hex[:8]}"
    admin.post("/api/v1/admin/boards", json={"slug": slug, "name": "Soon gone", "description": "x"})
    yp = young_person()
    thread_id = yp.post(f"/api/v1/boards/{slug}/threads", json={"title": "Hi all", "body": "Hello everyone."}).json()["id"]
    moderator = staff("moderator")
    assert moderator.post(f"/api/v1/moderation/items/{thread_id}/decision", json={"action": "approve"}).status_code == 200
    admin.put(f"/api/v1/admin/boards/{slug}", json={"retired": True})
    reader = young_person()
    r = reader.post(f"/api/v1/threads/{thread_id}/posts", json={"body": "Hello back!"})
    assert r.status_code == 409 and r.json()["code"] == "board_retired"
    r = reader.post(f"/api/v1/posts/{thread_id}/reactions", json={"kind": "hug"})
    assert r.status_code == 409 and r.json()["code"] == "board_retired"
    # reporting stays open: harm must always be reportable
    assert reader.post(f"/api/v1/posts/{thread_id}/reports", json={"reason": "This worries me"}).status_code == 201
    assert young_person().get(f"/api/v1/threads/{thread_id}").status_code == 200


def test_councils_add_and_edit_with_age_ranges(admin: Client, client: Client, young_person) -> None:
    code = "E0" + str(uuid.uuid4().int)[:7]
    body = {"code": code, "name": "Testshire County Council", "min_age": 12, "max_age": 19, "extended_max_age": 25}
    r = admin.post("/api/v1/admin/councils", json=body)
    assert r.status_code == 201 and {k: r.json()[k] for k in body} == body
    assert admin.post("/api/v1/admin/councils", json=body).json()["code"] == "council_exists"
    bad = admin.post("/api/v1/admin/councils", json={**body, "code": "E0" + str(uuid.uuid4().int)[:7],
                                                     "min_age": 20, "max_age": 18})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_ages"
    assert admin.post("/api/v1/admin/councils", json={**body, "code": "XYZ"}).status_code == 400
    listed = {c["code"]: c for c in client.get("/api/v1/councils").json()}
    assert listed[code]["max_age"] == 19
    r = admin.put(f"/api/v1/admin/councils/{code}", json={"max_age": 21, "extended_max_age": 25})
    assert r.status_code == 200 and r.json()["max_age"] == 21
    assert admin.put(f"/api/v1/admin/councils/{code}", json={"max_age": 30}).json()["code"] == "bad_ages"
    assert admin.put("/api/v1/admin/councils/E09999999", json={"name": "x"}).status_code == 404
    assert admin.put(f"/api/v1/admin/councils/{code}", json={"code": "E06000044"}).json()["code"] == "code_mismatch"
    # a young person of 20 may now sign up there
    from tests.harness import signup_body

    year = dt.date.today().year - 20
    signed = client.post("/api/v1/auth/signup", json=signup_body(council_code=code, birth_year=year, birth_month=1))
    assert signed.status_code == 201, signed.text
    assert young_person().post("/api/v1/admin/councils", json=body).status_code == 403


def test_audit_log_filters(admin: Client, staff) -> None:
    other_admin = staff("admin", key="second-admin")
    start = now()
    admin.put("/api/v1/admin/chat-hours", json={"weekly": "always"})
    other_admin.put("/api/v1/admin/chat-hours", json={"weekly": "always"})
    everything = admin.get("/api/v1/admin/audit", params={"from": iso(start)}).json()
    assert everything["total"] >= 2 and all(dt.datetime.fromisoformat(e["at"]) >= start for e in everything["items"])
    other_email = other_admin.get("/api/v1/me").json()["username"]
    mine = admin.get("/api/v1/admin/audit", params={"from": iso(start), "actor": other_email}).json()["items"]
    assert mine and all(e["actor"] == other_email for e in mine)
    by_id = admin.get("/api/v1/admin/audit", params={"actor": other_admin.get("/api/v1/me").json()["id"]}).json()
    assert by_id["total"] >= 1
    assert admin.get("/api/v1/admin/audit", params={"to": iso(start - dt.timedelta(days=365))}).json()["total"] == 0
    assert admin.get("/api/v1/admin/audit", params={"from": "yesterday"}).status_code == 400
    r = admin.get("/api/v1/admin/audit", params={"from": iso(start), "to": iso(start - dt.timedelta(hours=1))})
    assert r.status_code == 400 and r.json()["code"] == "bad_range"
