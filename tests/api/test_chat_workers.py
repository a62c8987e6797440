"""The chat across several server processes: fan-out through PostgreSQL LISTEN/NOTIFY,
and a worker killed mid-chat loses no message."""

from __future__ import annotations

import signal
import time
import uuid

import pytest

from tests.chat_client import ChatSocket
from tests.harness import Client, Server, signup_body


@pytest.fixture
def two_workers(server_env):
    a, b = Server(env=server_env).start(), Server(env=server_env).start()
    yield a, b
    a.stop()
    b.stop()


@pytest.fixture(autouse=True)
def empty_queue(database) -> None:
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE counsellor_availability SET status = 'away'")


def _login_counsellor(staff, base_url: str, name: str = "Ash Worker", key: str = "workers") -> Client:
    c = staff("counsellor", name=name, key=key)
    moved = Client(base_url)
    moved.http.cookies.set("waymark_session", c.http.cookies.get("waymark_session"), domain="127.0.0.1")
    moved.user = c.user
    assert moved.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}).status_code == 200
    return moved


def test_a_chat_across_two_workers_survives_killing_one(two_workers, staff) -> None:
    a, b = two_workers
    yp = Client(a.base_url)
    assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    counsellor = _login_counsellor(staff, b.base_url)

    yp_ws = ChatSocket(a.base_url, yp)  # the young person on worker A
    c_ws = ChatSocket(b.base_url, counsellor)  # the counsellor on worker B
    request_id = yp.post("/api/v1/chat/requests", json={"topic": "family"}).json()["id"]
    session_id = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id}).json()["session_id"]
    assert yp_ws.wait_for("assigned", session_id=session_id)["counsellor"] == "Ash"

    cid = yp_ws.say(session_id, "hello from worker A")
    assert yp_ws.wait_for("ack", client_id=cid)["seq"] == 1
    assert c_ws.wait_for("message", seq=1)["body"] == "hello from worker A"
    c_ws.say(session_id, "hello from worker B")
    assert yp_ws.wait_for("message", seq=2)["body"] == "hello from worker B"

    # Worker A dies without warning. An acknowledged message is already stored.
    a.process.send_signal(signal.SIGKILL)
    a.process.wait(10)
    for text in ("are you still there?", "take your time"):
        c_ws.say(session_id, text)
        c_ws.wait_for("ack")

    # The phone reconnects to the surviving worker and resumes from what it had.
    yp_b = Client(b.base_url)
    yp_b.http.cookies.set("waymark_session", yp.http.cookies.get("waymark_session"), domain="127.0.0.1")
    back = ChatSocket(b.base_url, yp_b)
    back.send({"type": "resume", "session_id": session_id, "after_seq": 2})
    assert [back.wait_for("message", seq=s)["body"] for s in (3, 4)] == ["are you still there?", "take your time"]
    # a message re-sent with the client_id of one already stored is not stored twice
    back.say(session_id, "hello from worker A", client_id=cid)
    assert back.wait_for("ack", client_id=cid)["seq"] == 1
    seqs = [m["seq"] for m in yp_b.get(f"/api/v1/chat/sessions/{session_id}/messages").json()["items"]]
    assert seqs == [1, 2, 3, 4]


def test_many_chats_on_a_two_worker_server_deliver_everything(server_env, staff) -> None:
    """uvicorn with --workers 2: sockets land on either worker; every message still arrives once."""
    srv = Server(env=server_env, workers=2).start()
    try:
        counsellor = _login_counsellor(staff, srv.base_url)
        c_ws = ChatSocket(srv.base_url, counsellor)
        chats = []
        for _ in range(4):
            yp = Client(srv.base_url)
            assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
            ws = ChatSocket(srv.base_url, yp)
            request_id = yp.post("/api/v1/chat/requests", json={}).json()["id"]
            session_id = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id}).json()["session_id"]
            ws.wait_for("assigned", session_id=session_id)
            chats.append((ws, session_id))
        for ws, session_id in chats:
            for i in range(5):
                ws.say(session_id, f"{session_id[:4]}-{i}")
                c_ws.say(session_id, f"reply {i}", client_id=str(uuid.uuid4()))
        for ws, session_id in chats:
            got = {ws.wait_for("message", session_id=session_id, seq=s)["seq"] for s in range(1, 11)}
            assert got == set(range(1, 11))
            assert not [f for f in ws.drain(0.2) if f.get("type") == "message" and f["session_id"] == session_id]
        received = {}
        for _ws, session_id in chats:
            received[session_id] = {c_ws.wait_for("message", session_id=session_id, seq=s)["seq"] for s in range(1, 11)}
        assert all(v == set(range(1, 11)) for v in received.values())
    finally:
        srv.stop()




