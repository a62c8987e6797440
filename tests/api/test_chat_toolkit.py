# ruff: noqa: F811 - the chat tests' fixtures (counsellor, empty_queue) are imported, then used by name
"""The counsellor's toolkit: transfer, history, saved replies, the live board, watching and
whispers, and the hub's resume guarantees, through HTTP and the WebSocket."""

from __future__ import annotations

import uuid

import pytest

from tests.api.test_chat import ask, counsellor, empty_queue  # noqa: F401 - shared fixtures
from tests.chat_client import ChatSocket
from tests.harness import Client

PROBLEM = "application/problem+json"


def start(young_person, c: Client, server) -> tuple[Client, ChatSocket, ChatSocket, str]:
    yp = young_person()
    yp_ws, c_ws = ChatSocket(server.base_url, yp), ChatSocket(server.base_url, c)
    req = ask(yp, topic="home")
    taken = c.post("/api/v1/chat/queue/take", json={"request_id": req["id"]})
    assert taken.status_code == 200, taken.text
    session_id = taken.json()["session_id"]
    yp_ws.wait_for("assigned", session_id=session_id)
    c_ws.wait_for("assigned", session_id=session_id)
    return yp, yp_ws, c_ws, session_id


@pytest.fixture
def supervisor(staff):
    return staff("supervisor", name="Sky Supervisor")


def test_counsellors_list(counsellor, supervisor) -> None:
    a = counsellor("Ana Able", max_concurrent=2)
    listed = a.get("/api/v1/chat/counsellors").json()
    me = next(i for i in listed["items"] if i["id"] == a.user["id"])
    assert me == {"id": a.user["id"], "name": "Ana Able", "status": "available", "active_chats": 0, "max_concurrent": 2}
    assert listed["total"] == len(listed["items"])
    assert supervisor.get("/api/v1/chat/counsellors").status_code == 200


def test_transfer_to_a_named_counsellor_keeps_the_chat(young_person, counsellor, server, database) -> None:
    a, b = counsellor("Ana Able"), counsellor("Ben Bold")
    yp, yp_ws, a_ws, sid = start(young_person, a, server)
    b_ws = ChatSocket(server.base_url, b)
    yp_ws.say(sid, "hello")
    a_ws.wait_for("message", seq=1)
    moved = a.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"to_counsellor_id": b.user["id"],
                                                                   "note": "Worried about home; go gently."})
    assert moved.status_code == 200 and moved.json()["session_id"] == sid
    told = yp_ws.wait_for("transferred", session_id=sid)
    assert told["counsellor"] == "Ben" and "note" not in str(told) and "gently" not in str(told)
    got = b_ws.wait_for("assigned", session_id=sid)
    assert got["handover"]["note"] == "Worried about home; go gently." and got["handover"]["from"] == "Ana"
    b_ws.send({"type": "resume", "session_id": sid, "after_seq": 0})
    assert b_ws.wait_for("message", session_id=sid, seq=1)["body"] == "hello"
    a_ws.wait_for("transferred", session_id=sid)
    mine = {i["session_id"]: i for i in b.get("/api/v1/chat/sessions").json()["items"]}
    assert mine[sid]["handover"]["note"] == "Worried about home; go gently."  # beside the chat, after a reload too
    assert sid not in {i["session_id"] for i in a.get("/api/v1/chat/sessions").json()["items"]}
    # the same chat carries on, seq unbroken, between the young person and the new counsellor
    b_ws.say(sid, "Hi, I'm Ben.")
    assert yp_ws.wait_for("message", session_id=sid, seq=2)["body"] == "Hi, I'm Ben."
    yp_ws.say(sid, "hi Ben")
    assert b_ws.wait_for("message", session_id=sid, seq=3)["body"] == "hi Ben"
    assert not [f for f in a_ws.drain(0.4) if f.get("type") == "message"]  # the old counsellor has let it go
    r = a.post(f"/api/v1/chat/sessions/{sid}/messages", json={"body": "still here?"})
    assert r.status_code == 404
    assert yp.get("/api/v1/chat/requests/current").json()["session_id"] == sid
    assert [m["seq"] for m in yp.get(f"/api/v1/chat/sessions/{sid}/messages").json()["items"]] == [1, 2, 3]
    for ws in (yp_ws, a_ws, b_ws):
        ws.close()


