"""Messages to the team: a young person writes at any hour; the team replies later. HTTP
and the WebSocket against the real server and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import http_ece
import pytest

from tests.api.test_push import Receiver, new_subscription
from tests.chat_client import ChatSocket
from tests.conftest import PUSH_RECEIVER_PORT
from tests.harness import Client

PROBLEM = "application/problem+json"
RISKY = "i want to end it all tonight"


@pytest.fixture(autouse=True)
def empty_inbox(database) -> None:
    """Tests share one server: each starts with no thread awaiting a reply."""
    database.query("UPDATE message_thread SET status = 'closed', awaiting_since = NULL WHERE status <> 'closed'")


@pytest.fixture
def counsellor(staff):
    return lambda key="msg", name="Robin Reply": staff("counsellor", name=name, key=key)


def write(yp: Client, body: str = "I'm worried about my exams", **extra) -> dict:
    r = yp.post("/api/v1/messages/threads", json={"body": body, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def parse(ts: str) -> dt.datetime:
    return dt.datetime.fromisoformat(ts)


def test_write_list_read_and_reply(young_person, counsellor, database) -> None:
    yp, c = young_person(), counsellor()
    made = write(yp, subject="Exams", client_id=str(uuid.uuid4()))
    assert made["status"] == "awaiting_reply" and uuid.UUID(made["id"]) and "support" not in made
    thread = database.query("SELECT created_at, awaiting_since FROM message_thread WHERE id = $1", uuid.UUID(made["id"]))[0]
    assert parse(made["reply_expected_by"]) == thread["awaiting_since"] + dt.timedelta(hours=48)

    listed = yp.get("/api/v1/messages/threads").json()
    assert listed["total"] == 1 and listed["items"][0] == {
        "id": made["id"], "subject": "Exams", "status": "awaiting_reply", "updated_at": listed["items"][0]["updated_at"],
        "unread": False, "reply_expected_by": made["reply_expected_by"]}

    reply = c.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "Thanks for writing. Exams are hard."})
    assert reply.status_code == 201 and uuid.UUID(reply.json()["id"]) and reply.json()["status"] == "replied"
    item = yp.get("/api/v1/messages/threads").json()["items"][0]
    assert item["status"] == "replied" and item["unread"] is True

    seen = yp.get(f"/api/v1/messages/threads/{made['id']}").json()
    assert seen["subject"] == "Exams" and seen["status"] == "replied"
    assert [(m["sender"], m["body"]) for m in seen["messages"]] == [
        ("young_person", "I'm worried about my exams"), ("counsellor", "Thanks for writing. Exams are hard.")]
    assert seen["messages"][1]["author_name"] == "Robin" and "author_name" not in seen["messages"][0]
    assert yp.get("/api/v1/messages/threads").json()["items"][0]["unread"] is False  # reading marks it read

    # A message on a replied thread makes it await a reply again, due from that message.
    again = yp.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "thank you, one more thing"})
    assert again.status_code == 201 and again.json()["status"] == "awaiting_reply"
    assert parse(again.json()["reply_expected_by"]) > parse(made["reply_expected_by"])
    assert made["id"] in [t["id"] for t in c.get("/api/v1/messages/inbox").json()["items"]]


def test_bodies_are_encrypted_at_rest(young_person, database) -> None:
    yp = young_person()
    made = write(yp, body="a secret only the team should read", subject="private subject")
    row = database.query("SELECT subject FROM message_thread WHERE id = $1", uuid.UUID(made["id"]))[0]
    body = database.query("SELECT body FROM message_thread_message WHERE thread_id = $1", uuid.UUID(made["id"]))[0]
    assert row["subject"].startswith("wm1:") and "private" not in row["subject"]
    assert body["body"].startswith("wm1:") and "secret" not in body["body"]


def test_the_same_client_id_stores_one_thread_and_one_message(young_person, database) -> None:
    yp = young_person()
    cid = str(uuid.uuid4())
    first, second = write(yp, client_id=cid), write(yp, client_id=cid)
    assert first["id"] == second["id"]
    assert database.query("SELECT count(*) AS n FROM message_thread WHERE client_id = $1", uuid.UUID(cid))[0]["n"] == 1
    mid = str(uuid.uuid4())
    a = yp.post(f"/api/v1/messages/threads/{first['id']}/messages", json={"body": "more", "client_id": mid})
    b = yp.post(f"/api/v1/messages/threads/{first['id']}/messages", json={"body": "more", "client_id": mid})
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    assert database.query("SELECT count(*) AS n FROM message_thread_message WHERE thread_id = $1",
                          uuid.UUID(first["id"]))[0]["n"] == 2


def test_writing_works_when_the_live_chat_is_closed(server_env, young_person) -> None:
    from tests.harness import Server, signup_body

    closed = Server(env={**server_env, "WAYMARK_CHAT_HOURS": "never"}).start()
    try:
        yp = Client(closed.base_url)
        assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        assert yp.post("/api/v1/chat/requests", json={}).json()["code"] == "closed"
        r = yp.post("/api/v1/messages/threads", json={"body": "it's late and I can't sleep"})
        assert r.status_code == 201 and r.json()["status"] == "awaiting_reply"
        yp.close()
    finally:
        closed.stop()


def test_risk_gets_support_and_goes_first_in_the_inbox(young_person, counsellor, database) -> None:
    calm_yp, risky_yp, c = young_person(), young_person(), counsellor()
    calm = write(calm_yp, "Could you help me with revision stress?")
    risky = write(risky_yp, RISKY)
    assert risky["support"]["can_talk_to_counsellor"] is True
    assert any(line.get("phone") == "0800 1111" for line in risky["support"]["crisis_lines"])
    inbox = c.get("/api/v1/messages/inbox").json()
    assert [i["id"] for i in inbox["items"]] == [risky["id"], calm["id"]] and inbox["total"] == 2
    top = inbox["items"][0]
    assert top["risk"]["level"] == "urgent" and "risk_to_life" in top["risk"]["categories"]
    assert top["council_code"] == risky_yp.user["council_code"] and top["claimed_by"] is None
    assert top["young_person"] == risky_yp.user["username"]
    assert top["waited_seconds"] >= 0 and top["reply_expected_by"] == risky["reply_expected_by"]
    # A risky message on a calm thread raises its risk.
    r = calm_yp.post(f"/api/v1/messages/threads/{calm['id']}/messages", json={"body": RISKY})
    assert r.status_code == 201 and "support" in r.json()
    levels = {i["id"]: i["risk"]["level"] for i in c.get("/api/v1/messages/inbox").json()["items"]}
    assert levels[calm["id"]] == "urgent"


def test_inbox_is_oldest_first_within_a_level(young_person, counsellor, database) -> None:
    c = counsellor()
    first, second = write(young_person()), write(young_person())
    database.query("UPDATE message_thread SET awaiting_since = awaiting_since - interval '1 hour' WHERE id = $1",
                   uuid.UUID(second["id"]))
    ids = [i["id"] for i in c.get("/api/v1/messages/inbox").json()["items"]]
    assert ids.index(second["id"]) < ids.index(first["id"])


def test_claim_reply_and_close(young_person, counsellor, staff) -> None:
    yp, a, b = young_person(), counsellor("a", "Alex A"), counsellor("b", "Bo B")
    made = write(yp)
    assert a.post(f"/api/v1/messages/threads/{made['id']}/claim").status_code == 200
    assert a.post(f"/api/v1/messages/threads/{made['id']}/claim").status_code == 200  # their own claim again
    taken = b.post(f"/api/v1/messages/threads/{made['id']}/claim")
    assert taken.status_code == 409 and taken.headers["content-type"].startswith(PROBLEM) and taken.json()["detail"]
    item = next(i for i in a.get("/api/v1/messages/inbox").json()["items"] if i["id"] == made["id"])
    assert item["claimed_by"] == a.user["id"]
    assert b.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "hi"}).status_code == 409
    supervisor = staff("supervisor", name="Sky Super")
    assert supervisor.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "Hello from the team"}).status_code == 201
    assert a.post(f"/api/v1/messages/threads/{made['id']}/close").status_code == 200
    assert yp.get("/api/v1/messages/threads").json()["items"][0]["status"] == "closed"
    for who in (yp, a):
        r = who.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "anything"})
        assert r.status_code == 409 and r.json()["code"] == "closed" and r.json()["detail"]
    assert made["id"] not in [i["id"] for i in a.get("/api/v1/messages/inbox").json()["items"]]


def test_bad_input_stores_nothing(young_person, counsellor, database) -> None:
    yp = young_person()
    for body in ({"body": ""}, {"body": "   "}, {"body": "x" * 4001}, {"body": "ok", "subject": "s" * 141}):
        r = yp.post("/api/v1/messages/threads", json=body)
        assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM) and r.json()["detail"], body
    assert yp.get("/api/v1/messages/threads").json()["total"] == 0
    made = write(yp)
    for body in ({"body": ""}, {"body": "y" * 4001}):
        assert yp.post(f"/api/v1/messages/threads/{made['id']}/messages", json=body).status_code == 400
    assert database.query("SELECT count(*) AS n FROM message_thread_message WHERE thread_id = $1",
                          uuid.UUID(made["id"]))[0]["n"] == 1
    unknown = uuid.uuid4()
    for r in (yp.get(f"/api/v1/messages/threads/{unknown}"),
              yp.post(f"/api/v1/messages/threads/{unknown}/messages", json={"body": "hi"}),
              counsellor().post(f"/api/v1/messages/threads/{unknown}/claim")):
        assert r.status_code == 404 and r.json()["detail"]


def test_who_may_see_what(young_person, counsellor, staff, client: Client) -> None:
    yp, other = young_person(), young_person()
    made = write(yp)
    r = other.get(f"/api/v1/messages/threads/{made['id']}")
    assert r.status_code == 404 and r.json()["detail"]
    assert other.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "hi"}).status_code == 404
    assert made["id"] not in [t["id"] for t in other.get("/api/v1/messages/threads").json()["items"]]
    for role in ("moderator", "admin"):
        s = staff(role)
        assert s.get(f"/api/v1/messages/threads/{made['id']}").status_code == 403
        assert s.get("/api/v1/messages/inbox").status_code == 403
        assert s.post("/api/v1/messages/threads", json={"body": "hi"}).status_code == 403
    assert staff("council_admin", council=yp.user["council_code"]).get("/api/v1/messages/inbox").status_code == 403
    assert yp.get("/api/v1/messages/inbox").status_code == 403
    assert yp.post(f"/api/v1/messages/threads/{made['id']}/claim").status_code == 403
    assert yp.post(f"/api/v1/messages/threads/{made['id']}/close").status_code == 403
    assert client.post("/api/v1/messages/threads", json={"body": "hi"}).status_code == 401
    assert counsellor().post("/api/v1/messages/threads", json={"body": "hi"}).status_code == 403
    # the team sees the risk; the young person's own view never does
    c_view = counsellor().get(f"/api/v1/messages/threads/{made['id']}").json()
    assert "risk" in c_view and "risk" not in yp.get(f"/api/v1/messages/threads/{made['id']}").json()


def test_counsellors_hear_of_new_and_answered_threads(young_person, counsellor, server) -> None:
    c = counsellor()
    ws = ChatSocket(server.base_url, c)
    try:
        yp = young_person()
        made = write(yp)
        assert ws.wait_for("message_thread", id=made["id"])
        c.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "We're here."})
        assert ws.wait_for("message_thread", id=made["id"])
        risky = write(young_person(), RISKY)
        assert ws.wait_for("message_thread", id=risky["id"])["urgent"] is True
        yp_ws = ChatSocket(server.base_url, yp)
        write(yp, "another")
        assert not [f for f in yp_ws.drain(0.5) if f["type"] == "message_thread"]  # never to young people
        yp_ws.close()
    finally:
        ws.close()


def test_export_and_deletion(young_person, counsellor, database) -> None:
    yp = young_person()
    made = write(yp, body="what I wrote", subject="mine")
    counsellor().post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "what they replied"})
    exported = yp.get("/api/v1/me/export").json()["message_threads"]
    assert exported[0]["subject"] == "mine"
    assert [m["body"] for m in exported[0]["messages"]] == ["what I wrote", "what they replied"]
    assert yp.delete("/api/v1/me").status_code == 204
    row = database.query("SELECT young_person_id FROM message_thread WHERE id = $1", uuid.UUID(made["id"]))[0]
    assert row["young_person_id"] is None
    authors = database.query("SELECT author_id, sender FROM message_thread_message WHERE thread_id = $1",
                             uuid.UUID(made["id"]))
    assert [a["author_id"] for a in authors if a["sender"] == "young_person"] == [None]
    # the team can still read the thread, without any identity
    seen = counsellor().get(f"/api/v1/messages/threads/{made['id']}").json()
    assert seen["messages"][0]["body"] == "what I wrote"


@pytest.fixture(scope="module")
def receiver():
    r = Receiver(PUSH_RECEIVER_PORT)
    yield r
    r.httpd.shutdown()
    r.httpd.server_close()


def test_a_reply_pushes_to_a_young_person_who_opted_in(young_person, counsellor, receiver: Receiver) -> None:
    yp = young_person()
    sub, key, auth = new_subscription(f"/msg/{yp.user['username']}")
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    made = write(yp)
    counsellor().post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "We read your message."})
    push = receiver.wait(f"/msg/{yp.user['username']}")
    message = json.loads(http_ece.decrypt(push["body"], private_key=key, auth_secret=auth, version="aes128gcm"))
    assert message["body"] == "The team has replied to your message." and "exam" not in json.dumps(message)


def test_the_councils_figures_count_threads_and_reply_times(young_person, counsellor, staff, database) -> None:
    day, council = dt.date(2025, 2, 12), "E10000016"  # a day no other test touches
    database.query("DELETE FROM message_thread WHERE created_at::date = $1", day)
    made = [write(young_person(council_code=council)) for _ in range(6)]
    c = counsellor()
    for m in made[:5]:
        assert c.post(f"/api/v1/messages/threads/{m['id']}/messages", json={"body": "We're here."}).status_code == 201
    start = dt.datetime.combine(day, dt.time(10), dt.UTC)
    for i, m in enumerate(made):
        first_reply = None if i == 5 else start + dt.timedelta(hours=50 if i == 4 else 1)
        database.query("UPDATE message_thread SET created_at = $2, first_reply_at = $3 WHERE id = $1",
                       uuid.UUID(m["id"]), start, first_reply)
    officer = staff("council_admin", council=council)
    figures = officer.get(f"/api/v1/councils/{council}/reports/usage", params={"from": day.isoformat(), "to": day.isoformat()})
    assert figures.status_code == 200, figures.text
    assert figures.json()["messages"] == {"threads": 6, "median_first_reply_seconds": 3600,
                                          "answered_within_target_pct": 66.7, "answered_within_target": "<5"}
    other_day = officer.get(f"/api/v1/councils/{council}/reports/usage", params={"from": "2025-02-11", "to": "2025-02-11"})
    assert other_day.json()["messages"]["threads"] == "<5"
    assert other_day.json()["messages"]["median_first_reply_seconds"] is None
    csv_text = officer.get(f"/api/v1/councils/{council}/reports/usage",
                           params={"from": day.isoformat(), "to": day.isoformat(), "format": "csv"}).text
    assert "messages.threads,6" in csv_text