def _chat_across(a: Server, b: Server, staff) -> tuple[Client, Client, Client, ChatSocket, ChatSocket, ChatSocket, str]:
    """A young person with a socket on each worker, their counsellor on worker B."""
    yp = Client(a.base_url)
    assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    yp_b = Client(b.base_url)
    yp_b.http.cookies.set("waymark_session", yp.http.cookies.get("waymark_session"), domain="127.0.0.1")
    counsellor = _login_counsellor(staff, b.base_url)
    phone, tablet, console = ChatSocket(a.base_url, yp), ChatSocket(b.base_url, yp_b), ChatSocket(b.base_url, counsellor)
    request_id = yp.post("/api/v1/chat/requests", json={}).json()["id"]
    session_id = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id}).json()["session_id"]
    for ws in (phone, tablet):
        ws.wait_for("assigned", session_id=session_id)
    return yp, yp_b, counsellor, phone, tablet, console, session_id


def _frames_until(ws: ChatSocket, kind: str, timeout: float = 15) -> list[dict]:
    """Every frame, in the order it arrived, up to and including the first of ``kind``."""
    got = list(ws.frames)
    ws.frames.clear()
    deadline = time.monotonic() + timeout
    while not any(f.get("type") == kind for f in got):
        assert time.monotonic() < deadline, f"no {kind} frame; got {got}"
        got.extend(ws.drain(0.2))
    return got


def test_the_end_of_a_chat_arrives_after_its_last_message_on_every_worker(two_workers, staff) -> None:
    a, b = two_workers
    yp, yp_b, counsellor, phone, tablet, console, session_id = _chat_across(a, b, staff)
    for i in range(1, 26):  # a burst, then the end straight away
        console.say(session_id, f"line {i}")
    for _ in range(25):
        console.wait_for("ack")
    assert counsellor.post(f"/api/v1/chat/sessions/{session_id}/end", json={}).status_code == 200
    for ws in (phone, tablet):
        frames = [f for f in _frames_until(ws, "ended") if f.get("type") in ("message", "ended")]
        seqs = [f["seq"] for f in frames if f["type"] == "message"]
        assert seqs == list(range(1, 26)), seqs  # each once, in order
        assert frames[-1] == {"type": "ended", "session_id": session_id, "ended_by": "counsellor"}
    # The hub forgot the chat on both workers: a later sweep sends nothing more.
    time.sleep(1.5)
    assert not [f for ws in (phone, tablet) for f in ws.drain(0.3) if f.get("session_id") == session_id]


def test_the_same_client_id_from_two_devices_at_once_is_stored_once(two_workers, staff, database) -> None:
    a, b = two_workers
    yp, yp_b, counsellor, phone, tablet, console, session_id = _chat_across(a, b, staff)
    client_ids = [str(uuid.uuid4()) for _ in range(15)]
    for cid in client_ids:  # both devices send each message at once, to different workers
        phone.say(session_id, f"retry {cid[:8]}", client_id=cid)
        tablet.say(session_id, f"retry {cid[:8]}", client_id=cid)
    for cid in client_ids:
        assert phone.wait_for("ack", client_id=cid)["seq"] == tablet.wait_for("ack", client_id=cid)["seq"]
    rows = database.query("SELECT seq, client_id::text AS cid FROM chat_message WHERE session_id = $1::uuid ORDER BY seq",
                          session_id)
    assert [r["seq"] for r in rows] == list(range(1, 16))
    assert sorted(r["cid"] for r in rows) == sorted(client_ids)
    for ws in (phone, tablet, console):
        seqs = [ws.wait_for("message", seq=s)["seq"] for s in range(1, 16)]
        assert seqs == list(range(1, 16))
        assert not [f for f in ws.drain(0.3) if f.get("type") == "message"]  # nothing twice