def test_transfer_back_to_the_front_of_the_queue(young_person, counsellor, server) -> None:
    a = counsellor("Ana Able")
    waiting = young_person()
    early = ask(waiting, topic="waiting first")  # already in the queue before the transfer
    yp, yp_ws, a_ws, sid = start(young_person, a, server)
    yp_ws.say(sid, "one")
    a_ws.wait_for("message", seq=1)
    assert a.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "Needs someone who knows about care."}).status_code == 200
    assert yp_ws.wait_for("transferred", session_id=sid)["counsellor"] is None
    # in flight while queued: stored once, acknowledged, and nothing is lost
    cid = yp_ws.say(sid, "are you there?")
    assert yp_ws.wait_for("ack", client_id=cid)["seq"] == 2
    queue = a.get("/api/v1/chat/queue").json()["items"]
    assert queue[0]["transferred"] is True and queue[1]["id"] == early["id"]
    assert "care" not in str(queue)  # the note is for the next counsellor only
    assert yp.get("/api/v1/chat/requests/current").json()["position"] == 1
    c = counsellor("Cal Calm")
    c_ws = ChatSocket(server.base_url, c)
    taken = c.post("/api/v1/chat/queue/take", json={})
    assert taken.status_code == 200 and taken.json()["session_id"] == sid
    assert c_ws.wait_for("assigned", session_id=sid)["handover"]["note"] == "Needs someone who knows about care."
    assert yp_ws.wait_for("transferred", session_id=sid)["counsellor"] == "Cal"
    c_ws.send({"type": "resume", "session_id": sid, "after_seq": 0})
    assert [c_ws.wait_for("message", session_id=sid, seq=n)["seq"] for n in (1, 2)] == [1, 2]
    c_ws.say(sid, "Hello, I'm Cal.")
    assert yp_ws.wait_for("message", session_id=sid, seq=3)["body"] == "Hello, I'm Cal."
    seqs = [f["seq"] for f in yp_ws.drain(0.3) if f.get("type") == "message"]
    assert sorted(seqs) == [1, 2]  # each of its own messages echoed once: the in-flight one arrived once
    for ws in (yp_ws, a_ws, c_ws):
        ws.close()


def test_transfer_refusals_store_nothing(young_person, counsellor, staff, supervisor, server, database) -> None:
    a = counsellor("Ana Able")
    away = counsellor("Ava Away", available=False)
    full = counsellor("Fay Full", max_concurrent=1)
    other_yp = young_person()
    ask(other_yp)
    assert full.post("/api/v1/chat/queue/take", json={}).status_code == 200
    yp, yp_ws, a_ws, sid = start(young_person, a, server)
    for target, code in ((away, "away"), (full, "at_limit")):
        r = a.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"to_counsellor_id": target.user["id"], "note": "n"})
        assert r.status_code == 409 and r.json()["code"] == code and r.json()["detail"]
        assert r.headers["content-type"].startswith(PROBLEM)
    assert a.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "  "}).status_code == 400
    unknown = a.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"to_counsellor_id": str(uuid.uuid4()), "note": "n"})
    assert unknown.status_code == 404
    assert a.post(f"/api/v1/chat/sessions/{uuid.uuid4()}/transfer", json={"note": "n"}).status_code == 404
    assert full.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "n"}).status_code == 404  # not theirs
    assert yp.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "n"}).status_code == 403
    assert staff("moderator").post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "n"}).status_code == 403
    assert database.query("SELECT count(*) AS n FROM chat_transfer WHERE session_id = $1", uuid.UUID(sid))[0]["n"] == 0
    assert database.query("SELECT counsellor_id FROM chat_session WHERE id = $1", uuid.UUID(sid))[0]["counsellor_id"] == uuid.UUID(a.user["id"])
    # a supervisor may hand any chat on; a chat already in the queue cannot be handed on again
    assert supervisor.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "Back to the queue."}).status_code == 200
    again = supervisor.post(f"/api/v1/chat/sessions/{sid}/transfer", json={"note": "again"})
    assert again.status_code == 409 and again.json()["code"] == "queued"
    assert yp.delete("/api/v1/chat/requests/current").status_code == 204  # leaving a handed-back chat ends it
    for ws in (yp_ws, a_ws):
        ws.close()


