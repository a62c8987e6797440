"""Acting on an account: the author page, warn / hold_all / suspend, lifting, the young
person's view, one appeal decided by another moderator, enforcement in the forums, what a
restriction never takes away, repeat offenders, the audit log and the council's figures —
through HTTP against the running server and PostgreSQL.

The server is shared by every test file: each test makes its own young people and finds
its records by id."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import http_ece
import pytest

from tests.api.test_forums import PERSONAL, PROBLEM, RISKY, decide, published_thread, queue, start_thread
from tests.api.test_push import Receiver, new_subscription
from tests.conftest import PUSH_RECEIVER_PORT
from tests.harness import Client

REPEAT = "add me on snap, my name there is the same as here"  # grooming (moving to another app)


@pytest.fixture
def moderator(staff) -> Client:
    return staff("moderator", name="Mo Derator")


@pytest.fixture
def second_moderator(staff) -> Client:
    return staff("moderator", name="Max Other", key="restrictions-second")


@pytest.fixture
def admin(staff) -> Client:
    return staff("admin", name="Ada Admin")


def restrict(mod: Client, user_id: str, kind: str = "suspend", reason_code: str = "unsafe_contact",
             expect: int = 201, **extra: Any) -> dict[str, Any]:
    r = mod.post(f"/api/v1/moderation/users/{user_id}/restrictions",
                 json={"kind": kind, "reason_code": reason_code, **extra})
    assert r.status_code == expect, r.text
    if expect >= 400:
        assert r.headers["content-type"].startswith(PROBLEM)
    return r.json()


def mine(yp: Client) -> list[dict[str, Any]]:
    r = yp.get("/api/v1/me/restrictions")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def author_page(mod: Client, user_id: str) -> dict[str, Any]:
    r = mod.get(f"/api/v1/moderation/users/{user_id}")
    assert r.status_code == 200, r.text
    return r.json()


def appeal(yp: Client, restriction_id: str, text: str = "I only asked about revision apps, not to chat.") -> Any:
    return yp.post(f"/api/v1/me/restrictions/{restriction_id}/appeal", json={"text": text})


def in_the_future(**delta: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(**delta)).isoformat()


# --- reasons, the author page ------------------------------------------------------------------


def test_account_reasons_are_listed_beside_post_reasons(moderator) -> None:
    reasons = moderator.get("/api/v1/moderation/reasons").json()
    post = [r for r in reasons if r["applies_to"] == "post"]
    account = [r for r in reasons if r["applies_to"] == "account"]
    assert "personal_details" in {r["code"] for r in post} and len(account) >= 4
    assert {"unsafe_contact", "sharing_details"} <= {r["code"] for r in account}
    assert all(r["label"] and r["message"] and len(r["message"]) < 250 for r in account)
    assert not {r["code"] for r in post} & {r["code"] for r in account}


def test_the_author_page_counts_posts_reports_and_restrictions(young_person, moderator) -> None:
    author, reporter = young_person(), young_person()
    published = start_thread(author, title="Exam stress")["id"]
    decide(moderator, published)
    waiting = start_thread(author, title="Sleep before exams")["id"]
    rejected = start_thread(author, title="Another one")["id"]
    decide(moderator, rejected, "reject", reason_code="off_topic")
    assert reporter.post(f"/api/v1/posts/{published}/reports", json={"reason": "this is mean"}).status_code == 201

    item = next(i for i in queue(moderator) if i["id"] == waiting)
    assert item["author"] == author.user["username"] and item["author_id"] == author.user["id"]
    assert item["suggested_action"] is None
    page = author_page(moderator, item["author_id"])
    assert page["id"] == author.user["id"] and page["username"] == author.user["username"]
    assert page["posts"] == {"published": 1, "held": 1, "rejected": 1}
    assert page["reports"] == 1 and page["recent_reports"][0]["reason"] == "this is mean"
    assert page["restrictions"] == [] and dt.datetime.fromisoformat(page["created_at"])
    assert {p["id"] for p in page["recent_posts"]} == {published, waiting, rejected}


def test_only_moderators_and_admins_act_on_accounts(young_person, staff, moderator, admin, client: Client) -> None:
    target = young_person()
    uid = target.user["id"]
    rid = restrict(moderator, uid, "warn", "board_rules")["id"]
    for who in (young_person(), staff("counsellor", name="Cara"), staff("council_admin", council="E06000044")):
        assert who.get(f"/api/v1/moderation/users/{uid}").status_code == 403
        assert who.post(f"/api/v1/moderation/users/{uid}/restrictions",
                        json={"kind": "suspend", "reason_code": "unsafe_contact"}).status_code == 403
        assert who.delete(f"/api/v1/moderation/users/{uid}/restrictions/{rid}").status_code == 403
        assert who.get("/api/v1/moderation/appeals").status_code == 403
        assert who.post(f"/api/v1/moderation/appeals/{uuid.uuid4()}/decision", json={"action": "lift"}).status_code == 403
    assert client.get(f"/api/v1/moderation/users/{uid}").status_code == 401
    assert client.get("/api/v1/me/restrictions").status_code == 401
    for who in (moderator, staff("counsellor", name="Cara")):  # the young person's view is theirs only
        assert who.get("/api/v1/me/restrictions").status_code == 403
        assert who.post(f"/api/v1/me/restrictions/{rid}/appeal", json={"text": "no"}).status_code == 403
    assert author_page(admin, uid)["restrictions"][0]["id"] == rid  # an admin may too
    restrict(admin, uid, "hold_all", "spam_posts")


def test_staff_accounts_cannot_be_restricted(staff, moderator, admin) -> None:
    for who in (staff("counsellor", name="Cara"), staff("moderator", name="Max Other", key="restrictions-second"), admin):
        body = restrict(moderator, who.user["id"], expect=403)
        assert body["code"] == "staff_account"


def test_bad_inputs(young_person, moderator) -> None:
    uid = young_person().user["id"]
    assert restrict(moderator, uid, kind="ban", expect=400)["field"] == "kind"
    assert restrict(moderator, uid, kind="suspend", reason_code="nope", expect=400)["field"] == "reason_code"
    assert restrict(moderator, uid, reason_code="off_topic", expect=400)["field"] == "reason_code"  # a post reason
    past = restrict(moderator, uid, until=in_the_future(minutes=-5), expect=400)
    assert past["code"] == "until_in_past" and "future" in past["detail"]
    assert restrict(moderator, uid, until="next tuesday", expect=400)["status"] == 400
    assert restrict(moderator, uid, note="x" * 2001, expect=400)["status"] == 400
    r = moderator.post(f"/api/v1/moderation/users/{uid}/restrictions", json={"reason_code": "unsafe_contact"})
    assert r.status_code == 400 and r.json()["field"] == "kind"
    assert restrict(moderator, str(uuid.uuid4()), expect=404)["status"] == 404
    assert moderator.get(f"/api/v1/moderation/users/{uuid.uuid4()}").status_code == 404
    assert moderator.get("/api/v1/moderation/users/not-a-uuid").status_code in (400, 404)
    assert moderator.delete(f"/api/v1/moderation/users/{uid}/restrictions/{uuid.uuid4()}").status_code == 404
    other = restrict(moderator, young_person().user["id"], "warn", "board_rules")["id"]
    assert moderator.delete(f"/api/v1/moderation/users/{uid}/restrictions/{other}").status_code == 404  # not theirs
    assert moderator.post(f"/api/v1/moderation/appeals/{uuid.uuid4()}/decision",
                          json={"action": "lift"}).status_code == 404
    assert restrict(moderator, uid, "suspend", note="  ")["until"] is None  # no end: until null


# --- suspend ------------------------------------------------------------------------------------


def test_a_suspension_stops_posting_reacting_and_reporting_with_kind_words(young_person, moderator) -> None:
    author, thread = published_thread(young_person, moderator)
    yp = young_person()
    created = restrict(moderator, yp.user["id"], "suspend", "unsafe_contact", note="Asked three people for snap")
    assert set(created) >= {"id", "kind", "until"} and created["kind"] == "suspend" and created["until"] is None

    items = mine(yp)
    assert [i["id"] for i in items] == [created["id"]]
    item = items[0]
    assert item["kind"] == "suspend" and item["until"] is None and item["can_appeal"] is True
    assert "can't post" in item["message"] and "counsellor" in item["message"]
    assert "snap" not in json.dumps(items) and "note" not in item  # the staff note is never theirs to read

    attempts = [
        yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "Hi", "body": "Anyone revising?"}),
        yp.post(f"/api/v1/threads/{thread}/posts", json={"body": "Same here"}),
        yp.post(f"/api/v1/posts/{thread}/reactions", json={"kind": "hug"}),
        yp.post(f"/api/v1/posts/{thread}/reports", json={"reason": "spam"}),
    ]
    for r in attempts:
        assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM), r.text
        body = r.json()
        assert body["code"] == "suspended" and body["detail"] == item["message"]
        assert body["crisis_lines"] and body["can_talk_to_counsellor"] is True
    assert author.post(f"/api/v1/posts/{thread}/reactions", json={"kind": "hug"}).status_code == 201  # others unaffected
    # they can still read
    assert yp.get(f"/api/v1/threads/{thread}").status_code == 200


@pytest.mark.parametrize("kind", ["suspend", "hold_all"])
def test_a_restricted_account_keeps_every_kind_of_help(young_person, staff, moderator, kind: str) -> None:
    yp = young_person()
    restrict(moderator, yp.user["id"], kind, "unsafe_contact", note="private")
    lines = yp.get("/api/v1/crisis-lines")
    assert lines.status_code == 200 and len(lines.json()) >= 3
    entry = yp.post("/api/v1/journal", json={"body": "A hard day, but I went for a walk."})
    assert entry.status_code == 201
    assert yp.get("/api/v1/journal").json()["total"] == 1
    assert yp.post("/api/v1/mood", json={"score": 3, "feelings": ["tired"]}).status_code == 201
    articles = yp.get("/api/v1/articles")
    assert articles.status_code == 200 and articles.json()["total"] > 0
    slug = articles.json()["items"][0]["slug"]
    assert yp.get(f"/api/v1/articles/{slug}").status_code == 200
    assert yp.get("/api/v1/services").status_code == 200
    # messages to the team: written, listed, and in the counsellors' inbox
    wrote = yp.post("/api/v1/messages/threads", json={"subject": "A question", "body": "Can I talk about my exams?"})
    assert wrote.status_code == 201, wrote.text
    assert wrote.json()["id"] in [t["id"] for t in yp.get("/api/v1/messages/threads").json()["items"]]
    reply = yp.post(f"/api/v1/messages/threads/{wrote.json()['id']}/messages", json={"body": "Also about sleep."})
    assert reply.status_code == 201, reply.text
    # talk to someone: the chat request works, and the counsellor sees the restriction beside it
    request = yp.post("/api/v1/chat/requests", json={"topic": "friends"})
    assert request.status_code == 201, request.text
    counsellor = staff("counsellor", name="Cara", key="restrictions")
    waiting = next(i for i in counsellor.get("/api/v1/chat/queue").json()["items"] if i["id"] == request.json()["id"])
    assert waiting["restriction"]["kind"] == kind and waiting["restriction"]["reason"]
    assert waiting["restriction"]["note"] == "private" and waiting["restriction"]["until"] is None
    assert wrote.json()["id"] in [t["id"] for t in counsellor.get("/api/v1/messages/inbox").json()["items"]]
    assert counsellor.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}).status_code == 200
    taken = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request.json()["id"]})
    assert taken.status_code == 200, taken.text
    session = next(s for s in counsellor.get("/api/v1/chat/sessions").json()["items"]
                   if s["session_id"] == taken.json()["session_id"])
    assert session["restriction"]["kind"] == kind
    sent = yp.post(f"/api/v1/chat/sessions/{session['session_id']}/messages",
                   json={"body": "hi, thanks for talking to me", "client_id": str(uuid.uuid4())})
    assert sent.status_code == 201, sent.text
    assert counsellor.post(f"/api/v1/chat/sessions/{session['session_id']}/end", json={}).status_code == 200
    counsellor.put("/api/v1/chat/availability", json={"status": "away"})
    # someone without a restriction has none beside their chat
    other = young_person()
    again = other.post("/api/v1/chat/requests", json={})
    item = next(i for i in counsellor.get("/api/v1/chat/queue").json()["items"] if i["id"] == again.json()["id"])
    assert item["restriction"] is None
    assert other.delete("/api/v1/chat/requests/current").status_code == 204


def test_risk_from_a_suspended_account_is_never_turned_away(young_person, moderator) -> None:
    yp = young_person()
    restrict(moderator, yp.user["id"], "suspend", "unkind_posts")
    r = yp.post("/api/v1/boards/feeling-low/threads", json={"title": "tonight", "body": RISKY})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "held" and r.json()["support"]["crisis_lines"]


# --- hold_all, warn, lifting, expiry ---------------------------------------------------------


@pytest.fixture
def auto_publish(admin):
    before = admin.get("/api/v1/moderation/settings").json()
    assert admin.put("/api/v1/moderation/settings", json={"auto_publish": True, "auto_publish_min_approved": 1}
                     ).status_code == 200
    yield
    admin.put("/api/v1/moderation/settings", json={k: before[k] for k in ("auto_publish", "auto_publish_min_approved")})


def test_hold_all_holds_every_post_whatever_the_forum_policy(young_person, moderator, auto_publish) -> None:
    yp, thread = published_thread(young_person, moderator)
    assert start_thread(yp, title="Good news", body="My revision plan is working!")["status"] == "published"
    rid = restrict(moderator, yp.user["id"], "hold_all", "spam_posts")["id"]
    held = start_thread(yp, title="More news", body="I finished my mock exams today.")
    assert held["status"] == "held" and "support" not in held
    assert (item := next(i for i in queue(moderator) if i["id"] == held["id"]))["status"] == "held"
    assert item["author_id"] == yp.user["id"]
    assert mine(yp)[0]["kind"] == "hold_all" and "moderator will read" in mine(yp)[0]["message"]
    # reactions and reports are not stopped by a hold
    assert yp.post(f"/api/v1/posts/{thread}/reactions", json={"kind": "hug"}).status_code == 201
    assert moderator.delete(f"/api/v1/moderation/users/{yp.user['id']}/restrictions/{rid}").status_code == 204
    assert moderator.delete(f"/api/v1/moderation/users/{yp.user['id']}/restrictions/{rid}").json()["code"] == "not_in_force"
    decide(moderator, held["id"])
    assert mine(yp) == []


def test_a_warning_is_shown_once(young_person, moderator) -> None:
    yp = young_person()
    rid = restrict(moderator, yp.user["id"], "warn", "sharing_details", note="Shared school twice")["id"]
    items = mine(yp)
    assert [(i["id"], i["kind"]) for i in items] == [(rid, "warn")]
    assert "warning" in items[0]["message"] and "Shared school" not in items[0]["message"]
    assert start_thread(yp)["status"] == "pending"  # a warning stops nothing
    assert yp.post(f"/api/v1/me/restrictions/{rid}/seen").status_code == 204
    assert mine(yp) == []
    assert yp.post(f"/api/v1/me/restrictions/{rid}/seen").status_code == 204  # idempotent
    listed = author_page(moderator, yp.user["id"])["restrictions"]
    assert listed[0]["status"] == "seen" and listed[0]["seen_at"] and listed[0]["note"] == "Shared school twice"
    assert young_person().post(f"/api/v1/me/restrictions/{rid}/seen").status_code == 404  # not theirs


def test_a_restriction_ends_by_itself_at_until(young_person, moderator, database) -> None:
    yp = young_person()
    until = in_the_future(days=3)
    created = restrict(moderator, yp.user["id"], "suspend", "unkind_posts", until=until)
    assert dt.datetime.fromisoformat(created["until"]) == dt.datetime.fromisoformat(until)
    assert mine(yp)[0]["until"] == created["until"] and "It ends on" in mine(yp)[0]["message"]
    r = yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "Hi", "body": "Revision tips?"})
    assert r.status_code == 403 and "It ends on" in r.json()["detail"]
    # time passes: the end is moved into the past in the database
    database.query("UPDATE account_restriction SET until = now() - interval '1 minute' WHERE id = $1",
                   uuid.UUID(created["id"]))
    assert mine(yp) == []
    assert start_thread(yp)["status"] == "pending"
    listed = author_page(moderator, yp.user["id"])["restrictions"][0]
    assert listed["status"] == "expired" and listed["lifted_at"] == listed["until"] and listed["lifted_by"] is None
    assert appeal(yp, created["id"]).json()["code"] == "not_in_force"
    assert moderator.delete(f"/api/v1/moderation/users/{yp.user['id']}/restrictions/{created['id']}").status_code == 409


# --- appeals -----------------------------------------------------------------------------------


def test_one_appeal_decided_by_another_moderator_lifts_it(young_person, moderator, second_moderator, admin) -> None:
    yp = young_person()
    uid = yp.user["id"]
    rid = restrict(moderator, uid, "suspend", "unsafe_contact", note="Asked for photos")["id"]
    empty = appeal(yp, rid, "   ")
    assert empty.status_code == 400 and empty.json()["code"] == "empty_appeal"
    assert appeal(yp, rid, "").json()["field"] == "text"
    assert appeal(yp, rid, "x" * 2001).status_code == 400
    assert young_person().post(f"/api/v1/me/restrictions/{rid}/appeal", json={"text": "mine?"}).status_code == 404
    assert appeal(yp, str(uuid.uuid4())).status_code == 404
    made = appeal(yp, rid)
    assert made.status_code == 201 and uuid.UUID(made.json()["id"])
    appeal_id = made.json()["id"]
    twice = appeal(yp, rid, "Please look again")
    assert twice.status_code == 409 and twice.json()["code"] == "already_appealed"
    item = mine(yp)[0]
    assert item["can_appeal"] is False and item["appeal"]["status"] == "open"

    listed = {a["id"]: a for a in moderator.get("/api/v1/moderation/appeals").json()["items"]}
    assert listed[appeal_id]["can_decide"] is False and listed[appeal_id]["username"] == yp.user["username"]
    assert {a["id"]: a for a in second_moderator.get("/api/v1/moderation/appeals").json()["items"]}[appeal_id]["can_decide"]
    own = moderator.post(f"/api/v1/moderation/appeals/{appeal_id}/decision", json={"action": "lift"})
    assert own.status_code == 403 and own.json()["code"] == "own_restriction"
    bad = second_moderator.post(f"/api/v1/moderation/appeals/{appeal_id}/decision", json={"action": "forgive"})
    assert bad.status_code == 400 and bad.json()["field"] == "action"
    decided = second_moderator.post(f"/api/v1/moderation/appeals/{appeal_id}/decision",
                                    json={"action": "lift", "note": "Context was revision apps"})
    assert decided.status_code == 200 and decided.json()["status"] == "lifted"
    again = second_moderator.post(f"/api/v1/moderation/appeals/{appeal_id}/decision", json={"action": "uphold"})
    assert again.status_code == 409 and again.json()["code"] == "decided"

    assert mine(yp) == []
    outcome = yp.get("/api/v1/me/appeals").json()["items"][0]
    assert outcome["status"] == "lifted" and "lifted" in outcome["message"] and outcome["restriction_id"] == rid
    assert start_thread(yp)["status"] == "pending"  # they can post again
    page = author_page(admin, uid)["restrictions"][0]
    assert page["status"] == "lifted" and page["lifted_at"] and page["lifted_by"] == "Max Other"
    assert {k: page["appeal"][k] for k in ("id", "text", "status")} == {
        "id": appeal_id, "text": "I only asked about revision apps, not to chat.", "status": "lifted"}
    assert page["appeal"]["created_at"] and page["appeal"]["note"] == "Context was revision apps"

    # every step in the append-only audit log, with who and when
    log = admin.get("/api/v1/moderation/audit", params={"target_id": uid}).json()["items"]
    assert [e["action"] for e in log if e["action"] == "restrict"] == ["restrict"]
    steps = admin.get("/api/v1/moderation/audit", params={"target_id": rid}).json()["items"]
    assert [(e["action"], e["actor_role"]) for e in steps] == [("appeal_decision", "moderator"), ("appeal", "young_person")]
    assert steps[0]["details"]["decision"] == "lift" and steps[0]["at"] and "I only asked" not in json.dumps(steps)


def test_an_upheld_appeal_keeps_the_restriction(young_person, moderator, second_moderator, admin) -> None:
    yp = young_person()
    rid = restrict(moderator, yp.user["id"], "hold_all", "spam_posts")["id"]
    appeal_id = appeal(yp, rid).json()["id"]
    r = admin.post(f"/api/v1/moderation/appeals/{appeal_id}/decision", json={"action": "uphold"})
    assert r.status_code == 200 and r.json()["status"] == "upheld" and r.json()["lifted_at"] is None
    item = mine(yp)[0]
    assert item["id"] == rid and item["appeal"]["status"] == "upheld" and item["can_appeal"] is False
    assert yp.get("/api/v1/me/appeals").json()["items"][0]["status"] == "upheld"
    assert moderator.delete(f"/api/v1/moderation/users/{yp.user['id']}/restrictions/{rid}").status_code == 204
    log = admin.get("/api/v1/moderation/audit", params={"action": "restriction_lift", "target_id": yp.user["id"]})
    assert log.json()["items"][0]["details"]["restriction_id"] == rid


@pytest.fixture(scope="module")
def receiver():
    r = Receiver(PUSH_RECEIVER_PORT)
    yield r
    r.httpd.shutdown()


def test_the_outcome_is_pushed_to_a_young_person_who_opted_in(young_person, moderator, second_moderator,
                                                              receiver: Receiver) -> None:
    yp = young_person()
    sub, key, auth = new_subscription(f"/appeal/{uuid.uuid4().hex}")
    assert yp.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    rid = restrict(moderator, yp.user["id"])["id"]
    appeal_id = appeal(yp, rid).json()["id"]
    assert second_moderator.post(f"/api/v1/moderation/appeals/{appeal_id}/decision",
                                 json={"action": "lift"}).status_code == 200
    push = receiver.wait(sub["endpoint"].split(str(PUSH_RECEIVER_PORT))[1])
    message = json.loads(http_ece.decrypt(push["body"], private_key=key, auth_secret=auth, version="aes128gcm"))
    assert message["url"] == "/#/restrictions" and "appeal" in message["body"]


# --- repeat offenders ---------------------------------------------------------------------------


def test_a_repeat_offender_goes_first_with_hold_all_suggested(young_person, moderator) -> None:
    yp, first_timer = young_person(), young_person()
    first = start_thread(yp, title="hello", body=PERSONAL)
    decide(moderator, first["id"], "reject", reason_code="personal_details")
    control = start_thread(first_timer, title="hi", body=REPEAT)
    again = start_thread(yp, title="hello again", body=REPEAT)
    assert again["status"] == "pending"
    items = queue(moderator)
    at = [i["id"] for i in items].index(again["id"])
    assert items[at]["suggested_action"] == "hold_all" and "grooming" in items[at]["risk"]["categories"]
    # first in the queue: only other repeat offenders' posts may be ahead of it, never older or riskier ones
    assert all(i["suggested_action"] for i in items[:at])
    assert at < [i["id"] for i in items].index(control["id"])
    assert next(i for i in items if i["id"] == control["id"])["suggested_action"] is None
    assert mine(yp) == []  # never restricted automatically
    assert start_thread(yp, title="third", body="Normal question about revision")["status"] == "pending"
    for post_id in (again["id"], control["id"]):
        decide(moderator, post_id, "reject", reason_code="personal_details")


def test_the_repeat_rule_reads_the_findings_and_looks_back_30_days(young_person, moderator, database) -> None:
    yp, older = young_person(), young_person()
    # a grooming finding rejected for another reason still counts
    decide(moderator, start_thread(yp, title="hey", body=REPEAT)["id"], "reject", reason_code="unkind")
    again = start_thread(yp, title="hey again", body="what's your insta? we can chat there")
    clean = start_thread(yp, title="revision", body="Does anyone have tips for maths revision?")
    # a rejection from 31 days ago no longer counts
    old = start_thread(older, title="hi", body=PERSONAL)["id"]
    decide(moderator, old, "reject", reason_code="personal_details")
    database.query("UPDATE forum_post SET decided_at = now() - interval '31 days' WHERE id = $1", uuid.UUID(old))
    later = start_thread(older, title="hi again", body=REPEAT)
    items = {i["id"]: i for i in queue(moderator)}
    assert items[again["id"]]["suggested_action"] == "hold_all"
    assert items[clean["id"]]["suggested_action"] is None  # only a new grooming or details finding
    assert items[later["id"]]["suggested_action"] is None
    for post_id in (again["id"], clean["id"], later["id"]):
        decide(moderator, post_id, "reject", reason_code="off_topic")


# --- the council's figures, export, deletion ----------------------------------------------------


def test_the_councils_figures_count_restrictions_and_appeals(young_person, moderator, staff) -> None:
    council, officer = "E09000033", staff("council_admin", council="E09000033")

    def figures() -> dict[str, Any]:
        r = officer.get(f"/api/v1/councils/{council}/reports/usage")
        assert r.status_code == 200, r.text
        return r.json()

    before = figures()
    people = [young_person(council_code=council) for _ in range(5)]
    for yp in people:
        rid = restrict(moderator, yp.user["id"], "suspend", "spam_posts")["id"]
        assert appeal(yp, rid).status_code == 201
    after = figures()
    assert after["restrictions"]["total"] != "<5" and after["restrictions"]["suspend"] != "<5"
    if before["restrictions"]["total"] != "<5":
        assert after["restrictions"]["total"] == before["restrictions"]["total"] + 5
    assert after["appeals"]["made"] != "<5" and after["appeals"]["upheld"] == "<5"
    assert after["restrictions"]["hold_all"] == "<5" or isinstance(after["restrictions"]["hold_all"], int)
    csv = officer.get(f"/api/v1/councils/{council}/reports/usage", params={"format": "csv"}).text
    assert "restrictions.total" in csv and "appeals.made" in csv


def test_export_never_shows_the_note_and_deletion_removes_restrictions(young_person, moderator, database) -> None:
    yp = young_person()
    rid = restrict(moderator, yp.user["id"], "hold_all", "board_rules", note="Staff only words")["id"]
    appeal(yp, rid)
    exported = yp.get("/api/v1/me/export").json()["restrictions"]
    assert exported[0]["kind"] == "hold_all" and exported[0]["appeal"]["status"] == "open"
    assert "Staff only words" not in json.dumps(exported)
    assert yp.delete("/api/v1/me").status_code == 204
    assert database.query("SELECT count(*) AS n FROM account_restriction WHERE id = $1", uuid.UUID(rid))[0]["n"] == 0