def test_a_resume_in_the_middle_of_a_burst_replays_everything_in_order(two_workers, staff) -> None:
    a, b = two_workers
    yp, yp_b, counsellor, phone, tablet, console, session_id = _chat_across(a, b, staff)
    tablet.close()
    for i in range(1, 41):
        console.say(session_id, f"burst {i}")
        if i == 10:  # the phone comes back while the counsellor is still writing
            phone.frames.clear()
            phone.send({"type": "resume", "session_id": session_id, "after_seq": 0})
    seqs = []
    deadline = time.monotonic() + 15
    while 40 not in seqs:
        assert time.monotonic() < deadline, seqs
        seqs += [f["seq"] for f in phone.drain(0.2) if f.get("type") == "message"]
    last_start = len(seqs) - 1 - seqs[::-1].index(1)  # the replay: frames in flight may come before it
    assert seqs[last_start:] == list(range(1, 41)), seqs


def test_typing_reaches_the_other_worker_and_only_the_two_people_may_send_it(two_workers, staff) -> None:
    a, b = two_workers
    yp, yp_b, counsellor, phone, tablet, console, session_id = _chat_across(a, b, staff)
    console.send({"type": "typing", "session_id": session_id})
    assert phone.wait_for("typing", session_id=session_id)  # worker B to worker A
    assert tablet.wait_for("typing", session_id=session_id)
    assert not [f for f in console.drain(0.3) if f.get("type") == "typing"]  # not to the one typing
    outsider = Client(a.base_url)
    assert outsider.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    sneaky = ChatSocket(a.base_url, outsider)
    sneaky.send({"type": "typing", "session_id": session_id})
    assert "no such chat" in sneaky.wait_for("error", session_id=session_id)["detail"].lower()
    assert not [f for f in phone.drain(0.5) if f.get("type") == "typing"]


def test_a_transfer_reaches_the_next_counsellor_on_a_worker_that_held_nobody_of_the_chat(two_workers, staff) -> None:
    """Worker B holds no socket of the chat when it is handed over (it only relayed its
    first message), so it has nothing to tell; the next counsellor, connecting to B
    afterwards, still follows the chat: its history, then every new message, both ways."""
    a, b = two_workers
    yp = Client(a.base_url)
    assert yp.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    first = _login_counsellor(staff, a.base_url)
    second = _login_counsellor(staff, b.base_url, name="Bea Next", key="next")
    yp_ws, first_ws = ChatSocket(a.base_url, yp), ChatSocket(a.base_url, first)
    request_id = yp.post("/api/v1/chat/requests", json={}).json()["id"]
    session_id = first.post("/api/v1/chat/queue/take", json={"request_id": request_id}).json()["session_id"]
    yp_ws.wait_for("assigned", session_id=session_id)
    yp_ws.say(session_id, "before the handover")  # worker B hears of it and learns who is in the chat
    first_ws.wait_for("message", session_id=session_id, seq=1)

    moved = first.post(f"/api/v1/chat/sessions/{session_id}/transfer",
                       json={"to_counsellor_id": second.user["id"], "note": "Exams; go gently."})
    assert moved.status_code == 200, moved.text
    assert yp_ws.wait_for("transferred", session_id=session_id)["counsellor"] == "Bea"

    second_ws = ChatSocket(b.base_url, second)
    deadline = time.monotonic() + 10
    while True:  # worker B applies the handover when its notification arrives
        second_ws.send({"type": "resume", "session_id": session_id, "after_seq": 0})
        frames = second_ws.drain(0.3)
        if any(f.get("type") == "message" for f in frames):
            break
        assert time.monotonic() < deadline, f"the next counsellor cannot follow the chat on worker B: {frames}"
    assert [f["body"] for f in frames if f.get("type") == "message"][:1] == ["before the handover"]
    yp_ws.say(session_id, "after the handover")
    assert second_ws.wait_for("message", session_id=session_id, seq=2)["body"] == "after the handover"
    second_ws.say(session_id, "Hi, I'm Bea.")
    assert yp_ws.wait_for("message", session_id=session_id, seq=3)["body"] == "Hi, I'm Bea."
    assert not [f for f in first_ws.drain(0.3) if f.get("type") == "message"]  # the first has let it go