def test_history_shows_earlier_chats_and_threads(young_person, counsellor, supervisor, server) -> None:
    a, b = counsellor("Ana Able"), counsellor("Ben Bold")
    yp, yp_ws, a_ws, first = start(young_person, a, server)
    assert a.post(f"/api/v1/chat/sessions/{first}/end", json={"notes": "Exam stress; follow up.", "risk_level": "low"}).status_code == 200
    thread = yp.post("/api/v1/messages/threads", json={"body": "thanks for the chat", "subject": "After"}).json()
    req = ask(yp)
    second = a.post("/api/v1/chat/queue/take", json={"request_id": req["id"]}).json()["session_id"]
    items = a.get(f"/api/v1/chat/sessions/{second}/history").json()
    assert [(i["kind"], i["id"]) for i in items["items"]] == [("message_thread", thread["id"]), ("chat", first)]
    chat = items["items"][1]
    assert chat["notes"] == "Exam stress; follow up." and chat["risk_level"] == "low" and chat["counsellor"] == "Ana"
    assert chat["ended_at"] and items["total"] == 2
    assert supervisor.get(f"/api/v1/chat/sessions/{second}/history").status_code == 200
    assert b.get(f"/api/v1/chat/sessions/{second}/history").status_code == 404  # not their chat
    assert yp.get(f"/api/v1/chat/sessions/{second}/history").status_code == 403
    for ws in (yp_ws, a_ws):
        ws.close()


def test_saved_replies(counsellor, supervisor, staff) -> None:
    a, b = counsellor("Ana Able"), counsellor("Ben Bold")
    own = a.post("/api/v1/chat/responses", json={"title": "Hello", "body": "Hi, I'm Ana. What's on your mind?"})
    assert own.status_code == 201 and own.json()["shared"] is False
    refused = a.post("/api/v1/chat/responses", json={"title": "Team", "body": "x", "shared": True})
    assert refused.status_code == 403 and refused.json()["detail"]
    shared = supervisor.post("/api/v1/chat/responses", json={"title": "Crisis lines", "body": "You can call Childline.", "shared": True})
    assert shared.status_code == 201 and shared.json()["shared"] is True
    admin_shared = staff("admin").post("/api/v1/chat/responses", json={"title": "Admin", "body": "b", "shared": True})
    assert admin_shared.status_code == 201
    a_ids = {i["id"] for i in a.get("/api/v1/chat/responses").json()["items"]}
    b_ids = {i["id"] for i in b.get("/api/v1/chat/responses").json()["items"]}
    assert {own.json()["id"], shared.json()["id"]} <= a_ids and own.json()["id"] not in b_ids and shared.json()["id"] in b_ids
    rid, sid = own.json()["id"], shared.json()["id"]
    assert a.put(f"/api/v1/chat/responses/{rid}", json={"title": "Hello!", "body": "Hi there"}).json()["title"] == "Hello!"
    assert b.put(f"/api/v1/chat/responses/{rid}", json={"title": "x", "body": "y"}).status_code == 404
    assert b.delete(f"/api/v1/chat/responses/{rid}").status_code == 404
    assert a.put(f"/api/v1/chat/responses/{sid}", json={"title": "x", "body": "y"}).status_code == 403
    assert a.delete(f"/api/v1/chat/responses/{sid}").status_code == 403
    assert a.put(f"/api/v1/chat/responses/{rid}", json={"title": "x", "body": "y", "shared": True}).status_code == 403
    assert supervisor.put(f"/api/v1/chat/responses/{sid}", json={"title": "Lines", "body": "Call 0800 1111."}).status_code == 200
    assert a.post("/api/v1/chat/responses", json={"title": "", "body": "x"}).status_code == 400
    assert a.post("/api/v1/chat/responses", json={"title": "t", "body": "x" * 4001}).status_code == 400
    assert a.delete(f"/api/v1/chat/responses/{rid}").status_code == 204
    assert supervisor.delete(f"/api/v1/chat/responses/{sid}").status_code == 204
    assert staff("moderator").get("/api/v1/chat/responses").status_code == 403


