"""Moderation: the review queue, claims, decisions, reason templates, watched words, the
forum policy, the append-only audit log and safeguarding alerts — through HTTP (and the
moderators' and counsellors' WebSockets) against the running server and PostgreSQL.

The server and its queue are shared by every test file: each test finds its items by id
and puts global settings (watched words, auto-publish) back as it found them."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.api.test_forums import (
    BOARD,
    PERSONAL,
    PROBLEM,
    RISKY,
    decide,
    published_thread,
    queue,
    queue_item,
    reply,
    start_thread,
)
from tests.chat_client import ChatSocket
from tests.harness import Client, Server

LEVELS = ["none", "low", "medium", "high", "urgent"]
SELF_HARM = "i relapsed and started cutting again last night"  # high, held, no automatic alert


@pytest.fixture
def moderator(staff) -> Client:
    return staff("moderator", name="Mo Derator")


@pytest.fixture
def admin(staff) -> Client:
    return staff("admin", name="Ada Admin")


@pytest.fixture
def forum_policy(admin):
    """Change the forum policy for one test, and put it back afterwards."""
    before = admin.get("/api/v1/moderation/settings").json()

    def change(**values: Any) -> dict[str, Any]:
        r = admin.put("/api/v1/moderation/settings", json=values)
        assert r.status_code == 200, r.text
        return r.json()

    yield change
    change(auto_publish=before["auto_publish"], auto_publish_min_approved=before["auto_publish_min_approved"])


@pytest.fixture
def watch(admin):
    """Add watched words for one test; they are removed afterwards."""
    added: list[str] = []

    def add(word: str, action: str) -> dict[str, Any]:
        r = admin.post("/api/v1/moderation/watched-words", json={"word": word, "action": action})
        assert r.status_code == 201, r.text
        added.append(r.json()["id"])
        return r.json()

    yield add
    for word_id in added:
        admin.delete(f"/api/v1/moderation/watched-words/{word_id}")


def claim(c: Client, item_id: str):  # noqa: ANN201
    return c.post(f"/api/v1/moderation/items/{item_id}/claim")


# --- the queue ---------------------------------------------------------------------------------


def test_queue_roles_and_reason_templates(client: Client, young_person, staff, moderator, admin) -> None:
    assert client.get("/api/v1/moderation/queue").status_code == 401
    for c in (young_person(), staff("counsellor"), staff("council_admin", council="E06000044")):
        assert c.get("/api/v1/moderation/queue").status_code == 403
        assert c.get("/api/v1/moderation/reasons").status_code == 403
        assert c.post(f"/api/v1/moderation/items/{uuid.uuid4()}/decision", json={"action": "approve"}).status_code == 403
    for c in (moderator, admin):
        body = c.get("/api/v1/moderation/queue").json()
        assert set(body) == {"items", "total"} and body["total"] >= len(body["items"])
    reasons = moderator.get("/api/v1/moderation/reasons").json()
    codes = [r["code"] for r in reasons]
    assert {"personal_details", "unkind", "not_safe_to_share", "off_topic", "spam", "advertising"} <= set(codes)
    details = next(r for r in reasons if r["code"] == "personal_details")
    assert details["message"] == ("We couldn't post this because it shares details that could identify someone, "
                                  "like a name, school or phone number. You're welcome to post again without them.")
    assert all(r["label"] and r["message"] for r in reasons)


def test_an_urgent_post_reaches_the_moderators_at_once_and_tops_the_queue(young_person, moderator, server: Server
                                                                          ) -> None:
    calm = start_thread(young_person(), title="Sleep", body="How do you get to sleep before exams?")
    console = ChatSocket(server.base_url, moderator, path="/api/v1/moderation/ws")
    try:
        console.drain(0.3)
        risky = start_thread(young_person(), title="tonight", body=RISKY)
        posted = time.monotonic()
        frame = console.wait_for("moderation_item", timeout=5, id=risky["id"])
        assert time.monotonic() - posted < 1.0
        assert frame == {"type": "moderation_item", "id": risky["id"], "risk_level": "urgent", "status": "held"}
    finally:
        console.close()
    items = queue(moderator)
    ids = [i["id"] for i in items]
    mine = items[ids.index(risky["id"])]
    assert all(i["risk"]["level"] == "urgent" for i in items[:ids.index(risky["id"])])  # only urgent ones before it
    assert ids.index(risky["id"]) < ids.index(calm["id"])
    assert mine["kind"] == "thread" and mine["title"] == "tonight" and mine["body"] == RISKY
    assert mine["risk"] == {"level": "urgent", "categories": ["risk_to_life"]} and mine["status"] == "held"
    assert mine["board"] == BOARD and mine["author"] and mine["created_at"] and mine["claimed_by"] is None
    span = next(s for s in mine["spans"] if s["category"] == "risk_to_life")
    assert span["field"] == "body" and RISKY[span["start"]:span["end"]] == "end it"
    # ordering: by level, then oldest first
    ranks = [LEVELS.index(i["risk"]["level"]) for i in items]
    assert ranks == sorted(ranks, reverse=True)


def test_the_queue_only_answers_moderators_on_its_socket(young_person, server: Server) -> None:
    from websockets.exceptions import ConnectionClosed

    sock = ChatSocket(server.base_url, young_person(), path="/api/v1/moderation/ws")
    try:
        with pytest.raises(ConnectionClosed) as closed:
            sock.ws.recv(timeout=5)
        assert closed.value.rcvd.code == 4403
    finally:
        sock.close()


def test_personal_details_are_highlighted_and_can_be_edited_out(young_person, moderator) -> None:
    author, reader = young_person(), young_person()
    answer = start_thread(author, title="New here", body=PERSONAL)
    assert answer["status"] == "pending" and "support" not in answer
    item = queue_item(moderator, answer["id"])
    assert item["risk"]["level"] == "medium" and item["risk"]["categories"] == ["personal_details"]
    found = {PERSONAL[s["start"]:s["end"]] for s in item["spans"] if s["category"] == "personal_details"}
    assert "07700 900123" in found and any("St Mary" in f for f in found)
    assert all(s["field"] == "body" and s["rule"].startswith("personal_details:") for s in item["spans"])
    edited = "I go to school near here, message me on Waymark"
    done = decide(moderator, answer["id"], edited_body=edited, note="removed school and phone number")
    assert done["status"] == "published" and done["body"] == edited and done["edited"] is True
    post = reader.get(f"/api/v1/threads/{answer['id']}").json()["posts"][0]
    assert post["body"] == edited and "07700" not in post["body"] and post["edited_by_moderator"] is True
    assert queue_item(moderator, answer["id"]) is None


def test_a_title_is_assessed_and_can_be_edited_too(young_person, moderator) -> None:
    answer = start_thread(young_person(), title="text me on 07700 900456", body="Anyone want to chat about exams?")
    item = queue_item(moderator, answer["id"])
    assert any(s["field"] == "title" and s["category"] == "personal_details" for s in item["spans"])
    done = decide(moderator, answer["id"], edited_title="Anyone want to chat?")
    assert done["title"] == "Anyone want to chat?"
    r = moderator.post(f"/api/v1/moderation/items/{uuid.uuid4()}/decision", json={"action": "approve"})
    assert r.status_code == 404


def test_reject_needs_a_reason_and_the_author_reads_it(young_person, moderator) -> None:
    author, other = young_person(), young_person()
    answer = start_thread(author, body="This board is rubbish and so are you all")
    for body in ({"action": "reject"}, {"action": "reject", "reason_code": "nope"}):
        r = moderator.post(f"/api/v1/moderation/items/{answer['id']}/decision", json=body)
        assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM)
    for body in ({"action": "delete"}, {}, {"action": "approve", "note": "x" * 2001}):
        assert moderator.post(f"/api/v1/moderation/items/{answer['id']}/decision", json=body).status_code == 400
    done = decide(moderator, answer["id"], "reject", reason_code="unkind")
    assert done["status"] == "rejected" and "keep it kind" in done["moderator_message"]
    mine = author.get(f"/api/v1/threads/{answer['id']}").json()
    assert mine["status"] == "rejected" and "keep it kind" in mine["posts"][0]["moderator_message"]
    assert other.get(f"/api/v1/threads/{answer['id']}").status_code == 404
    again = moderator.post(f"/api/v1/moderation/items/{answer['id']}/decision", json={"action": "approve"})
    assert again.status_code == 409 and again.json()["code"] == "decided"
    assert claim(moderator, answer["id"]).status_code == 409


def test_a_risky_post_is_only_published_by_a_human(young_person, moderator, forum_policy) -> None:
    forum_policy(auto_publish=True, auto_publish_min_approved=1)
    author, other = young_person(), young_person()
    first = start_thread(author)
    decide(moderator, first["id"])
    held = start_thread(author, title="bad night", body="I hurt myself again last night")
    assert held["status"] == "held" and held["support"]["can_talk_to_counsellor"] is True
    assert other.get(f"/api/v1/threads/{held['id']}").status_code == 404
    assert queue_item(moderator, held["id"])["risk"]["level"] == "high"
    decide(moderator, held["id"])  # a human decision
    assert other.get(f"/api/v1/threads/{held['id']}").json()["status"] == "published"


# --- claims -------------------------------------------------------------------------------------


def test_two_moderators_never_work_the_same_item(young_person, staff) -> None:
    first, second = staff("moderator", key="first", name="Fi"), staff("moderator", key="second", name="Sec")
    answer = start_thread(young_person())
    r = claim(first, answer["id"])
    assert r.status_code == 200 and r.json()["claimed_by"] == first.user["username"]
    assert claim(first, answer["id"]).status_code == 200  # claiming again renews it
    taken = claim(second, answer["id"])
    assert taken.status_code == 409 and taken.json()["code"] == "claimed"
    assert taken.json()["claimed_by"] == first.user["username"]
    r = second.post(f"/api/v1/moderation/items/{answer['id']}/decision", json={"action": "approve"})
    assert r.status_code == 409 and r.json()["code"] == "claimed"
    assert second.delete(f"/api/v1/moderation/items/{answer['id']}/claim").status_code == 409
    assert queue_item(second, answer["id"])["claimed_by"] == first.user["username"]
    assert first.delete(f"/api/v1/moderation/items/{answer['id']}/claim").status_code == 204
    assert queue_item(second, answer["id"])["claimed_by"] is None
    assert claim(second, answer["id"]).status_code == 200
    assert decide(second, answer["id"])["status"] == "published"
    assert claim(first, uuid.uuid4()).status_code == 404


def test_an_old_claim_lapses(young_person, staff, database) -> None:
    first, second = staff("moderator", key="first", name="Fi"), staff("moderator", key="second", name="Sec")
    answer = start_thread(young_person())
    assert claim(first, answer["id"]).status_code == 200
    database.query("UPDATE forum_post SET claimed_at = now() - interval '11 minutes' WHERE id = $1",
                   uuid.UUID(answer["id"]))
    assert claim(second, answer["id"]).status_code == 200


# --- reports ------------------------------------------------------------------------------------


def test_reports_bring_a_post_back_to_the_queue(young_person, moderator) -> None:
    author, tid = published_thread(young_person, moderator)
    reader = young_person()
    assert reader.post(f"/api/v1/posts/{tid}/reports", json={"reason": "I think this is spam"}).status_code == 201
    item = queue_item(moderator, tid)
    assert item["kind"] == "report" and item["status"] == "published" and item["reports"][0]["reason"] == "I think this is spam"
    # approve: it stays up and the reports are closed
    assert decide(moderator, tid)["status"] == "published"
    assert queue_item(moderator, tid) is None
    assert reader.get(f"/api/v1/threads/{tid}").json()["status"] == "published"
    again = moderator.post(f"/api/v1/moderation/items/{tid}/decision", json={"action": "approve"})
    assert again.status_code == 409
    # a new report, from a young person who is worried: it ranks by what the report says
    worried = young_person()
    r = worried.post(f"/api/v1/posts/{tid}/reports", json={"reason": "they said they want to kill themselves"})
    assert r.status_code == 201
    assert queue_item(moderator, tid)["risk"]["level"] == "urgent"
    # reject: it comes down
    done = decide(moderator, tid, "reject", reason_code="off_topic")
    assert done["status"] == "rejected"
    assert reader.get(f"/api/v1/threads/{tid}").status_code == 404
    assert "doesn't fit" in author.get(f"/api/v1/threads/{tid}").json()["posts"][0]["moderator_message"]


def test_a_reply_report_removes_only_the_reply(young_person, moderator) -> None:
    author, tid = published_thread(young_person, moderator)
    answer = reply(young_person(), tid, body="Come and find me at the park")
    decide(moderator, answer["id"])
    assert author.post(f"/api/v1/posts/{answer['id']}/reports", json={"reason": "Meeting up"}).status_code == 201
    assert queue_item(moderator, answer["id"])["kind"] == "report"
    decide(moderator, answer["id"], "reject", reason_code="personal_details")
    assert [p["id"] for p in young_person().get(f"/api/v1/threads/{tid}").json()["posts"]] == [tid]


# --- escalation and safeguarding alerts -----------------------------------------------------------


def test_risk_to_life_alerts_the_counsellors_without_waiting_for_a_moderator(young_person, moderator, staff,
                                                                              server: Server) -> None:
    counsellor = staff("counsellor", name="Cara Counsellor", key="safeguarding")
    desk = ChatSocket(server.base_url, counsellor)
    try:
        risky = start_thread(young_person(), title="tonight", body=RISKY)
        frame = desk.wait_for("safeguarding_alert", timeout=5)
    finally:
        desk.close()
    alerts = counsellor.get("/api/v1/safeguarding/alerts", params={"status": "open"}).json()["items"]
    alert = next(a for a in alerts if a["id"] == frame["id"])
    assert alert["post_id"] == risky["id"] and "automatically" in alert["note"]
    assert alert["automatic"] is True and alert["escalated_by"] is None
    assert queue_item(moderator, risky["id"])["status"] == "held"  # a moderator still decides on the post
    again = moderator.post(f"/api/v1/moderation/items/{risky['id']}/decision", json={"action": "escalate"})
    assert again.status_code == 409 and again.json()["code"] == "already_escalated"


def test_escalation_alerts_the_counsellors(young_person, moderator, staff, server: Server) -> None:
    counsellor = staff("counsellor", name="Cara Counsellor", key="safeguarding")
    author = young_person()
    risky = start_thread(author, title="help", body=SELF_HARM)
    desk = ChatSocket(server.base_url, counsellor)
    try:
        done = decide(moderator, risky["id"], "escalate", note="Risk to life, tonight. Please reach out.")
        assert done["status"] == "held" and uuid.UUID(done["alert_id"])
        frame = desk.wait_for("safeguarding_alert", timeout=5, id=done["alert_id"])
        assert frame == {"type": "safeguarding_alert", "id": done["alert_id"]}
    finally:
        desk.close()
    alerts = counsellor.get("/api/v1/safeguarding/alerts", params={"status": "open"}).json()
    alert = next(a for a in alerts["items"] if a["id"] == done["alert_id"])
    assert alert["post_id"] == risky["id"] and alert["thread_id"] == risky["id"] and alert["body"] == SELF_HARM
    assert alert["author"] == author.user["username"] and alert["risk"]["level"] == "high"
    assert alert["note"] == "Risk to life, tonight. Please reach out." and alert["status"] == "open"
    assert alert["automatic"] is False and alert["escalated_by"]
    assert alert["created_at"]
    # still held, still in the queue, never shown to others
    assert queue_item(moderator, risky["id"])["status"] == "held"
    assert young_person().get(f"/api/v1/threads/{risky['id']}").status_code == 404
    twice = moderator.post(f"/api/v1/moderation/items/{risky['id']}/decision", json={"action": "escalate"})
    assert twice.status_code == 409 and twice.json()["code"] == "already_escalated"
    # acknowledged once
    ack = counsellor.post(f"/api/v1/safeguarding/alerts/{done['alert_id']}/acknowledge",
                          json={"note": "Reached out by chat"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert counsellor.post(f"/api/v1/safeguarding/alerts/{done['alert_id']}/acknowledge").status_code == 409
    assert counsellor.post(f"/api/v1/safeguarding/alerts/{uuid.uuid4()}/acknowledge").status_code == 404
    open_ids = [a["id"] for a in counsellor.get("/api/v1/safeguarding/alerts").json()["items"]]
    assert done["alert_id"] not in open_ids
    acked = counsellor.get("/api/v1/safeguarding/alerts", params={"status": "acknowledged"}).json()["items"]
    assert any(a["id"] == done["alert_id"] for a in acked)
    assert counsellor.get("/api/v1/safeguarding/alerts", params={"status": "nope"}).status_code == 400


def test_safeguarding_alert_roles(client: Client, young_person, moderator, admin, staff) -> None:
    assert client.get("/api/v1/safeguarding/alerts").status_code == 401
    for c in (young_person(), staff("council_admin", council="E06000044")):
        assert c.get("/api/v1/safeguarding/alerts").status_code == 403
        assert c.post(f"/api/v1/safeguarding/alerts/{uuid.uuid4()}/acknowledge").status_code == 403
    # API.md: moderators may read the alerts (they escalate posts); acknowledging is the counsellors'
    assert moderator.get("/api/v1/safeguarding/alerts").status_code == 200
    assert moderator.post(f"/api/v1/safeguarding/alerts/{uuid.uuid4()}/acknowledge").status_code == 403
    assert admin.get("/api/v1/safeguarding/alerts").status_code == 200


# --- the audit log ---------------------------------------------------------------------------------


def test_every_staff_action_is_audited_and_the_log_is_append_only(young_person, moderator, admin, database,
                                                                  forum_policy, watch) -> None:
    answer = start_thread(young_person())
    claim(moderator, answer["id"])
    decide(moderator, answer["id"], "reject", reason_code="spam", note="same post three times")
    forum_policy(auto_publish_min_approved=7)
    word = watch("wibblethorp", "hold")
    log = admin.get("/api/v1/moderation/audit", params={"limit": 50}).json()
    assert log["total"] >= 4
    rows = log["items"]
    stamps = [r["at"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    reject = next(r for r in rows if r["action"] == "reject" and r["target_id"] == answer["id"])
    assert reject["actor_id"] == moderator.user["id"] and reject["actor_role"] == "moderator"
    assert reject["reason_code"] == "spam" and reject["note"] == "same post three times"
    assert reject["target_type"] == "post"
    assert any(r["action"] == "claim" and r["target_id"] == answer["id"] for r in rows)
    assert any(r["action"] == "settings_change" and r["actor_role"] == "admin" for r in rows)
    assert any(r["action"] == "watched_word_add" and r["target_id"] == word["id"] for r in rows)
    assert moderator.get("/api/v1/moderation/audit").status_code == 403
    assert young_person().get("/api/v1/moderation/audit").status_code == 403
    # PostgreSQL refuses to change or remove a row
    with pytest.raises(Exception, match="append-only"):
        database.query("UPDATE audit_log SET note = 'changed' WHERE target_id = $1", answer["id"])
    with pytest.raises(Exception, match="append-only"):
        database.query("DELETE FROM audit_log WHERE target_id = $1", answer["id"])
    with pytest.raises(Exception, match="append-only"):
        database.query("TRUNCATE audit_log")
    assert database.query("SELECT note FROM audit_log WHERE action = 'reject' AND target_id = $1",
                          answer["id"])[0]["note"] == "same post three times"


def test_deleting_a_staff_account_leaves_the_audit_log_alone(young_person, staff, admin, database) -> None:
    leaving = staff("moderator", key="leaving", name="Lee")
    answer = start_thread(young_person())
    decide(leaving, answer["id"])
    database.query("DELETE FROM user_account WHERE id = $1", uuid.UUID(leaving.user["id"]))
    row = admin.get("/api/v1/moderation/audit", params={"target_id": answer["id"]}).json()["items"][0]
    assert row["actor_id"] == leaving.user["id"] and row["actor"] is None and row["action"] == "approve"


# --- watched words and the forum policy ---------------------------------------------------------


def test_watched_words_block_hold_and_flag(young_person, admin, moderator, watch, forum_policy) -> None:
    forum_policy(auto_publish=True, auto_publish_min_approved=1)
    block = watch("zorbexqa", "block")
    watch("quibblix*", "hold")
    watch("flurpington", "flag")
    listed = admin.get("/api/v1/moderation/watched-words").json()
    assert {("zorbexqa", "block"), ("quibblix*", "hold"), ("flurpington", "flag")} <= {
        (w["word"], w["action"]) for w in listed["items"]}
    blocked = start_thread(young_person(), title="hello", body="ZORBEXQA for sale")
    assert blocked["status"] == "rejected" and blocked["message"]
    held = start_thread(young_person(), title="hello", body="total quibblixes everywhere")
    assert held["status"] == "pending"
    item = queue_item(moderator, held["id"])
    assert item["risk"]["level"] == "medium" and item["spans"][0]["rule"] == "watched_word:hold:quibblix*"
    # flag: publishable but marked, so never auto-published
    trusted = young_person()
    decide(moderator, start_thread(trusted)["id"])
    flagged = start_thread(trusted, title="hello", body="flurpington again")
    assert flagged["status"] == "pending"
    assert queue_item(moderator, flagged["id"])["risk"] == {"level": "low", "categories": ["watched_word"]}
    # removed: the next post is not blocked
    assert admin.delete(f"/api/v1/moderation/watched-words/{block['id']}").status_code == 204
    assert admin.delete(f"/api/v1/moderation/watched-words/{block['id']}").status_code == 404
    assert start_thread(young_person(), title="hello", body="zorbexqa for sale")["status"] == "pending"


def test_watched_word_rules(admin, moderator, young_person, watch) -> None:
    assert admin.post("/api/v1/moderation/watched-words", json={"word": "!!!", "action": "block"}).status_code == 400
    assert admin.post("/api/v1/moderation/watched-words", json={"word": "fine", "action": "ban"}).status_code == 400
    assert admin.post("/api/v1/moderation/watched-words", json={"word": "x" * 61}).status_code == 400
    first = watch("snorkelwump", "flag")
    changed = watch("Snorkelwump", "hold")
    assert changed["id"] == first["id"] and changed["action"] == "hold"
    for c in (moderator, young_person()):
        assert c.get("/api/v1/moderation/watched-words").status_code == 403
        assert c.post("/api/v1/moderation/watched-words", json={"word": "x", "action": "hold"}).status_code == 403
        assert c.delete(f"/api/v1/moderation/watched-words/{first['id']}").status_code == 403
        assert c.get("/api/v1/moderation/settings").status_code == 403
        assert c.put("/api/v1/moderation/settings", json={"auto_publish": True}).status_code == 403


def test_auto_publish_after_enough_approved_posts(young_person, moderator, admin, forum_policy) -> None:
    assert admin.get("/api/v1/moderation/settings").json()["auto_publish"] is False  # pre-moderated by default
    for bad in ({"auto_publish_min_approved": 0}, {"auto_publish_min_approved": 101}, {"auto_publish": "maybe"}):
        assert admin.put("/api/v1/moderation/settings", json=bad).status_code == 400
    assert forum_policy(auto_publish=True, auto_publish_min_approved=1) == {
        **admin.get("/api/v1/moderation/settings").json(), "auto_publish": True, "auto_publish_min_approved": 1}
    author, reader = young_person(), young_person()
    first = start_thread(author)
    assert first["status"] == "pending"  # nothing approved yet
    decide(moderator, first["id"])
    second = start_thread(author, title="Another question", body="What do you do to relax after school?")
    assert second["status"] == "published"
    assert reader.get(f"/api/v1/threads/{second['id']}").json()["status"] == "published"
    assert queue_item(moderator, second["id"]) is None
    # a report against the author in the last week: back to pre-moderation
    assert reader.post(f"/api/v1/posts/{second['id']}/reports", json={"reason": "not sure"}).status_code == 201
    third = start_thread(author, title="One more", body="Does anyone else like drawing?")
    assert third["status"] == "pending"


# --- the moderators' console hears about every change ------------------------------------------


def test_the_queue_announces_every_new_item(young_person, moderator, server: Server) -> None:
    console = ChatSocket(server.base_url, moderator, path="/api/v1/moderation/ws")
    try:
        answer = start_thread(young_person())
        assert console.wait_for("moderation_item", timeout=5, id=answer["id"])["status"] == "pending"
        decide(moderator, answer["id"])
        assert console.wait_for("moderation_item", timeout=5, id=answer["id"])["status"] == "published"
    finally:
        console.close()
