"""GET /api/v1/meta (an addition to the contract): the risk levels with their labels and the
length limits of what people write, which the PWA takes from here instead of keeping copies.
Each limit is the one the server enforces: exactly the limit is accepted, one more refused."""

from __future__ import annotations

from tests.harness import Client, new_id


def test_meta_is_public_and_names_every_risk_level_in_order(client: Client) -> None:
    r = client.get("/api/v1/meta")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    meta = r.json()
    assert [x["level"] for x in meta["risk_levels"]] == ["none", "low", "medium", "high", "urgent"]
    assert [x["label"] for x in meta["risk_levels"]] == ["None", "Low", "Medium", "High", "Urgent"]
    limits = meta["limits"]
    for name in ("mood_note", "mood_feelings", "journal_entry", "goal_title", "post_title", "post_body",
                 "report_reason", "message_subject", "message_body", "chat_message", "handover_note", "whisper"):
        assert isinstance(limits[name], int) and limits[name] > 0, name


def test_meta_answers_anyone_the_same_and_takes_no_writes(client: Client, young_person, staff) -> None:
    anonymous = client.get("/api/v1/meta").json()
    assert young_person().get("/api/v1/meta").json() == anonymous
    assert staff("moderator").get("/api/v1/meta").json() == anonymous
    assert client.post("/api/v1/meta", json={}).status_code in (403, 405)


def test_the_journal_limits_are_the_ones_the_server_enforces(client: Client, young_person) -> None:
    limits = client.get("/api/v1/meta").json()["limits"]
    yp = young_person()
    assert yp.post("/api/v1/journal", json={"body": "x" * limits["journal_entry"], "client_id": new_id()}).status_code == 201
    assert yp.post("/api/v1/journal", json={"body": "x" * (limits["journal_entry"] + 1)}).status_code == 400
    assert yp.post("/api/v1/goals", json={"title": "g" * limits["goal_title"]}).status_code == 201
    assert yp.post("/api/v1/goals", json={"title": "g" * (limits["goal_title"] + 1)}).status_code == 400
    assert yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "n" * limits["mood_note"]}).status_code == 201
    assert yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "n" * (limits["mood_note"] + 1)}).status_code == 400


def test_the_forum_and_message_limits_are_the_ones_the_server_enforces(client: Client, young_person) -> None:
    limits = client.get("/api/v1/meta").json()["limits"]
    yp = young_person()
    board = client.get("/api/v1/boards").json()[0]["slug"]
    too_long = yp.post(f"/api/v1/boards/{board}/threads", json={"title": "t" * (limits["post_title"] + 1), "body": "Hello"})
    assert too_long.status_code == 400
    too_long = yp.post(f"/api/v1/boards/{board}/threads", json={"title": "Hello", "body": "b" * (limits["post_body"] + 1)})
    assert too_long.status_code == 400
    ok = yp.post(f"/api/v1/boards/{board}/threads", json={"title": "t" * limits["post_title"], "body": "Hello there"})
    assert ok.status_code == 202, ok.text
    too_long = yp.post("/api/v1/messages/threads", json={"body": "m" * (limits["message_body"] + 1)})
    assert too_long.status_code == 400
