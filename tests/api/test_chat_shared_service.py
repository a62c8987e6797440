"""A counsellor shares a local service into a chat (one tap in the console): the young
person receives the named service with its contact details, and both transcripts name it,
over the WebSocket and over the HTTP fallback. Only the chat's counsellor can attach one;
an unknown service is refused and nothing is stored."""

from __future__ import annotations

import uuid

import pytest

from tests.api.test_chat import counsellor, empty_queue, start_chat  # noqa: F401 - shared fixtures
from tests.harness import Client, Server


def a_local_service(c: Client, council_code: str) -> dict:
    """What the console offers to share: the chat's council's services (as GET /services lists them)."""
    items = c.get("/api/v1/services", params={"council": council_code}).json()["items"]
    local = [s for s in items if not s["national"]]
    assert local, "the seeded directory has local services"
    return local[0]


def share_words(service: dict) -> str:
    return f"Here's a service that might help: {service['name']}"


def transcripts(session_id: str, *people: Client) -> list[list[dict]]:
    return [p.get(f"/api/v1/chat/sessions/{session_id}/messages").json()["items"] for p in people]


def test_a_shared_service_reaches_the_young_person_named_in_both_transcripts(
        young_person, counsellor, server: Server, database) -> None:  # noqa: F811
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    service = a_local_service(c, yp.user["council_code"])
    cid = str(uuid.uuid4())
    c_ws.send({"type": "message", "session_id": session_id, "client_id": cid, "body": share_words(service),
               "service_id": service["id"]})
    seq = c_ws.wait_for("ack", client_id=cid)["seq"]

    got = yp_ws.wait_for("message", session_id=session_id, seq=seq)
    assert got["sender"] == "counsellor" and service["name"] in got["body"]
    assert got["service"]["id"] == service["id"] and got["service"]["name"] == service["name"]
    for field in ("phone", "sms", "email", "url", "description"):
        assert got["service"].get(field) == service.get(field), field
    assert "open_now" not in got["service"]  # the shared service outlives the moment it was sent

    for items in transcripts(session_id, yp, c):
        shared = [m for m in items if m["seq"] == seq]
        assert len(shared) == 1 and shared[0]["service"]["name"] == service["name"]
        assert service["name"] in shared[0]["body"]
    stored = database.query("SELECT attachment->>'name' AS name FROM chat_message WHERE session_id = $1::uuid "
                            "AND seq = $2", session_id, seq)
    assert stored[0]["name"] == service["name"]
    yp_ws.close()
    c_ws.close()


def test_the_http_fallback_shares_a_service_too(young_person, counsellor, server: Server) -> None:  # noqa: F811
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    service = a_local_service(c, yp.user["council_code"])
    r = c.post(f"/api/v1/chat/sessions/{session_id}/messages",
               json={"body": share_words(service), "client_id": str(uuid.uuid4()), "service_id": service["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["service"]["name"] == service["name"]
    got = yp_ws.wait_for("message", session_id=session_id, seq=r.json()["seq"])
    assert got["service"]["name"] == service["name"]
    assert all(any(m.get("service", {}).get("name") == service["name"] for m in items)
               for items in transcripts(session_id, yp, c))
    yp_ws.close()
    c_ws.close()


def test_only_the_counsellor_attaches_a_service(young_person, counsellor, server: Server) -> None:  # noqa: F811
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    service = a_local_service(c, yp.user["council_code"])
    r = yp.post(f"/api/v1/chat/sessions/{session_id}/messages",
                json={"body": "is this one good?", "client_id": str(uuid.uuid4()), "service_id": service["id"]})
    assert r.status_code == 201 and "service" not in r.json()  # the words are sent, no service with them
    cid = str(uuid.uuid4())
    yp_ws.send({"type": "message", "session_id": session_id, "client_id": cid, "body": "this one?",
                "service_id": service["id"]})
    seq = yp_ws.wait_for("ack", client_id=cid)["seq"]
    assert "service" not in c_ws.wait_for("message", session_id=session_id, seq=seq)
    assert not any("service" in m for m in transcripts(session_id, c)[0])
    yp_ws.close()
    c_ws.close()


@pytest.mark.parametrize("service_id", ["no-such-service", "x" * 120])
def test_an_unknown_service_is_refused_and_nothing_is_stored(
        young_person, counsellor, server: Server, service_id: str) -> None:  # noqa: F811
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    r = c.post(f"/api/v1/chat/sessions/{session_id}/messages",
               json={"body": "Here's a service", "client_id": str(uuid.uuid4()), "service_id": service_id})
    assert r.status_code == 404 and r.json()["detail"] == "There is no such service."
    cid = str(uuid.uuid4())
    c_ws.send({"type": "message", "session_id": session_id, "client_id": cid, "body": "Here's a service",
               "service_id": service_id})
    assert c_ws.wait_for("error", client_id=cid)["detail"] == "There is no such service."
    assert transcripts(session_id, yp, c) == [[], []]
    assert not [f for f in yp_ws.drain() if f.get("type") == "message"]
    yp_ws.close()
    c_ws.close()


def test_a_service_id_too_long_is_a_bad_request(young_person, counsellor, server: Server) -> None:  # noqa: F811
    yp, c, yp_ws, c_ws, session_id = start_chat(young_person, counsellor, server)
    r = c.post(f"/api/v1/chat/sessions/{session_id}/messages",
               json={"body": "x", "client_id": str(uuid.uuid4()), "service_id": "x" * 121})
    assert r.status_code == 400
    outsider = counsellor("Not This Chat")
    service = a_local_service(outsider, yp.user["council_code"])
    r = outsider.post(f"/api/v1/chat/sessions/{session_id}/messages",
                      json={"body": share_words(service), "client_id": str(uuid.uuid4()), "service_id": service["id"]})
    assert r.status_code == 404  # another counsellor's chat does not exist for them
    yp_ws.close()
    c_ws.close()