def test_live_board_watch_and_whisper(young_person, counsellor, supervisor, server) -> None:
    a = counsellor("Ana Able")
    yp, yp_ws, a_ws, sid = start(young_person, a, server)
    board = supervisor.get("/api/v1/chat/live").json()
    row = next(i for i in board["items"] if i["session_id"] == sid)
    assert row["counsellor"] == "Ana Able" and row["last_message_at"] is None and row["at_risk"] is False
    assert a.get("/api/v1/chat/live").status_code == 403

    s_ws = ChatSocket(server.base_url, supervisor)
    yp_ws.say(sid, "first")
    s_ws.send({"type": "watch", "session_id": sid})
    assert s_ws.wait_for("message", session_id=sid, seq=1)["body"] == "first"
    a_ws.say(sid, "second")
    assert s_ws.wait_for("message", session_id=sid, seq=2)["body"] == "second"
    assert supervisor.get("/api/v1/chat/live").json()["items"][0]["last_message_at"]
    # read-only: a watcher's message is refused and nothing is stored
    s_ws.say(sid, "I'm not in this chat")
    assert s_ws.wait_for("error", session_id=sid)["detail"]

    w = supervisor.post(f"/api/v1/chat/sessions/{sid}/whisper", json={"body": "Ask about school."})
    assert w.status_code == 201 and uuid.UUID(w.json()["id"])
    got = a_ws.wait_for("whisper", session_id=sid)
    assert got["body"] == "Ask about school." and got["from"] == "Sky"
    for _ in range(3):  # whatever the timing, never on the young person's socket
        supervisor.post(f"/api/v1/chat/sessions/{sid}/whisper", json={"body": "secret word"})
    a_ws.wait_for("whisper", session_id=sid, body="secret word")
    assert not [f for f in yp_ws.drain(1.0) if f.get("type") == "whisper" or "secret word" in str(f)]
    assert "secret word" not in yp.get(f"/api/v1/chat/sessions/{sid}/messages").text

    r = a.post(f"/api/v1/chat/sessions/{sid}/whisper", json={"body": "hi"})
    assert r.status_code == 403 and r.json()["detail"]
    assert supervisor.post(f"/api/v1/chat/sessions/{sid}/whisper", json={"body": ""}).status_code == 400
    assert supervisor.post(f"/api/v1/chat/sessions/{uuid.uuid4()}/whisper", json={"body": "x"}).status_code == 404
    a_ws.send({"type": "watch", "session_id": sid})
    assert a_ws.wait_for("error", session_id=sid)["code"] == "forbidden"
    yp_ws.send({"type": "watch", "session_id": sid})
    assert yp_ws.wait_for("error", session_id=sid)["code"] == "forbidden"
    assert a.post(f"/api/v1/chat/sessions/{sid}/end", json={}).status_code == 200
    assert s_ws.wait_for("ended", session_id=sid)
    assert supervisor.post(f"/api/v1/chat/sessions/{sid}/whisper", json={"body": "late"}).status_code == 409
    for ws in (yp_ws, a_ws, s_ws):
        ws.close()


