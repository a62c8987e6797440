"""Safeguarding alerts: raised from forum posts and chat messages, one per author per hour,
read and acknowledged by the counsellors — through HTTP (and the WebSocket) against the
running server and PostgreSQL.

The server is shared by every test file: each test finds its alerts by its own authors'
usernames and its own post or chat ids."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from tests.api.test_forums import PROBLEM, RISKY, published_thread, queue, reply, start_thread
from tests.chat_client import ChatSocket
from tests.harness import Client, Server

DANGER = "my dad said if i tell anyone he will hurt me"
RISKY_AGAIN = ["i want to kill myself", "i dont want to be alive anymore", "i want to end it all tonight",
               "im going to kill myself tonight", "i want to die"]


@pytest.fixture
def counsellor(staff) -> Client:
    return staff("counsellor", name="Cara Counsellor", key="safeguarding-alerts")


@pytest.fixture
def moderator(staff) -> Client:
    return staff("moderator", name="Mo Derator")


def alerts(c: Client, status: str = "open") -> list[dict[str, Any]]:
    r = c.get("/api/v1/safeguarding/alerts", params={"status": status, "limit": 500})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] >= len(body["items"])
    return body["items"]


def alerts_about(c: Client, author: Client, status: str = "open") -> list[dict[str, Any]]:
    return [a for a in alerts(c, status) if a["username"] == author.user["username"]]


def assert_support(answer: dict[str, Any]) -> None:
    support = answer["support"]
    assert answer["status"] == "held" and support["can_talk_to_counsellor"] is True
    phones = {line.get("phone") for line in support["crisis_lines"]}
    assert {"0800 1111", "999"} <= phones  # Childline and emergency services, from the crisis-line data


# --- forum posts -------------------------------------------------------------------------------------


def test_a_risky_thread_and_a_risky_reply_each_get_support_and_an_alert(young_person, moderator, counsellor,
                                                                        database) -> None:
    author = young_person()
    thread = start_thread(author, title="tonight", body=RISKY)
    assert_support(thread)
    [alert] = alerts_about(counsellor, author)
    assert alert["kind"] == "post" and alert["source_id"] == thread["id"] and alert["post_id"] == thread["id"]
    assert alert["level"] == "urgent" and "risk_to_life" in alert["categories"]
    assert alert["risk"] == {"level": "urgent", "categories": alert["categories"]}
    assert alert["author"] == author.user["username"] and alert["status"] == "open" and alert["automatic"] is True
    assert alert["body"] == RISKY and alert["thread_title"] == "tonight" and alert["post_status"] == "held"
    assert [(i["kind"], i["source_id"]) for i in alert["items"]] == [("post", thread["id"])]
    assert alert["items"][0]["body"] == RISKY and alert["items"][0]["thread_id"] == thread["id"]  # read from the post
    [stored] = database.query("SELECT * FROM safeguarding_alert_item WHERE source_id = $1::uuid", thread["id"])
    assert RISKY not in {str(v) for v in dict(stored).values()}  # an item points at the words, never copies them

    _, tid = published_thread(young_person, moderator)
    replier = young_person()
    answer = reply(replier, tid, body=RISKY)
    assert_support(answer)
    [reply_alert] = alerts_about(counsellor, replier)
    assert reply_alert["kind"] == "post" and reply_alert["source_id"] == answer["id"]
    assert reply_alert["thread_id"] == tid and reply_alert["id"] != alert["id"]
    held = {i["id"]: i for i in queue(moderator)}
    assert held[thread["id"]]["status"] == "held" and held[answer["id"]]["status"] == "held"


def test_danger_from_others_gets_kind_support_and_an_alert(young_person, moderator, counsellor) -> None:
    author = young_person()
    answer = start_thread(author, title="at home", body=DANGER)
    assert_support(answer)
    assert "deserve to be safe" in answer["support"]["message"] and "999" in answer["support"]["message"]
    [alert] = alerts_about(counsellor, author)
    assert alert["source_id"] == answer["id"] and "danger_from_others" in alert["categories"]
    assert alert["level"] == "high" and "danger from someone else" in alert["note"]
    assert next(i for i in queue(moderator) if i["id"] == answer["id"])["status"] == "held"
    # the author sees the support again with their held post
    mine = author.get(f"/api/v1/threads/{answer['id']}").json()["posts"][0]
    assert mine["needs_support"] is True


def test_an_ordinary_post_raises_no_alert(young_person, counsellor) -> None:
    author = young_person()
    answer = start_thread(author)
    assert "support" not in answer and answer["status"] == "pending"
    assert alerts_about(counsellor, author, "all") == []


# --- one author cannot flood the alerts ------------------------------------------------------------


def test_one_author_within_an_hour_is_one_alert_listing_every_post(young_person, moderator, counsellor,
                                                                   database) -> None:
    author, other = young_person(), young_person()
    answers = [start_thread(author, title=f"night {n}", body=body) for n, body in enumerate(RISKY_AGAIN)]
    for answer in answers:  # every post answered with support, held and queued: nothing dropped
        assert_support(answer)
    in_queue = {i["id"]: i["status"] for i in queue(moderator)}
    assert all(in_queue.get(a["id"]) == "held" for a in answers)
    [alert] = alerts_about(counsellor, author)
    assert [i["source_id"] for i in alert["items"]] == [a["id"] for a in answers]
    assert [i["body"] for i in alert["items"]] == RISKY_AGAIN  # the counsellor reads every one
    assert alert["item_count"] == 5 and alert["source_id"] == answers[0]["id"] and alert["level"] == "urgent"

    # another author: an alert of their own, listed first (newest first)
    theirs = start_thread(other, title="me too", body=RISKY)
    [other_alert] = alerts_about(counsellor, other)
    assert other_alert["id"] != alert["id"] and [i["source_id"] for i in other_alert["items"]] == [theirs["id"]]
    ids = [a["id"] for a in alerts(counsellor)]
    assert ids.index(other_alert["id"]) < ids.index(alert["id"])
    created = [a["created_at"] for a in alerts(counsellor)]
    assert created == sorted(created, reverse=True)

    # an hour later, the next risky post opens a new alert
    database.query("UPDATE safeguarding_alert SET created_at = now() - interval '61 minutes' WHERE id = $1::uuid",
                   alert["id"])
    later = start_thread(author, title="again", body=RISKY)
    assert_support(later)
    by_id = {a["id"]: a for a in alerts_about(counsellor, author)}
    assert len(by_id) == 2 and by_id[alert["id"]]["item_count"] == 5
    [new] = [a for a in by_id.values() if a["id"] != alert["id"]]
    assert [i["source_id"] for i in new["items"]] == [later["id"]]


def test_an_acknowledged_alert_is_not_added_to_and_a_lower_item_never_lowers_the_level(young_person,
                                                                                      counsellor) -> None:
    author = young_person()
    first = start_thread(author, title="home", body=DANGER)
    [alert] = alerts_about(counsellor, author)
    assert alert["level"] == "high"
    start_thread(author, title="tonight", body=RISKY)  # urgent: the alert's level rises
    [alert] = alerts_about(counsellor, author)
    assert alert["level"] == "urgent" and alert["item_count"] == 2
    assert alert["categories"][:1] == ["risk_to_life"] and "danger_from_others" in alert["categories"]
    start_thread(author, title="home again", body=DANGER)  # high: still urgent
    [alert] = alerts_about(counsellor, author)
    assert alert["level"] == "urgent" and alert["item_count"] == 3 and alert["source_id"] == first["id"]

    ack = counsellor.post(f"/api/v1/safeguarding/alerts/{alert['id']}/acknowledge", json={"note": "Called"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged" and ack.json()["item_count"] == 3
    after = start_thread(author, title="still", body=RISKY)
    [fresh] = alerts_about(counsellor, author)
    assert fresh["id"] != alert["id"] and [i["source_id"] for i in fresh["items"]] == [after["id"]]


def test_two_risky_posts_at_once_are_still_one_alert(young_person, make_client, counsellor) -> None:
    author = young_person()
    second = make_client()
    r = second.post("/api/v1/auth/login", json={"username": author.user["username"], "password": author.user["password"]})
    assert r.status_code == 200, r.text
    barrier, answers = threading.Barrier(2), {}

    def send(name: str, c: Client) -> None:
        barrier.wait()
        answers[name] = c.post("/api/v1/boards/exams-and-school/threads",
                               json={"title": name, "body": RISKY})

    threads = [threading.Thread(target=send, args=(n, c)) for n, c in (("one", author), ("two", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(a.status_code == 202 and "support" in a.json() for a in answers.values())
    [alert] = alerts_about(counsellor, author)
    assert sorted(i["source_id"] for i in alert["items"]) == sorted(a.json()["id"] for a in answers.values())


# --- chat ------------------------------------------------------------------------------------------------


def start_chat(young_person, staff, server: Server) -> tuple[Client, Client, ChatSocket, str]:
    yp = young_person()
    c = staff("counsellor", name="Kit Counsellor", key="safeguarding-chat")
    assert c.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}).status_code == 200
    yp_ws = ChatSocket(server.base_url, yp)
    req = yp.post("/api/v1/chat/requests", json={"topic": "home"})
    assert req.status_code == 201, req.text
    taken = c.post("/api/v1/chat/queue/take", json={"request_id": req.json()["id"]})
    assert taken.status_code == 200, taken.text
    session_id = taken.json()["session_id"]
    yp_ws.wait_for("assigned", session_id=session_id)
    return yp, c, yp_ws, session_id


def test_a_risky_chat_message_raises_a_chat_alert_and_flags_the_chat(young_person, staff, server: Server,
                                                                     database) -> None:
    yp, c, yp_ws, session_id = start_chat(young_person, staff, server)
    desk = ChatSocket(server.base_url, c)
    try:
        yp_ws.say(session_id, DANGER)  # "high", not urgent: the chat is flagged all the same
        yp_ws.wait_for("ack")
        frame = desk.wait_for("safeguarding_alert", timeout=5)
    finally:
        desk.close()
        yp_ws.close()
    [alert] = alerts_about(c, yp)
    assert alert["id"] == frame["id"] and alert["kind"] == "chat" and alert["source_id"] == session_id
    assert "danger_from_others" in alert["categories"] and alert["items"][0]["reference"] == "seq 1"
    assert database.query("SELECT at_risk FROM chat_session WHERE id = $1::uuid", session_id)[0]["at_risk"] is True
    assert any(s["session_id"] == session_id and s["at_risk"] for s in c.get("/api/v1/chat/sessions").json()["items"])

    # the HTTP fallback too; the same message again (same client_id) adds nothing
    cid = str(uuid.uuid4())
    for _ in range(2):
        sent = yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": RISKY, "client_id": cid})
        assert sent.status_code == 201 and "risk" not in sent.json()
    [alert] = alerts_about(c, yp)
    assert alert["level"] == "urgent" and [i["reference"] for i in alert["items"]] == ["seq 1", "seq 2"]
    # a counsellor's words are never assessed into an alert
    assert c.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": RISKY}).status_code == 201
    assert alerts_about(c, yp)[0]["item_count"] == 2


def test_a_risky_post_and_chat_message_at_once_from_one_person_are_one_alert(young_person, staff,
                                                                           server: Server) -> None:
    yp, c, yp_ws, session_id = start_chat(young_person, staff, server)
    yp_ws.close()
    barrier, answers = threading.Barrier(2), {}

    def post() -> None:
        barrier.wait()
        answers["post"] = yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "now", "body": RISKY})

    def chat() -> None:
        barrier.wait()
        answers["chat"] = yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": RISKY})

    threads = [threading.Thread(target=f) for f in (post, chat)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert answers["post"].status_code == 202 and answers["chat"].status_code == 201
    [alert] = alerts_about(c, yp)
    assert sorted(i["kind"] for i in alert["items"]) == ["chat", "post"]


# --- the endpoints: roles and bad input ----------------------------------------------------------------


def test_alert_endpoints_refuse_wrong_roles_and_bad_input(client: Client, young_person, moderator, counsellor,
                                                          staff) -> None:
    author = young_person()
    start_thread(author, title="x", body=RISKY)
    [alert] = alerts_about(counsellor, author)
    ack_path = f"/api/v1/safeguarding/alerts/{alert['id']}/acknowledge"

    assert client.get("/api/v1/safeguarding/alerts").status_code == 401
    assert client.post(ack_path).status_code == 401
    for c in (author, staff("council_admin", council="E06000044")):
        r = c.get("/api/v1/safeguarding/alerts")
        assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
        assert c.post(ack_path).status_code == 403
    assert any(a["id"] == alert["id"] for a in alerts(moderator))  # moderators read them ...
    assert moderator.post(ack_path).status_code == 403  # ... counsellors act on them
    assert staff("admin").get("/api/v1/safeguarding/alerts").status_code == 200

    for params in ({"status": "nope"}, {"status": "OPEN"}, {"limit": 0}, {"limit": 501}, {"offset": -1},
                   {"limit": "ten"}):
        r = counsellor.get("/api/v1/safeguarding/alerts", params=params)
        assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM), params
    bad = counsellor.get("/api/v1/safeguarding/alerts", params={"status": "nope"}).json()
    assert bad["code"] == "bad_status" and "open, acknowledged or all" in bad["detail"]

    assert counsellor.post(f"/api/v1/safeguarding/alerts/{uuid.uuid4()}/acknowledge").status_code == 404
    assert counsellor.post("/api/v1/safeguarding/alerts/not-a-uuid/acknowledge").status_code in (400, 404)
    long_note = counsellor.post(ack_path, json={"note": "x" * 2001})
    assert long_note.status_code == 400 and long_note.headers["content-type"].startswith(PROBLEM)
    assert counsellor.post(ack_path, json={"note": 5}).status_code == 400
    assert any(a["id"] == alert["id"] for a in alerts(counsellor))  # nothing changed by the bad attempts

    done = counsellor.post(ack_path, json={"note": "  Reached out in chat  "})
    assert done.status_code == 200
    assert done.json()["status"] == "acknowledged" and done.json()["acknowledge_note"] == "Reached out in chat"
    again = counsellor.post(ack_path)
    assert again.status_code == 409 and again.json()["code"] == "acknowledged"
    assert all(a["id"] != alert["id"] for a in alerts(counsellor))
    assert any(a["id"] == alert["id"] for a in alerts(counsellor, "acknowledged"))
    assert any(a["id"] == alert["id"] for a in alerts(counsellor, "all"))
