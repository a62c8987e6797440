"""Talk to a counsellor: HTTP and WebSocket against real server processes and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from tests.chat_client import ChatSocket
from tests.harness import Client, Server

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def empty_queue(database) -> None:
    """Tests share one server: each starts with nobody waiting, no open chat, every counsellor away."""
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE chat_request SET status = 'ended' WHERE status = 'active'")
    database.query("UPDATE chat_session SET ended_at = now(), ended_by = 'test' WHERE ended_at IS NULL")
    database.query("UPDATE counsellor_availability SET status = 'away'")


@pytest.fixture
def counsellor(staff):
    def make(name: str = "Jo Bloggs", max_concurrent: int = 3, available: bool = True) -> Client:
        c = staff("counsellor", name=name, key=name)
        if available:
            r = c.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": max_concurrent})
            assert r.status_code == 200, r.text
        return c
    return make


def ask(yp: Client, **body) -> dict:
    r = yp.post("/api/v1/chat/requests", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def start_chat(young_person, counsellor, server: Server, name: str = "Jo Bloggs"):
    yp = young_person()
    c = counsellor(name)
    yp_ws, c_ws = ChatSocket(server.base_url, yp), ChatSocket(server.base_url, c)
    req = ask(yp, topic="exams")
    taken = c.post("/api/v1/chat/queue/take", json={"request_id": req["id"]})
    assert taken.status_code == 200, taken.text
    session_id = taken.json()["session_id"]
    yp_ws.wait_for("assigned", session_id=session_id)
    return yp, c, yp_ws, c_ws, session_id


# --- status, queue, roles -----------------------------------------------------------------


def test_status_when_open(client: Client, counsellor) -> None:
    counsellor()  # available: the estimate comes from the capacity that is there
    body = client.get("/api/v1/chat/status").json()
    assert body["open"] is True and body["estimated_wait_seconds"] > 0 and body["counsellors_online"] is True
    assert any(line.get("phone") == "0800 1111" for line in body["crisis_lines"])


def test_join_see_and_leave_the_queue(young_person) -> None:
    yp = young_person()
    req = ask(yp, topic="can't sleep", urgent=False)
    assert req["status"] == "waiting" and req["position"] >= 1 and req["estimated_wait_seconds"] > 0
    assert uuid.UUID(req["id"])
    again = yp.post("/api/v1/chat/requests", json={})
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    current = yp.get("/api/v1/chat/requests/current").json()
    assert current["id"] == req["id"] and current["status"] == "waiting"
    assert yp.delete("/api/v1/chat/requests/current").status_code == 204
    assert yp.get("/api/v1/chat/requests/current").status_code == 404
    assert yp.delete("/api/v1/chat/requests/current").status_code == 404


def test_queue_is_urgent_first_then_longest_waiting(young_person, counsellor) -> None:
    first, second, urgent = young_person(), young_person(), young_person()
    a = ask(first, topic="friends")
    b = ask(second)
    u = ask(urgent, urgent=True, topic="not safe")
    c = counsellor()
    items = c.get("/api/v1/chat/queue").json()["items"]
    order = [i["id"] for i in items if i["id"] in {a["id"], b["id"], u["id"]}]
    assert order == [u["id"], a["id"], b["id"]]
    top = items[0]
    assert set(top) >= {"id", "waited_seconds", "urgent", "topic", "council_code"} and top["urgent"] is True
    assert second.get("/api/v1/chat/requests/current").json()["position"] == 3
    # take next gives the urgent one
    assert c.post("/api/v1/chat/queue/take", json={}).json()["request_id"] == u["id"]


@pytest.mark.parametrize("body", [{"topic": "x" * 141}, {"urgent": "yes"}, {"topic": 5}])
def test_bad_request_bodies(young_person, body) -> None:
    assert young_person().post("/api/v1/chat/requests", json=body).status_code == 400


def test_roles(client: Client, young_person, staff) -> None:
    yp = young_person()
    moderator = staff("moderator")
    counsellor_ = staff("counsellor", key="roles")
    assert client.post("/api/v1/chat/requests", json={}).status_code == 401
    assert counsellor_.post("/api/v1/chat/requests", json={}).status_code == 403
    assert moderator.post("/api/v1/chat/requests", json={}).status_code == 403
    for c in (yp, moderator):
        assert c.put("/api/v1/chat/availability", json={"status": "available"}).status_code == 403
        assert c.get("/api/v1/chat/queue").status_code == 403
        assert c.post("/api/v1/chat/queue/take", json={}).status_code == 403
    assert client.get("/api/v1/chat/queue").status_code == 401
    assert counsellor_.put("/api/v1/chat/availability", json={"status": "busy"}).status_code == 400
    assert counsellor_.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 0}).status_code == 400


def test_take_needs_availability_room_and_someone_waiting(young_person, counsellor) -> None:
    away = counsellor("Away Person", available=False)
    assert away.post("/api/v1/chat/queue/take", json={}).json()["code"] == "away"
    c = counsellor("Limit Person", max_concurrent=1)
    assert c.post("/api/v1/chat/queue/take", json={}).status_code == 404  # nobody waiting
    ask(young_person())
    ask(young_person())
    assert c.post("/api/v1/chat/queue/take", json={}).status_code == 200
    r = c.post("/api/v1/chat/queue/take", json={})
    assert r.status_code == 409 and r.json()["code"] == "at_limit"
    assert c.post("/api/v1/chat/queue/take", json={"request_id": str(uuid.uuid4())}).status_code in (404, 409)


def test_two_counsellors_can_never_take_the_same_request(young_person, counsellor) -> None:
    req = ask(young_person())
    one, two = counsellor("Race One"), counsellor("Race Two")
    results: list[int] = []

    def take(c: Client) -> None:
        results.append(c.post("/api/v1/chat/queue/take", json={"request_id": req["id"]}).status_code)

    threads = [threading.Thread(target=take, args=(c,)) for c in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]


# --- the chat itself ----------------------------------------------------------------------


def test_a_whole_chat_over_websockets(young_person, counsellor, server: Server, database) -> None:
    yp = young_person()
    c = counsellor("Jo Bloggs")
    yp_ws = ChatSocket(server.base_url, yp)
    c_ws = ChatSocket(server.base_url, c)
    req = ask(yp, topic="exams")
    queued = yp_ws.wait_for("queue", request_id=req["id"])
    assert queued["position"] == 1 and queued["estimated_wait_seconds"] > 0
    session_id = c.post("/api/v1/chat/queue/take", json={"request_id": req["id"]}).json()["session_id"]
    assigned = yp_ws.wait_for("assigned", session_id=session_id)
    assert assigned["counsellor"] == "Jo" and assigned["request_id"] == req["id"]  # first name only

    cid = yp_ws.say(session_id, "hi, exams are stressing me out")
    ack = yp_ws.wait_for("ack", client_id=cid)
    assert ack["seq"] == 1
    got = c_ws.wait_for("message", session_id=session_id, seq=1)
    assert got["sender"] == "young_person" and got["body"] == "hi, exams are stressing me out" and got["client_id"] == cid

    c_ws.send({"type": "typing", "session_id": session_id})
    assert yp_ws.wait_for("typing", session_id=session_id)
    reply = c_ws.say(session_id, "Hi, I'm Jo. Tell me more?")
    assert c_ws.wait_for("ack", client_id=reply)["seq"] == 2
    assert yp_ws.wait_for("message", session_id=session_id, seq=2)["sender"] == "counsellor"

    history = yp.get(f"/api/v1/chat/sessions/{session_id}/messages").json()
    assert [m["seq"] for m in history["items"]] == [1, 2] and history["total"] == 2
    assert set(history["items"][0]) >= {"seq", "sender", "body", "sent_at", "client_id"}
    assert [m["seq"] for m in c.get(f"/api/v1/chat/sessions/{session_id}/messages", params={"after_seq": 1}).json()["items"]] == [2]
    assert yp.get("/api/v1/chat/requests/current").json()["session_id"] == session_id

    r = c.post(f"/api/v1/chat/sessions/{session_id}/end", json={"notes": "exam stress; coping plan", "risk_level": "low"})
    assert r.status_code == 200 and r.json()["risk_level"] == "low"
    yp_ws.wait_for("ended", session_id=session_id)
    c_ws.wait_for("ended", session_id=session_id)
    late = yp_ws.say(session_id, "thanks")
    assert yp_ws.wait_for("error", client_id=late)["code"] == "ended"
    assert yp.get("/api/v1/chat/requests/current").status_code == 404
    row = database.query("SELECT notes, ended_by FROM chat_session WHERE id = $1::uuid", session_id)[0]
    assert row["notes"] == "exam stress; coping plan" and row["ended_by"] == "counsellor"
    yp_ws.close()
    c_ws.close()


def test_seq_has_no_gaps_and_a_client_id_is_stored_once(young_person, counsellor, server: Server, database) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    cid = str(uuid.uuid4())
    yp_ws.say(session_id, "first", client_id=cid)
    yp_ws.say(session_id, "first", client_id=cid)  # the phone retried
    acks = [yp_ws.wait_for("ack", client_id=cid), yp_ws.wait_for("ack", client_id=cid)]
    assert acks[0]["seq"] == acks[1]["seq"] == 1
    # the HTTP fallback with the same client_id answers with the same message too
    r = yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": "first", "client_id": cid})
    assert r.status_code == 201 and r.json()["seq"] == 1
    # both sides writing at once still number 2..21 without gaps
    threads = [threading.Thread(target=lambda who=who: [who.post(f"/api/v1/chat/sessions/{session_id}/messages",
                                                                   json={"body": f"m{i}", "client_id": str(uuid.uuid4())})
                                                          for i in range(10)]) for who in (yp, c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = [r["seq"] for r in database.query("SELECT seq FROM chat_message WHERE session_id = $1::uuid ORDER BY seq", session_id)]
    assert seqs == list(range(1, 22))


def test_resume_replays_exactly_what_was_missed(young_person, counsellor, server: Server) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    yp_ws.say(session_id, "one")
    yp_ws.wait_for("ack")
    yp_ws.close()  # the signal drops
    for text in ("two", "three", "four"):
        c_ws.say(session_id, text)
        c_ws.wait_for("ack")
    back = ChatSocket(server.base_url, yp)
    back.send({"type": "resume", "session_id": session_id, "after_seq": 1})
    got = [back.wait_for("message", session_id=session_id, seq=s)["body"] for s in (2, 3, 4)]
    assert got == ["two", "three", "four"]
    assert not [f for f in back.drain() if f.get("type") == "message"]  # nothing twice


def test_nobody_else_can_read_or_write_a_chat(young_person, counsellor, staff, client: Client, server: Server) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    outsider, other_counsellor, moderator = young_person(), counsellor("Other Counsellor"), staff("moderator")
    for who in (outsider, other_counsellor):
        assert who.get(f"/api/v1/chat/sessions/{session_id}/messages").status_code == 404
        assert who.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": "hi"}).status_code == 404
    assert moderator.get(f"/api/v1/chat/sessions/{session_id}/messages").status_code == 404
    assert client.get(f"/api/v1/chat/sessions/{session_id}/messages").status_code == 401
    assert other_counsellor.post(f"/api/v1/chat/sessions/{session_id}/end", json={}).status_code == 404
    assert yp.post(f"/api/v1/chat/sessions/{session_id}/end", json={}).status_code == 403
    sneaky = ChatSocket(server.base_url, outsider)
    sneaky.send({"type": "resume", "session_id": session_id, "after_seq": 0})
    assert "no such chat" in sneaky.wait_for("error")["detail"].lower()
    sneaky.say(session_id, "let me in")
    assert sneaky.wait_for("error")["session_id"] == session_id
    assert not [f for f in sneaky.drain() if f.get("type") == "message"]


def test_bad_frames_get_a_clear_error_and_the_socket_stays_usable(young_person, counsellor, server: Server) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    yp_ws.send("this is not json")
    assert yp_ws.wait_for("error")["code"] == "bad_frame"
    yp_ws.send("[1, 2]")
    assert yp_ws.wait_for("error")["code"] == "bad_frame"
    yp_ws.send({"type": "dance", "session_id": session_id})
    assert "unknown" in yp_ws.wait_for("error")["detail"].lower()
    yp_ws.send({"type": "message", "body": "no session"})
    assert yp_ws.wait_for("error")["code"] == "bad_frame"
    yp_ws.send({"type": "message", "session_id": session_id, "client_id": "not-a-uuid", "body": "x"})
    assert yp_ws.wait_for("error")["code"] == "bad_frame"
    yp_ws.send({"type": "message", "session_id": session_id, "client_id": str(uuid.uuid4()), "body": "x" * 1_000_000})
    assert yp_ws.wait_for("error", timeout=20)["code"] == "too_long"
    yp_ws.send({"type": "message", "session_id": session_id, "client_id": str(uuid.uuid4()), "body": "y" * 5000})
    assert yp_ws.wait_for("error")["code"] == "too_long"
    cid = yp_ws.say(session_id, "still here")
    assert yp_ws.wait_for("ack", client_id=cid)["seq"] == 1


def test_socket_checks_origin_session_and_role(young_person, staff, server: Server) -> None:
    yp = young_person()
    with pytest.raises(ConnectionClosed) as bad_origin:
        ws = ChatSocket(server.base_url, yp, origin="https://evil.example")
        ws.ws.recv(timeout=5)
    assert bad_origin.value.rcvd.code == 4403
    with pytest.raises(ConnectionClosed) as anonymous:
        ws = ChatSocket(server.base_url, None)
        ws.ws.recv(timeout=5)
    assert anonymous.value.rcvd.code == 4401
    with pytest.raises(ConnectionClosed) as moderator:
        ws = ChatSocket(server.base_url, staff("moderator"))
        ws.ws.recv(timeout=5)
    assert moderator.value.rcvd.code == 4403


def test_a_message_at_risk_marks_the_chat_and_the_counsellor_sees_it(young_person, counsellor, server: Server, database) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    cid = yp_ws.say(session_id, "honestly i just want to kill myself")
    message = c_ws.wait_for("message", session_id=session_id, seq=1)
    assert message["risk"] == "urgent"
    # The level is for the counsellor: the young person's own devices never get it.
    assert "risk" not in yp_ws.wait_for("message", session_id=session_id, seq=1)
    assert "risk" not in yp.get(f"/api/v1/chat/sessions/{session_id}/messages").json()["items"][0]
    assert c.get(f"/api/v1/chat/sessions/{session_id}/messages").json()["items"][0]["risk"] == "urgent"
    again = yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": "honestly i just want to kill myself",
                                                                            "client_id": cid})
    assert again.status_code == 201 and again.json()["seq"] == 1 and "risk" not in again.json()
    assert database.query("SELECT at_risk FROM chat_session WHERE id = $1::uuid", session_id)[0]["at_risk"] is True
    sessions = c.get("/api/v1/chat/sessions").json()["items"]
    assert any(s["session_id"] == session_id and s["at_risk"] for s in sessions)


def test_with_the_rules_compiled_at_start_risk_is_still_found_in_short_and_long_messages(
        server_env, young_person, counsellor, server: Server, database) -> None:
    """Production compiles the moderation rules at start; a short message is then assessed
    on the event loop and a long one in a thread: both must still find risk to life."""
    import time

    assert Client(server.base_url).get("/health/ready").json()["moderation_rules"] == "compiling"  # tests: lazily
    warm = Server(env={**server_env, "WAYMARK_MODERATION_WARM_UP": "1"}).start()
    try:
        probe = Client(warm.base_url)
        deadline = time.monotonic() + 60
        while probe.get("/health/ready").json()["moderation_rules"] != "compiled":
            assert time.monotonic() < deadline, "the rules were not compiled at start"
            time.sleep(0.2)
        yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, warm)
        yp_ws.say(session_id, "i want to end my life tonight")
        assert c_ws.wait_for("message", session_id=session_id, seq=1)["risk"] == "urgent"
        long_text = "school has been a lot and my friends are busy. " * 15 + "i want to kill myself"
        assert len(long_text) > 600
        yp_ws.say(session_id, long_text)
        assert c_ws.wait_for("message", session_id=session_id, seq=2)["risk"] == "urgent"
        yp_ws.say(session_id, "thanks for listening, that helped")
        assert "risk" not in c_ws.wait_for("message", session_id=session_id, seq=3)
        assert database.query("SELECT at_risk FROM chat_session WHERE id = $1::uuid", session_id)[0]["at_risk"] is True
    finally:
        warm.stop()


def test_a_long_wait_is_told_kindly_with_crisis_lines(young_person, server: Server) -> None:
    yp = young_person()
    ws = ChatSocket(server.base_url, yp)
    req = ask(yp)
    frame = ws.wait_for("queue", timeout=15, request_id=req["id"], long_wait=True)
    assert frame["message"] and any(line.get("phone") for line in frame["crisis_lines"])
    assert yp.get("/api/v1/chat/requests/current").json()["status"] == "waiting"  # still in the queue


def test_young_person_leaving_ends_the_chat_for_the_counsellor(young_person, counsellor, server: Server) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    assert c.get("/api/v1/chat/availability").json() == {"status": "available", "max_concurrent": 3, "active_chats": 1}
    assert yp.get("/api/v1/chat/availability").status_code == 403
    assert yp.delete("/api/v1/chat/requests/current").status_code == 204
    assert c_ws.wait_for("ended", session_id=session_id)["ended_by"] == "young_person"
    assert c.get("/api/v1/chat/availability").json()["active_chats"] == 0


def test_the_end_replays_nothing_to_a_socket_that_never_showed_the_chat(young_person, counsellor, server: Server) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    for text in ("one", "two", "three"):
        c_ws.say(session_id, text)
        c_ws.wait_for("ack")
    new_tab = ChatSocket(server.base_url, c)  # opened later; it never resumed this chat
    assert yp.delete("/api/v1/chat/requests/current").status_code == 204
    assert new_tab.wait_for("ended", session_id=session_id)["ended_by"] == "young_person"
    assert c_ws.wait_for("ended", session_id=session_id)
    assert not [f for f in new_tab.drain(1.5) if f.get("type") == "message"]  # 1.5 s: a sweep too


def test_deleting_the_account_removes_identity_but_keeps_the_safeguarding_record(young_person, counsellor, server: Server, database) -> None:
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    yp_ws.say(session_id, "hello")
    yp_ws.wait_for("ack")
    exported = yp.get("/api/v1/me/export").json()
    assert exported["chats"][0]["messages"][0]["body"] == "hello"
    assert yp.delete("/api/v1/me").status_code == 204
    row = database.query("SELECT young_person_id FROM chat_session WHERE id = $1::uuid", session_id)[0]
    assert row["young_person_id"] is None
    assert database.query("SELECT count(*) AS n FROM chat_message WHERE session_id = $1::uuid", session_id)[0]["n"] == 1


def test_sockets_are_not_leaked(server_env) -> None:
    """On a server of its own (other tests' sockets would blur the count): 20 sockets
    opened and closed leave nothing behind in the hub."""
    from tests.harness import signup_body

    own = Server(env=server_env).start()
    try:
        c = Client(own.base_url)

        def open_sockets() -> float:
            for line in c.get("/metrics").text.splitlines():
                if line.startswith("waymark_chat_sockets "):
                    return float(line.split()[1])
            raise AssertionError("no waymark_chat_sockets metric")

        assert c.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        assert open_sockets() == 0
        sockets = [ChatSocket(own.base_url, c) for _ in range(20)]
        assert open_sockets() == 20
        for s in sockets:
            s.close()
        import time

        deadline = time.monotonic() + 10
        while open_sockets() != 0:
            assert time.monotonic() < deadline, f"{open_sockets()} sockets still held after closing all"
            time.sleep(0.1)
        c.close()
    finally:
        own.stop()


# --- opening hours --------------------------------------------------------------------------


def test_out_of_hours_shows_crisis_lines_instead_of_a_queue(server_env, young_person) -> None:
    closed = Server(env={**server_env, "WAYMARK_CHAT_HOURS": "never"}).start()
    try:
        c = Client(closed.base_url)
        status = c.get("/api/v1/chat/status").json()
        assert status["open"] is False and status["crisis_lines"]
        assert "estimated_wait_seconds" not in status
        body = {"username": None}
        from tests.harness import signup_body

        body = signup_body()
        assert c.post("/api/v1/auth/signup", json=body).status_code == 201
        r = c.post("/api/v1/chat/requests", json={"urgent": True})
        assert r.status_code == 409 and r.json()["code"] == "closed"
        assert any(line.get("phone") == "116 123" for line in r.json()["crisis_lines"])
        c.close()
    finally:
        closed.stop()


def test_a_weekly_schedule_says_when_chat_opens_next(server_env) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("Europe/London"))
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    tomorrow = days[(now.weekday() + 1) % 7]
    closed = Server(env={**server_env, "WAYMARK_CHAT_HOURS": f"{tomorrow} 12:00-22:00"}).start()
    try:
        status = Client(closed.base_url).get("/api/v1/chat/status").json()
        assert status["open"] is False
        opens = dt.datetime.fromisoformat(status["opens_at"]).astimezone(ZoneInfo("Europe/London"))
        assert opens.date() == now.date() + dt.timedelta(days=1) and (opens.hour, opens.minute) == (12, 0)
    finally:
        closed.stop()