# --- the hub: resume and new sockets, under a race ------------------------------------------------


def test_resume_never_replays_at_or_below_the_mark(young_person, counsellor, server) -> None:
    """A burst is on its way while a new socket resumes after N: it must never get a seq <= N."""
    a = counsellor("Ana Able", max_concurrent=10)
    for _ in range(6):
        yp, yp_ws, a_ws, sid = start(young_person, a, server)
        for i in range(12):
            yp_ws.say(sid, f"m{i}")
        a_ws.wait_for("message", session_id=sid, seq=6)
        fresh = ChatSocket(server.base_url, a)
        fresh.send({"type": "resume", "session_id": sid, "after_seq": 6})
        for i in range(12, 16):
            yp_ws.say(sid, f"m{i}")
        seqs = []
        while 16 not in seqs:
            seqs.append(fresh.wait_for("message", session_id=sid)["seq"])
        seqs += [f["seq"] for f in fresh.drain(0.3) if f.get("type") == "message"]
        assert seqs == list(range(7, 17)), seqs
        assert a.post(f"/api/v1/chat/sessions/{sid}/end", json={}).status_code == 200
        for ws in (yp_ws, a_ws, fresh):
            ws.close()


def test_a_new_socket_gets_nothing_of_a_chat_before_it_shows_it(young_person, counsellor, server) -> None:
    a = counsellor("Ana Able", max_concurrent=10)
    for _ in range(4):
        yp, yp_ws, a_ws, sid = start(young_person, a, server)
        other_tab = ChatSocket(server.base_url, yp)
        for i in range(8):
            yp_ws.say(sid, f"m{i}")
        a_ws.wait_for("message", session_id=sid, seq=8)
        assert not [f for f in other_tab.drain(0.5) if f.get("session_id") == sid]
        other_tab.send({"type": "resume", "session_id": sid, "after_seq": 5})
        assert [other_tab.wait_for("message", session_id=sid)["seq"] for _ in range(3)] == [6, 7, 8]
        assert a.post(f"/api/v1/chat/sessions/{sid}/end", json={}).status_code == 200
        for ws in (yp_ws, a_ws, other_tab):
            ws.close()


def test_an_assignment_sends_no_error_frame(young_person, counsellor, server) -> None:
    """As the app does: on `assigned` each side resumes the chat and may start typing."""
    a = counsellor("Ana Able", max_concurrent=10)
    for _ in range(5):
        yp, yp_ws, a_ws, sid = start(young_person, a, server)
        for ws in (yp_ws, a_ws):
            ws.send({"type": "resume", "session_id": sid, "after_seq": 0})
            ws.send({"type": "typing", "session_id": sid})
        yp_ws.say(sid, "hi")
        assert a_ws.wait_for("typing", session_id=sid) and yp_ws.wait_for("typing", session_id=sid)
        for ws in (yp_ws, a_ws):
            assert not [f for f in ws.drain(0.4) if f.get("type") == "error"]
        assert a.post(f"/api/v1/chat/sessions/{sid}/end", json={}).status_code == 200
        for ws in (yp_ws, a_ws):
            ws.close()


# --- honest status and routing ------------------------------------------------------------------


def test_status_is_honest_about_who_is_available(client: Client, counsellor) -> None:
    nobody = client.get("/api/v1/chat/status").json()  # every counsellor away (the fixture)
    assert nobody["open"] is True and nobody["counsellors_online"] is False
    assert nobody["estimated_wait_seconds"] is None and nobody["can_message_team"] is True
    assert "message" in nobody["message"].lower() and any(line.get("phone") for line in nobody["crisis_lines"])
    one = counsellor("Ana Able", max_concurrent=2)
    online = client.get("/api/v1/chat/status").json()
    assert online["counsellors_online"] is True and online["estimated_wait_seconds"] == 60  # a free place now
    assert one.put("/api/v1/chat/availability", json={"status": "away"}).status_code == 200
    assert client.get("/api/v1/chat/status").json()["counsellors_online"] is False


