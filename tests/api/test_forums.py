"""Anonymous peer forums: boards, threads, replies, reactions, reports, export and
deletion — through HTTP against the running server and real PostgreSQL.

The server is shared by every test file: nothing here assumes an empty board or queue;
each test finds its own records by id."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.harness import Client

PROBLEM = "application/problem+json"
BOARD = "exams-and-school"
BOARDS = ["exams-and-school", "friends-and-relationships", "family", "body-image", "feeling-low", "anxiety",
          "identity", "just-chat"]
RISKY = "i want to end it all tonight"
PERSONAL = "I go to St Mary's High School, text me 07700 900123"


# --- helpers (also used by test_review.py) ---------------------------------------------------


def start_thread(yp: Client, title: str = "Revision tips?", body: str = "Exams soon and I can't focus. What helps you?",
                 board: str = BOARD, **extra: Any) -> dict[str, Any]:
    r = yp.post(f"/api/v1/boards/{board}/threads", json={"title": title, "body": body, **extra})
    assert r.status_code == 202, r.text
    return r.json()


def reply(yp: Client, thread_id: str, body: str = "Same here, short breaks help me.", **extra: Any) -> dict[str, Any]:
    r = yp.post(f"/api/v1/threads/{thread_id}/posts", json={"body": body, **extra})
    assert r.status_code == 202, r.text
    return r.json()


def decide(moderator: Client, item_id: str, action: str = "approve", **extra: Any) -> dict[str, Any]:
    r = moderator.post(f"/api/v1/moderation/items/{item_id}/decision", json={"action": action, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def queue(moderator: Client) -> list[dict[str, Any]]:
    r = moderator.get("/api/v1/moderation/queue", params={"limit": 500})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def queue_item(moderator: Client, item_id: str) -> dict[str, Any] | None:
    return next((i for i in queue(moderator) if i["id"] == item_id), None)


def published_thread(young_person, moderator: Client, **kw: Any) -> tuple[Client, str]:
    author = young_person()
    thread = start_thread(author, **kw)
    decide(moderator, thread["id"])
    return author, thread["id"]


def thread_ids(c: Client, board: str = BOARD) -> list[str]:
    r = c.get(f"/api/v1/boards/{board}/threads", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [t["id"] for t in r.json()["items"]]


@pytest.fixture
def moderator(staff) -> Client:
    return staff("moderator", name="Mo Derator")


# --- boards -----------------------------------------------------------------------------------


def test_boards_are_listed_for_anyone(client: Client) -> None:
    r = client.get("/api/v1/boards")
    assert r.status_code == 200
    boards = r.json()
    assert [b["slug"] for b in boards] == BOARDS
    assert boards[0] == {"slug": "exams-and-school", "name": "Exams and school",
                         "description": boards[0]["description"]}
    assert all(b["name"] and 10 < len(b["description"]) <= 300 for b in boards)


def test_unknown_board_is_404(young_person) -> None:
    yp = young_person()
    assert yp.get("/api/v1/boards/no-such-board/threads").status_code == 404
    r = yp.post("/api/v1/boards/no-such-board/threads", json={"title": "Hello", "body": "Hi everyone"})
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)


# --- pre-moderation -----------------------------------------------------------------------------


def test_a_clean_post_waits_for_a_moderator_and_is_visible_only_to_its_author(young_person, moderator) -> None:
    author, reader = young_person(), young_person()
    answer = start_thread(author)
    assert answer["status"] == "pending" and "support" not in answer
    assert uuid.UUID(answer["id"]) and answer["thread_id"] == answer["id"]
    assert "moderator" in answer["message"]
    # invisible to others, visible to its author as pending
    assert reader.get(f"/api/v1/threads/{answer['id']}").status_code == 404
    assert answer["id"] not in thread_ids(reader)
    # the author sees it on the board, marked as waiting for a moderator
    listed = {t["id"]: t for t in author.get(f"/api/v1/boards/{BOARD}/threads", params={"limit": 100}).json()["items"]}
    assert listed[answer["id"]]["waiting_for_moderator"] is True
    mine = author.get(f"/api/v1/threads/{answer['id']}").json()
    assert mine["status"] == "pending" and mine["title"] == "Revision tips?" and mine["board"] == BOARD
    assert mine["author"] == author.user["username"]
    assert [(p["id"], p["status"]) for p in mine["posts"]] == [(answer["id"], "pending")]
    # a moderator approves: everyone can read it
    assert decide(moderator, answer["id"])["status"] == "published"
    seen = reader.get(f"/api/v1/threads/{answer['id']}").json()
    assert seen["status"] == "published" and seen["author"] == author.user["username"]
    post = seen["posts"][0]
    assert post["status"] == "published" and post["body"].startswith("Exams soon") and post["reactions"] == []
    assert set(post) >= {"id", "author", "body", "status", "created_at", "reactions"}
    listing = reader.get(f"/api/v1/boards/{BOARD}/threads").json()
    item = next(t for t in listing["items"] if t["id"] == answer["id"])
    assert item == {**item, "title": "Revision tips?", "author": author.user["username"], "reply_count": 0}
    assert listing["total"] >= 1 and set(item) >= {"id", "title", "author", "created_at", "reply_count"}


def test_replies_are_moderated_and_bump_the_thread(young_person, moderator) -> None:
    author, other = young_person(), young_person()
    _, older = published_thread(young_person, moderator, title="An older thread")
    thread = start_thread(author, title="Friends left me out")
    decide(moderator, thread["id"])
    assert thread_ids(other).index(thread["id"]) < thread_ids(other).index(older)
    answer = reply(other, older, body="That happened to me too. It got better.")
    assert answer["status"] == "pending" and answer["thread_id"] == older
    # the replier sees their pending reply, nobody else does; the thread has not moved yet
    assert [p["status"] for p in other.get(f"/api/v1/threads/{older}").json()["posts"]] == ["published", "pending"]
    assert [p["status"] for p in author.get(f"/api/v1/threads/{older}").json()["posts"]] == ["published"]
    assert thread_ids(other).index(thread["id"]) < thread_ids(other).index(older)
    item = queue_item(moderator, answer["id"])
    assert item["kind"] == "reply" and item["thread_id"] == older and "title" not in item
    decide(moderator, answer["id"])
    posts = author.get(f"/api/v1/threads/{older}").json()["posts"]
    assert [p["body"] for p in posts][1] == "That happened to me too. It got better."
    listed = author.get(f"/api/v1/boards/{BOARD}/threads", params={"limit": 100}).json()["items"]
    ids = [t["id"] for t in listed]
    assert ids.index(older) < ids.index(thread["id"])  # newest activity first
    assert next(t for t in listed if t["id"] == older)["reply_count"] == 1


def test_listing_pages(young_person, moderator) -> None:
    reader = young_person()
    for _ in range(2):
        published_thread(young_person, moderator, board="just-chat", title="Good news thread")
    page1 = reader.get("/api/v1/boards/just-chat/threads", params={"limit": 1}).json()
    page2 = reader.get("/api/v1/boards/just-chat/threads", params={"limit": 1, "offset": 1}).json()
    assert len(page1["items"]) == 1 and len(page2["items"]) == 1 and page1["total"] >= 2
    assert page1["items"][0]["id"] != page2["items"][0]["id"]
    assert reader.get("/api/v1/boards/just-chat/threads", params={"limit": 0}).status_code == 400


def test_replies_to_unpublished_or_unknown_threads(young_person) -> None:
    author, other = young_person(), young_person()
    thread = start_thread(author)
    r = author.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "Anyone?"})
    assert r.status_code == 409 and "approved" in r.json()["detail"]
    assert other.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "Hi"}).status_code == 404
    assert other.post(f"/api/v1/threads/{uuid.uuid4()}/posts", json={"body": "Hi"}).status_code == 404
    assert other.get(f"/api/v1/threads/{uuid.uuid4()}").status_code == 404
    assert other.get("/api/v1/threads/not-a-uuid").status_code in (400, 404)


# --- risk ------------------------------------------------------------------------------------


def test_a_risky_post_is_held_with_support_and_never_shown_to_others(young_person, moderator, database) -> None:
    author, other = young_person(), young_person()
    answer = start_thread(author, title="I can't do this", body=RISKY)
    assert answer["status"] == "held"
    support = answer["support"]
    assert support["can_talk_to_counsellor"] is True and support["message"]
    assert any(line.get("phone") == "0800 1111" for line in support["crisis_lines"])
    assert "counsellor" in support["message"]
    row = database.query("SELECT status, risk_level, risk_categories FROM forum_post WHERE id = $1",
                         uuid.UUID(answer["id"]))[0]
    assert (row["status"], row["risk_level"]) == ("held", "urgent") and "risk_to_life" in row["risk_categories"]
    assert other.get(f"/api/v1/threads/{answer['id']}").status_code == 404
    assert answer["id"] not in thread_ids(other)
    own = author.get(f"/api/v1/threads/{answer['id']}").json()["posts"][0]
    assert own["status"] == "held" and own["needs_support"] is True  # so the app shows help again
    # a risky reply to a published thread is held too, and still never shown
    _, tid = published_thread(young_person, moderator)
    held = reply(other, tid, body="honestly i want to die")
    assert held["status"] == "held" and held["support"]["crisis_lines"]
    assert [p["id"] for p in author.get(f"/api/v1/threads/{tid}").json()["posts"]] == [tid]


def test_a_block_word_is_rejected_kindly_but_risk_is_still_held(young_person, staff) -> None:
    admin = staff("admin")
    word = admin.post("/api/v1/moderation/watched-words", json={"word": "grumblewort", "action": "block"}).json()
    try:
        yp = young_person()
        blocked = start_thread(yp, title="grumblewort", body="What a day")
        assert blocked["status"] == "rejected" and "couldn't post" in blocked["message"]
        mine = yp.get(f"/api/v1/threads/{blocked['id']}").json()
        assert mine["posts"][0]["status"] == "rejected" and "couldn't post" in mine["posts"][0]["moderator_message"]
        risky = start_thread(young_person(), title="grumblewort", body=RISKY)
        assert risky["status"] == "held" and "support" in risky
    finally:
        assert admin.delete(f"/api/v1/moderation/watched-words/{word['id']}").status_code == 204


# --- idempotency and rate limits --------------------------------------------------------------


def test_the_same_client_id_stores_one_post(young_person, moderator, database) -> None:
    yp = young_person()
    cid = str(uuid.uuid4())
    first = start_thread(yp, client_id=cid)
    again = start_thread(yp, client_id=cid, title="a different title")
    assert again == first
    assert database.query("SELECT count(*) AS n FROM forum_post WHERE client_id = $1", uuid.UUID(cid))[0]["n"] == 1
    _, tid = published_thread(young_person, moderator)
    rid = str(uuid.uuid4())
    assert reply(yp, tid, client_id=rid) == reply(yp, tid, client_id=rid)
    # another person's client_id is theirs: no clash
    assert start_thread(young_person(), client_id=cid)["id"] != first["id"]


def test_a_new_member_may_post_three_times_an_hour(young_person) -> None:
    yp = young_person()
    cid = str(uuid.uuid4())
    first = start_thread(yp, title="Question 1", client_id=cid)
    for i in range(2):
        start_thread(yp, title=f"Question {i + 2}")
    r = yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Question 4", "body": "One more thing"})
    assert r.status_code == 429 and r.headers["content-type"].startswith(PROBLEM)
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    assert r.json()["code"] == "rate_limited" and "minute" in r.json()["detail"]
    # a retry of a post already stored is not a new post
    assert start_thread(yp, title="Question 1", client_id=cid) == first
    # and risk is never turned away: it always reaches a human
    risky = start_thread(yp, title="please", body=RISKY)
    assert risky["status"] == "held" and "support" in risky


# --- reactions ----------------------------------------------------------------------------------


def test_reactions_show_kinds_never_counts(young_person, moderator, staff, client: Client) -> None:
    author, fan, other = young_person(), young_person(), young_person()
    thread = start_thread(author)
    post = thread["id"]
    assert fan.post(f"/api/v1/posts/{post}/reactions", json={"kind": "hug"}).status_code == 404  # not yet published
    decide(moderator, post)
    for _ in range(2):  # idempotent
        r = fan.post(f"/api/v1/posts/{post}/reactions", json={"kind": "hug"})
        assert r.status_code == 201 and r.json()["reactions"] == [{"kind": "hug", "mine": True}]
    assert other.post(f"/api/v1/posts/{post}/reactions", json={"kind": "hug"}).status_code == 201
    assert other.post(f"/api/v1/posts/{post}/reactions", json={"kind": "you_got_this"}).status_code == 201
    assert fan.get(f"/api/v1/threads/{post}").json()["posts"][0]["reactions"] == [
        {"kind": "hug", "mine": True}, {"kind": "you_got_this", "mine": False}]
    assert author.get(f"/api/v1/threads/{post}").json()["posts"][0]["reactions"] == [
        {"kind": "hug", "mine": False}, {"kind": "you_got_this", "mine": False}]
    assert "count" not in str(author.get(f"/api/v1/threads/{post}").json())
    bad = fan.post(f"/api/v1/posts/{post}/reactions", json={"kind": "like"})
    assert bad.status_code == 400 and "hug" in bad.json()["detail"]
    assert fan.post(f"/api/v1/posts/{post}/reactions", json={}).status_code == 400
    assert fan.post(f"/api/v1/posts/{uuid.uuid4()}/reactions", json={"kind": "hug"}).status_code == 404
    assert fan.delete(f"/api/v1/posts/{post}/reactions/hug").status_code == 204
    assert fan.delete(f"/api/v1/posts/{post}/reactions/hug").status_code == 204
    assert fan.delete(f"/api/v1/posts/{post}/reactions/like").status_code == 400
    assert fan.get(f"/api/v1/threads/{post}").json()["posts"][0]["reactions"] == [
        {"kind": "hug", "mine": False}, {"kind": "you_got_this", "mine": False}]
    assert staff("counsellor").post(f"/api/v1/posts/{post}/reactions", json={"kind": "hug"}).status_code == 403
    assert client.post(f"/api/v1/posts/{post}/reactions", json={"kind": "hug"}).status_code == 401


# --- reports ------------------------------------------------------------------------------------


def test_reporting_a_post(young_person, moderator, staff, client: Client) -> None:
    _, tid = published_thread(young_person, moderator)
    reporter = young_person()
    r = reporter.post(f"/api/v1/posts/{tid}/reports", json={"reason": "This feels like it's about a real person"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    again = reporter.post(f"/api/v1/posts/{tid}/reports", json={"reason": "Still worried"})
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]  # one open report each
    assert staff("counsellor").post(f"/api/v1/posts/{tid}/reports", json={"reason": "Please check"}).status_code == 201
    assert client.post(f"/api/v1/posts/{tid}/reports", json={"reason": "x"}).status_code == 401
    assert reporter.post(f"/api/v1/posts/{tid}/reports", json={"reason": "x" * 501}).status_code == 400
    assert reporter.post(f"/api/v1/posts/{tid}/reports", json={"reason": "   "}).status_code == 400
    assert reporter.post(f"/api/v1/posts/{tid}/reports", json={}).status_code == 400
    assert reporter.post(f"/api/v1/posts/{uuid.uuid4()}/reports", json={"reason": "x"}).status_code == 404
    pending = start_thread(young_person())
    assert reporter.post(f"/api/v1/posts/{pending['id']}/reports", json={"reason": "x"}).status_code == 404
    item = queue_item(moderator, tid)
    assert item["kind"] == "report" and len(item["reports"]) == 2
    assert item["reports"][0]["reason"] == "This feels like it's about a real person"


# --- bad input and roles ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"body": "no title"},
    {"title": "no body"},
    {"title": "   ", "body": "a title of spaces"},
    {"title": "Fine", "body": "   "},
    {"title": "x" * 121, "body": "too long a title"},
    {"title": "Fine", "body": "x" * 5001},
    {"title": "Fine", "body": "ok", "client_id": "not-a-uuid"},
    {"title": 5, "body": "ok"},
])
def test_bad_thread_bodies_are_400(young_person, body) -> None:
    r = young_person().post(f"/api/v1/boards/{BOARD}/threads", json=body)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM) and r.json()["detail"]


def test_the_longest_post_is_accepted(young_person) -> None:
    assert start_thread(young_person(), title="x" * 120, body="word " * 1000)["status"] == "pending"


def test_bad_reply_bodies_are_400(young_person, moderator) -> None:
    _, tid = published_thread(young_person, moderator)
    yp = young_person()
    assert yp.post(f"/api/v1/threads/{tid}/posts", json={"body": "x" * 5001}).status_code == 400
    assert yp.post(f"/api/v1/threads/{tid}/posts", json={}).status_code == 400
    assert yp.post(f"/api/v1/threads/{tid}/posts", json={"body": ""}).status_code == 400


def test_roles(client: Client, young_person, staff, moderator) -> None:
    body = {"title": "Hello", "body": "Hi all"}
    for role, council in (("counsellor", None), ("moderator", None), ("council_admin", "E06000044"), ("admin", None)):
        c = staff(role, council=council)
        assert c.post(f"/api/v1/boards/{BOARD}/threads", json=body).status_code == 403
        assert c.get(f"/api/v1/boards/{BOARD}/threads").status_code == 200  # staff can read the boards
    _, tid = published_thread(young_person, moderator)
    assert moderator.post(f"/api/v1/threads/{tid}/posts", json={"body": "hi"}).status_code == 403
    assert client.post(f"/api/v1/boards/{BOARD}/threads", json=body).status_code == 401
    assert client.post(f"/api/v1/threads/{tid}/posts", json={"body": "hi"}).status_code == 401
    assert client.get(f"/api/v1/boards/{BOARD}/threads").status_code == 401
    assert client.get(f"/api/v1/threads/{tid}").status_code == 401
    assert client.get("/api/v1/boards").status_code == 200


# --- the person's data --------------------------------------------------------------------------


def test_export_and_account_deletion(young_person, moderator, database) -> None:
    author, tid = published_thread(young_person, moderator, title="My thread")
    helper = young_person()
    answer = reply(helper, tid, body="You're not alone in this.")
    decide(moderator, answer["id"])
    assert helper.post(f"/api/v1/posts/{tid}/reactions", json={"kind": "thank_you"}).status_code == 201
    assert helper.post(f"/api/v1/posts/{tid}/reports", json={"reason": "Checking this is ok"}).status_code == 201
    data = helper.get("/api/v1/me/export").json()["forums"]
    assert [p["body"] for p in data["posts"]] == ["You're not alone in this."]
    assert data["reactions"][0]["kind"] == "thank_you" and data["reports"][0]["reason"] == "Checking this is ok"
    assert author.get("/api/v1/me/export").json()["forums"]["threads"][0]["title"] == "My thread"

    assert helper.delete("/api/v1/me").status_code == 204
    posts = author.get(f"/api/v1/threads/{tid}").json()["posts"]
    assert [p["author"] for p in posts] == [author.user["username"], "Former member"]
    assert posts[1]["body"] == "You're not alone in this." and posts[0]["reactions"] == []
    assert database.query("SELECT count(*) AS n FROM forum_report WHERE post_id = $1", uuid.UUID(tid))[0]["n"] == 0

    assert author.delete("/api/v1/me").status_code == 204
    reader = young_person()
    seen = reader.get(f"/api/v1/threads/{tid}").json()
    assert seen["author"] == "Former member" and [p["author"] for p in seen["posts"]] == ["Former member"] * 2