@pytest.fixture
def auto_server(server_env):
    from tests.harness import Server

    srv = Server(env={**server_env, "WAYMARK_CHAT_ROUTING": "auto"}).start()
    yield srv
    srv.stop()


def test_auto_routing_fills_every_place_and_no_more(auto_server, staff, database) -> None:
    from tests.harness import signup_body

    def on_auto(c: Client) -> Client:
        moved = Client(auto_server.base_url)
        moved.http.cookies.set("waymark_session", c.http.cookies.get("waymark_session"), domain="127.0.0.1")
        moved.user = c.user
        return moved

    limits = {"Ada": 1, "Bea": 2, "Cy": 3}
    team = {name: on_auto(staff("counsellor", name=f"{name} Route", key=f"route-{name}")) for name in limits}
    for name, c in team.items():
        assert c.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": limits[name]}).status_code == 200

    def open_chats() -> dict[str, int]:
        rows = database.query("SELECT counsellor_id, count(*) AS n FROM chat_session WHERE ended_at IS NULL "
                              "AND counsellor_id = ANY($1::uuid[]) GROUP BY counsellor_id",
                              [c.user["id"] for c in team.values()])
        by_id = {str(r["counsellor_id"]): r["n"] for r in rows}
        return {name: by_id.get(c.user["id"], 0) for name, c in team.items()}

    def settle(expected_open: int) -> dict[str, int]:
        import time

        deadline = time.monotonic() + 10
        counts = open_chats()
        while sum(counts.values()) < expected_open and time.monotonic() < deadline:
            time.sleep(0.1)
            counts = open_chats()
        return counts

    people = []
    for i in range(10):
        yp = Client(auto_server.base_url)
        assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
        r = yp.post("/api/v1/chat/requests", json={"urgent": i == 9})
        assert r.status_code == 201 and r.json()["status"] == "waiting"
        people.append(yp)
        if i == 2:  # the fewest open chats first: one each
            assert settle(3) == {"Ada": 1, "Bea": 1, "Cy": 1}
    counts = settle(6)
    assert counts == limits  # every place filled, nobody over their limit
    current = [p.get("/api/v1/chat/requests/current").json() for p in people]
    assert [c["status"] for c in current] == ["active"] * 6 + ["waiting"] * 4
    # a freed place is filled at once: by the urgent request, made last, before the others waiting
    ada = team["Ada"]
    ada_chat = next(s["session_id"] for s in ada.get("/api/v1/chat/sessions").json()["items"])
    assert ada.post(f"/api/v1/chat/sessions/{ada_chat}/end", json={}).status_code == 200
    assert settle(6) == limits
    current = [p.get("/api/v1/chat/requests/current").json() for p in people[6:]]
    assert [c["status"] for c in current] == ["waiting", "waiting", "waiting", "active"]
    extra = on_auto(staff("counsellor", name="Dee Manual", key="route-manual"))
    assert extra.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 1}).status_code == 200
    # a manual take races the router for Dee's one place: whoever wins, nobody goes over a limit
    taken = extra.post("/api/v1/chat/queue/take", json={})
    assert taken.status_code == 200 or taken.json()["code"] in ("at_limit", "queue_empty"), taken.text
    assert open_chats() == limits
    dee = database.query("SELECT count(*) AS n FROM chat_session WHERE ended_at IS NULL AND counsellor_id = $1",
                         uuid.UUID(extra.user["id"]))[0]["n"]
    assert dee == 1
    for c in team.values():  # leave nothing waiting or open for other tests
        c.put("/api/v1/chat/availability", json={"status": "away"})
    for p in people:
        p.delete("/api/v1/chat/requests/current")
        p.close()
