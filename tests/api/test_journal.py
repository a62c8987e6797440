"""The mood journal (check-ins, journal entries, goals) through the HTTP layer of a running
server on a real PostgreSQL: the contract, privacy (author only, no staff role), idempotent
writes, encryption at rest, export, deletion and key rotation."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess  # noqa: S404
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec
import pytest

from backend.journal.crypto import key_id, new_key, parse_key
from backend.journal.schemas import RiskVocabulary
from tests.harness import PYTHON, ROOT, Client, Server, new_id, waymark_cli

PROBLEM = "application/problem+json"
STAFF = [("counsellor", None), ("moderator", None), ("council_admin", "E06000044"), ("admin", None)]


def iso(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat().replace("+00:00", "Z")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["detail"]
    return body


def twin(client: Client, make_client) -> Client:
    """Another connection with the same session (another tab, another retry)."""
    other = make_client()
    for name in ("waymark_session", "csrftoken"):
        if value := client.http.cookies.get(name):
            other.http.cookies.set(name, value, domain="127.0.0.1")
    return other


def count(database, table: str, user_id: str) -> int:
    return database.query(f"SELECT count(*) AS n FROM {table} WHERE user_id = $1::uuid", user_id)[0]["n"]  # noqa: S608


# --- feelings ---------------------------------------------------------------------------


def test_feelings_are_a_public_cacheable_list_of_plain_words(client: Client) -> None:
    r = client.get("/api/v1/mood/feelings")
    assert r.status_code == 200
    feelings = r.json()
    assert 12 <= len(feelings) <= 20
    assert all(set(f) == {"slug", "label"} and re.fullmatch(r"[a-z]+", f["slug"]) for f in feelings)
    slugs = {f["slug"] for f in feelings}
    assert {"happy", "calm", "worried", "sad", "angry", "lonely", "stressed"} <= slugs
    assert "public" in r.headers["cache-control"] and "max-age" in r.headers["cache-control"]


# --- mood check-ins -------------------------------------------------------------------------


def test_mood_check_in_is_stored_and_listed_newest_first(young_person) -> None:
    yp = young_person()
    r = yp.post(
        "/api/v1/mood", json={"score": 4, "feelings": ["happy", "tired"], "note": "Good day at school"}
    )
    assert r.status_code == 201, r.text
    mood = r.json()
    assert {"id", "score", "feelings", "note", "recorded_at", "client_id"} <= set(mood)
    assert (
        mood["score"] == 4 and mood["feelings"] == ["happy", "tired"] and mood["note"] == "Good day at school"
    )
    assert mood["client_id"] is None
    assert abs(parse_time(mood["recorded_at"]) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)

    older = yp.post(
        "/api/v1/mood", json={"score": 2, "feelings": [], "recorded_at": iso(-dt.timedelta(days=3))}
    )
    oldest = yp.post(
        "/api/v1/mood", json={"score": 1, "feelings": ["sad"], "recorded_at": iso(-dt.timedelta(days=9))}
    )
    assert older.status_code == oldest.status_code == 201
    assert older.json()["note"] is None

    listed = yp.get("/api/v1/mood")
    assert listed.status_code == 200
    assert listed.json()["total"] == 3
    assert [m["id"] for m in listed.json()["items"]] == [mood["id"], older.json()["id"], oldest.json()["id"]]
    assert listed.json()["items"][0] == mood


def test_mood_days_window(young_person) -> None:
    yp = young_person()
    assert (
        yp.post(
            "/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": iso(-dt.timedelta(days=40))}
        ).status_code
        == 201
    )
    assert (
        yp.post(
            "/api/v1/mood", json={"score": 5, "feelings": [], "recorded_at": iso(-dt.timedelta(days=5))}
        ).status_code
        == 201
    )
    assert yp.get("/api/v1/mood").json()["total"] == 1  # default: 30 days
    assert yp.get("/api/v1/mood?days=7").json()["total"] == 1
    assert yp.get("/api/v1/mood?days=2").json() == {"items": [], "total": 0}
    assert yp.get("/api/v1/mood?days=41").json()["total"] == 2
    assert yp.get("/api/v1/mood?days=366").json()["total"] == 2
    for bad in ("0", "367", "-1", "abc", "1.5"):
        assert_problem(yp.get(f"/api/v1/mood?days={bad}"), 400)


def test_mood_feelings_are_deduplicated_and_case_insensitive(young_person) -> None:
    r = young_person().post("/api/v1/mood", json={"score": 3, "feelings": ["Calm", "calm", "worried"]})
    assert r.status_code == 201 and r.json()["feelings"] == ["calm", "worried"]


def test_bad_mood_scores_are_400(young_person) -> None:
    yp = young_person()
    for score in (0, 6, -1, 100, "3", None, 3.5, 3.0, True, [3], {"v": 3}):
        body = assert_problem(yp.post("/api/v1/mood", json={"score": score, "feelings": ["calm"]}), 400)
        assert "1 to 5" in body["detail"], score
    assert "1 to 5" in assert_problem(yp.post("/api/v1/mood", json={"feelings": ["calm"]}), 400)["detail"]
    assert_problem(yp.post("/api/v1/mood", json=[3]), 400)
    assert yp.get("/api/v1/mood").json()["total"] == 0
    assert yp.post("/api/v1/mood", json={"score": 1}).status_code == 201  # feelings may be left out
    assert yp.post("/api/v1/mood", json={"score": 5, "feelings": []}).status_code == 201


def test_unknown_feeling_words_are_400_naming_the_word(young_person) -> None:
    yp = young_person()
    body = assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": ["calm", "hangry"]}), 400)
    assert '"hangry"' in body["detail"] and body["code"] == "unknown_feeling"
    assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": ["x" * 500]}), 400)
    assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": "happy"}), 400)
    assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": [1, 2]}), 400)
    nine = ["happy", "calm", "proud", "hopeful", "excited", "grateful", "loved", "tired", "sad"]
    body = assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": nine}), 400)
    assert "8" in body["detail"]
    assert yp.post("/api/v1/mood", json={"score": 3, "feelings": nine[:8]}).status_code == 201
    assert yp.get("/api/v1/mood").json()["total"] == 1


def test_mood_recorded_at_bounds(young_person) -> None:
    yp = young_person()
    assert (
        yp.post(
            "/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": iso(dt.timedelta(minutes=3))}
        ).status_code
        == 201
    )
    assert (
        yp.post(
            "/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": iso(-dt.timedelta(days=365))}
        ).status_code
        == 201
    )
    assert (
        assert_problem(
            yp.post(
                "/api/v1/mood",
                json={"score": 3, "feelings": [], "recorded_at": iso(dt.timedelta(minutes=10))},
            ),
            400,
        )["code"]
        == "time_in_future"
    )
    assert (
        assert_problem(
            yp.post(
                "/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": iso(-dt.timedelta(days=367))}
            ),
            400,
        )["code"]
        == "time_too_old"
    )
    assert_problem(
        yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": "yesterday"}), 400
    )


def test_mood_recorded_at_with_an_offset_is_stored_in_utc(young_person) -> None:
    local = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(hours=1)))
    r = young_person().post(
        "/api/v1/mood", json={"score": 3, "feelings": [], "recorded_at": local.isoformat()}
    )
    assert r.status_code == 201
    assert r.json()["recorded_at"].endswith("Z")
    assert abs(parse_time(r.json()["recorded_at"]) - local) < dt.timedelta(seconds=1)


def test_mood_note_limit(young_person) -> None:
    yp = young_person()
    assert yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "n" * 1000}).status_code == 201
    body = assert_problem(yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "n" * 1001}), 400)
    assert "1,000" in body["detail"]


# --- journal entries ------------------------------------------------------------------------


def test_journal_entry_write_read_rewrite_delete(young_person) -> None:
    yp = young_person()
    r = yp.post("/api/v1/journal", json={"body": "Today I talked to my sister about exams."})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert {"id", "body", "created_at"} <= set(entry)
    assert entry["body"] == "Today I talked to my sister about exams." and entry["updated_at"] is None

    assert yp.get(f"/api/v1/journal/{entry['id']}").json() == entry
    listed = yp.get("/api/v1/journal").json()
    assert listed == {"items": [entry], "total": 1}

    r = yp.put(f"/api/v1/journal/{entry['id']}", json={"body": "Changed my mind: it went fine."})
    assert r.status_code == 200, r.text
    assert r.json()["body"] == "Changed my mind: it went fine." and r.json()["id"] == entry["id"]
    assert r.json()["created_at"] == entry["created_at"] and r.json()["updated_at"]
    assert yp.get(f"/api/v1/journal/{entry['id']}").json()["body"] == "Changed my mind: it went fine."

    assert yp.delete(f"/api/v1/journal/{entry['id']}").status_code == 204
    assert_problem(yp.get(f"/api/v1/journal/{entry['id']}"), 404)
    assert_problem(yp.delete(f"/api/v1/journal/{entry['id']}"), 404)
    assert yp.get("/api/v1/journal").json() == {"items": [], "total": 0}


def test_journal_keeps_any_text_exactly(young_person) -> None:
    yp = young_person()
    text = "  Línea 1 — 😶‍🌫️ \n\ttabs, <b>html</b>, 'quotes' \"and\" \\ back\u200bslash  "  # (a NUL is refused: test_hardening)
    r = yp.post("/api/v1/journal", json={"body": text})
    assert r.status_code == 201, r.text
    assert yp.get(f"/api/v1/journal/{r.json()['id']}").json()["body"] == text


def test_journal_list_is_newest_first_with_limit_and_offset(young_person) -> None:
    yp = young_person()
    ids = [yp.post("/api/v1/journal", json={"body": f"entry {i}"}).json()["id"] for i in range(3)]
    page = yp.get("/api/v1/journal?limit=2").json()
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == [ids[2], ids[1]]
    page = yp.get("/api/v1/journal?limit=2&offset=2").json()
    assert page["total"] == 3 and [e["id"] for e in page["items"]] == [ids[0]]
    assert yp.get("/api/v1/journal?offset=5").json() == {"items": [], "total": 3}
    for bad in ("limit=0", "limit=101", "offset=-1", "limit=x"):
        assert_problem(yp.get(f"/api/v1/journal?{bad}"), 400)


def test_journal_body_limits(young_person) -> None:
    yp = young_person()
    assert yp.post("/api/v1/journal", json={"body": "a" * 10_000}).status_code == 201
    body = assert_problem(yp.post("/api/v1/journal", json={"body": "a" * 10_001}), 400)
    assert "10,000" in body["detail"]
    assert_problem(yp.post("/api/v1/journal", json={"body": ""}), 400)
    assert_problem(yp.post("/api/v1/journal", json={"body": "   \n "}), 400)
    assert_problem(yp.post("/api/v1/journal", json={"body": None}), 400)
    assert_problem(yp.post("/api/v1/journal", json={"body": 42}), 400)
    assert_problem(yp.post("/api/v1/journal", json={}), 400)
    assert_problem(yp.post("/api/v1/journal", json=["body"]), 400)
    r = yp.post("/api/v1/journal", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert_problem(yp.post("/api/v1/journal", json={"body": "x" * 2_000_000}), 413)
    entry = yp.post("/api/v1/journal", json={"body": "short"}).json()
    assert (
        "10,000"
        in assert_problem(yp.put(f"/api/v1/journal/{entry['id']}", json={"body": "b" * 10_001}), 400)[
            "detail"
        ]
    )
    assert_problem(yp.put(f"/api/v1/journal/{entry['id']}", json={"body": ""}), 400)
    assert yp.get(f"/api/v1/journal/{entry['id']}").json()["body"] == "short"
    assert yp.get("/api/v1/journal").json()["total"] == 2


def test_unknown_or_malformed_ids_are_404(young_person) -> None:
    yp = young_person()
    missing = new_id()
    assert_problem(yp.get(f"/api/v1/journal/{missing}"), 404)
    assert_problem(yp.put(f"/api/v1/journal/{missing}", json={"body": "x"}), 404)
    assert_problem(yp.delete(f"/api/v1/journal/{missing}"), 404)
    assert_problem(yp.post(f"/api/v1/goals/{missing}/ratings", json={"score": 5}), 404)
    assert_problem(yp.delete(f"/api/v1/goals/{missing}"), 404)
    assert yp.get("/api/v1/journal/not-a-uuid").status_code in (400, 404)


# --- another person's records ----------------------------------------------------------------


def test_another_persons_records_answer_404_and_stay_untouched(young_person) -> None:
    author, other = young_person(), young_person()
    entry = author.post("/api/v1/journal", json={"body": "private thoughts"}).json()
    goal = author.post("/api/v1/goals", json={"title": "Sleep before midnight"}).json()
    author.post("/api/v1/mood", json={"score": 2, "feelings": ["sad"], "note": "private note"})

    for r in (
        other.get(f"/api/v1/journal/{entry['id']}"),
        other.put(f"/api/v1/journal/{entry['id']}", json={"body": "overwritten"}),
        other.delete(f"/api/v1/journal/{entry['id']}"),
        other.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 3}),
        other.delete(f"/api/v1/goals/{goal['id']}"),
    ):
        body = assert_problem(r, 404)
        assert "private" not in r.text and "Sleep" not in r.text and body["status"] == 404

    assert other.get("/api/v1/journal").json() == {"items": [], "total": 0}
    assert other.get("/api/v1/goals").json() == {"items": [], "total": 0}
    assert other.get("/api/v1/mood").json() == {"items": [], "total": 0}
    assert author.get(f"/api/v1/journal/{entry['id']}").json()["body"] == "private thoughts"
    goals = author.get("/api/v1/goals").json()
    assert goals["total"] == 1 and goals["items"][0]["ratings"] == []


# --- goals ------------------------------------------------------------------------------------


def test_goals_with_ratings_oldest_to_newest(young_person) -> None:
    yp = young_person()
    r = yp.post("/api/v1/goals", json={"title": "Go to the after-school club"})
    assert r.status_code == 201, r.text
    goal = r.json()
    assert {"id", "title", "ratings"} <= set(goal)
    assert goal["title"] == "Go to the after-school club" and goal["ratings"] == []

    first = yp.post(
        f"/api/v1/goals/{goal['id']}/ratings", json={"score": 2, "rated_at": iso(-dt.timedelta(days=14))}
    )
    third = yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 7})
    second = yp.post(
        f"/api/v1/goals/{goal['id']}/ratings", json={"score": 0, "rated_at": iso(-dt.timedelta(days=7))}
    )
    for r in (first, second, third):
        assert r.status_code == 201, r.text
        assert {"id", "score", "rated_at"} <= set(r.json())
    assert yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 10}).status_code == 201

    other_goal = yp.post("/api/v1/goals", json={"title": "  Text Nan on Sundays  "}).json()
    assert other_goal["title"] == "Text Nan on Sundays"

    listed = yp.get("/api/v1/goals").json()
    assert listed["total"] == 2
    assert [g["id"] for g in listed["items"]] == [other_goal["id"], goal["id"]]
    assert [x["score"] for x in listed["items"][1]["ratings"]] == [2, 0, 7, 10]
    assert listed["items"][1]["ratings"][0]["id"] == first.json()["id"]
    assert listed["items"][0]["ratings"] == []


def test_bad_goal_ratings_are_400(young_person) -> None:
    yp = young_person()
    goal = yp.post("/api/v1/goals", json={"title": "Walk the dog"}).json()
    for score in (-1, 11, "5", None, 5.5, 5.0, True):
        body = assert_problem(yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": score}), 400)
        assert "0 (not at all) to 10" in body["detail"], score
    assert_problem(yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={}), 400)
    assert yp.get("/api/v1/goals").json()["items"][0]["ratings"] == []


def test_goal_rating_bounds_are_inclusive(young_person) -> None:
    yp = young_person()
    goal = yp.post("/api/v1/goals", json={"title": "Walk the dog"}).json()
    assert yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 0}).status_code == 201
    assert yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 10}).status_code == 201
    assert_problem(
        yp.post(
            f"/api/v1/goals/{goal['id']}/ratings", json={"score": 5, "rated_at": iso(dt.timedelta(hours=1))}
        ),
        400,
    )


def test_goal_titles(young_person) -> None:
    yp = young_person()
    assert yp.post("/api/v1/goals", json={"title": "t" * 140}).status_code == 201
    assert "140" in assert_problem(yp.post("/api/v1/goals", json={"title": "t" * 141}), 400)["detail"]
    assert_problem(yp.post("/api/v1/goals", json={"title": ""}), 400)
    assert_problem(yp.post("/api/v1/goals", json={"title": "   "}), 400)
    assert_problem(yp.post("/api/v1/goals", json={}), 400)


def test_at_most_twenty_goals_and_deleting_one_makes_room(young_person, database) -> None:
    yp = young_person()
    goals = [yp.post("/api/v1/goals", json={"title": f"goal {i}"}) for i in range(20)]
    assert all(r.status_code == 201 for r in goals)
    body = assert_problem(yp.post("/api/v1/goals", json={"title": "one more"}), 409)
    assert "20" in body["detail"] and body["code"] == "too_many_goals"

    gone = goals[0].json()["id"]
    assert yp.post(f"/api/v1/goals/{gone}/ratings", json={"score": 4}).status_code == 201
    assert database.query("SELECT count(*) AS n FROM goal_rating WHERE goal_id = $1::uuid", gone)[0]["n"] == 1
    assert yp.delete(f"/api/v1/goals/{gone}").status_code == 204
    assert database.query("SELECT count(*) AS n FROM goal_rating WHERE goal_id = $1::uuid", gone)[0]["n"] == 0
    assert_problem(yp.delete(f"/api/v1/goals/{gone}"), 404)
    assert yp.post("/api/v1/goals", json={"title": "one more"}).status_code == 201
    assert yp.get("/api/v1/goals").json()["total"] == 20


def test_the_goal_limit_holds_under_concurrent_writes(young_person, make_client) -> None:
    yp = young_person()
    for i in range(17):
        assert yp.post("/api/v1/goals", json={"title": f"goal {i}"}).status_code == 201
    clients = [twin(yp, make_client) for _ in range(6)]
    barrier = threading.Barrier(len(clients))

    def go(c: Client) -> int:
        barrier.wait()
        return c.post("/api/v1/goals", json={"title": "racing"}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = list(pool.map(go, clients))
    assert sorted(codes) == [201, 201, 201, 409, 409, 409]
    assert yp.get("/api/v1/goals").json()["total"] == 20


# --- idempotent writes -------------------------------------------------------------------------


def test_same_client_id_twice_stores_one_record_and_answers_with_it(young_person, database) -> None:
    yp = young_person()
    uid = yp.user["id"]
    cid = new_id()
    a = yp.post("/api/v1/mood", json={"score": 4, "feelings": ["calm"], "note": "first", "client_id": cid})
    b = yp.post("/api/v1/mood", json={"score": 4, "feelings": ["calm"], "note": "first", "client_id": cid})
    assert a.status_code == b.status_code == 201 and a.json() == b.json() and a.json()["client_id"] == cid
    assert count(database, "mood_checkin", uid) == 1

    a = yp.post("/api/v1/journal", json={"body": "written on the bus", "client_id": cid})
    b = yp.post("/api/v1/journal", json={"body": "written on the bus", "client_id": cid})
    assert a.status_code == b.status_code == 201 and a.json() == b.json() and a.json()["client_id"] == cid
    assert count(database, "journal_entry", uid) == 1

    goal = yp.post("/api/v1/goals", json={"title": "Read a book", "client_id": cid})
    again = yp.post("/api/v1/goals", json={"title": "Read a book", "client_id": cid})
    assert goal.status_code == again.status_code == 201 and goal.json() == again.json()
    assert count(database, "goal", uid) == 1

    gid = goal.json()["id"]
    a = yp.post(f"/api/v1/goals/{gid}/ratings", json={"score": 6, "client_id": cid})
    b = yp.post(f"/api/v1/goals/{gid}/ratings", json={"score": 6, "client_id": cid})
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert count(database, "goal_rating", uid) == 1

    # a new client_id is a new record; another person may use the same client_id
    assert (
        yp.post("/api/v1/journal", json={"body": "another", "client_id": new_id()}).json()["id"]
        != a.json()["id"]
    )
    assert count(database, "journal_entry", uid) == 2
    other = young_person()
    r = other.post("/api/v1/journal", json={"body": "mine", "client_id": cid})
    assert r.status_code == 201 and r.json()["body"] == "mine"
    assert_problem(yp.post("/api/v1/journal", json={"body": "x", "client_id": "not-a-uuid"}), 400)


def test_client_id_of_a_rating_cannot_move_to_another_goal(young_person) -> None:
    yp = young_person()
    g1 = yp.post("/api/v1/goals", json={"title": "one"}).json()["id"]
    g2 = yp.post("/api/v1/goals", json={"title": "two"}).json()["id"]
    cid = new_id()
    assert yp.post(f"/api/v1/goals/{g1}/ratings", json={"score": 3, "client_id": cid}).status_code == 201
    assert_problem(yp.post(f"/api/v1/goals/{g2}/ratings", json={"score": 3, "client_id": cid}), 409)


@pytest.mark.parametrize(
    ("table", "path", "body"),
    [
        ("journal_entry", "/api/v1/journal", {"body": "sent as the signal dropped"}),
        ("mood_checkin", "/api/v1/mood", {"score": 3, "feelings": ["tired"], "note": "retrying"}),
    ],
)
def test_concurrent_posts_with_one_client_id_store_one_record(
    young_person, make_client, database, table, path, body
) -> None:
    yp = young_person()
    cid = new_id()
    clients = [twin(yp, make_client) for _ in range(8)]
    barrier = threading.Barrier(len(clients))

    def go(c: Client):
        barrier.wait()
        return c.post(path, json={**body, "client_id": cid})

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(go, clients))
    assert all(r.status_code == 201 for r in answers), [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert count(database, table, yp.user["id"]) == 1


def test_concurrent_ratings_with_one_client_id_store_one(young_person, make_client, database) -> None:
    yp = young_person()
    gid = yp.post("/api/v1/goals", json={"title": "Breakfast every day"}).json()["id"]
    cid = new_id()
    clients = [twin(yp, make_client) for _ in range(6)]
    barrier = threading.Barrier(len(clients))

    def go(c: Client):
        barrier.wait()
        return c.post(f"/api/v1/goals/{gid}/ratings", json={"score": 8, "client_id": cid})

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(go, clients))
    assert all(r.status_code == 201 for r in answers) and len({r.json()["id"] for r in answers}) == 1
    assert count(database, "goal_rating", yp.user["id"]) == 1


# --- who may use it ------------------------------------------------------------------------------


def _personal_requests(ids: dict[str, str]) -> list[tuple[str, str, dict | None]]:
    return [
        ("POST", "/api/v1/mood", {"score": 3, "feelings": []}),
        ("GET", "/api/v1/mood", None),
        ("POST", "/api/v1/journal", {"body": "hello"}),
        ("GET", "/api/v1/journal", None),
        ("GET", f"/api/v1/journal/{ids['entry']}", None),
        ("PUT", f"/api/v1/journal/{ids['entry']}", {"body": "changed"}),
        ("DELETE", f"/api/v1/journal/{ids['entry']}", None),
        ("POST", "/api/v1/goals", {"title": "a goal"}),
        ("GET", "/api/v1/goals", None),
        ("POST", f"/api/v1/goals/{ids['goal']}/ratings", {"score": 5}),
        ("DELETE", f"/api/v1/goals/{ids['goal']}", None),
    ]


def _send(c: Client, method: str, path: str, body: dict | None):
    if method == "GET":
        return c.get(path)
    return {"POST": c.post, "PUT": c.put, "DELETE": c.delete}[method](path, json=body)


@pytest.fixture
def someones_records(young_person) -> dict[str, str]:
    yp = young_person()
    return {
        "entry": yp.post("/api/v1/journal", json={"body": "only mine"}).json()["id"],
        "goal": yp.post("/api/v1/goals", json={"title": "only mine"}).json()["id"],
        "client": yp,
    }


@pytest.mark.parametrize(("role", "council"), STAFF)
def test_no_staff_role_can_use_or_read_the_journal(staff, someones_records, role, council) -> None:
    member = staff(role, council)
    for method, path, body in _personal_requests(someones_records):
        r = _send(member, method, path, body)
        assert_problem(r, 403)
        assert "only mine" not in r.text
    owner = someones_records["client"]
    assert owner.get(f"/api/v1/journal/{someones_records['entry']}").json()["body"] == "only mine"
    assert owner.get("/api/v1/goals").json()["total"] == 1


def test_anonymous_visitors_get_401(client: Client, someones_records) -> None:
    for method, path, body in _personal_requests(someones_records):
        assert_problem(_send(client, method, path, body), 401)


def test_no_staff_path_reads_the_journal(client: Client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for p in (
        "/api/v1/mood",
        "/api/v1/journal",
        "/api/v1/journal/{entry_id}",
        "/api/v1/goals",
        "/api/v1/goals/{goal_id}/ratings",
        "/api/v1/mood/feelings",
        "/api/v1/journal/risk-vocabulary",
    ):
        assert p in paths, p
    journal_paths = [p for p in paths if re.search(r"mood|journal|goal", p)]
    assert all(p.startswith(("/api/v1/mood", "/api/v1/journal", "/api/v1/goals")) for p in journal_paths), (
        journal_paths
    )


# --- encryption at rest ------------------------------------------------------------------------------


def _not_readable(stored: str, plaintext: str) -> None:
    assert plaintext not in stored
    for word in plaintext.split():
        if len(word) >= 6:
            assert word not in stored
    raw = plaintext.encode()
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        for shift in range(3):  # base64 of the text at any alignment
            chunk = enc(raw[shift:])[:16].decode().rstrip("=")
            assert chunk not in stored
    assert raw.hex()[:16] not in stored


def test_free_text_is_encrypted_at_rest(young_person, database, server_env) -> None:
    yp = young_person()
    body = "Dear diary, my stepdad shouted again tonight and I hid in the bathroom."
    note = "Worried about the maths mock tomorrow"
    title = "Tell my form tutor about the bullying"
    entry = yp.post("/api/v1/journal", json={"body": body}).json()
    mood = yp.post("/api/v1/mood", json={"score": 2, "feelings": ["worried", "scared"], "note": note}).json()
    goal = yp.post("/api/v1/goals", json={"title": title}).json()
    yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 3})

    kid = key_id(parse_key(server_env["WAYMARK_ENCRYPTION_KEY"]))
    stored_body = database.query("SELECT body FROM journal_entry WHERE id = $1::uuid", entry["id"])[0]["body"]
    stored_note = database.query(
        "SELECT note, score, feelings FROM mood_checkin WHERE id = $1::uuid", mood["id"]
    )[0]
    stored_title = database.query("SELECT title FROM goal WHERE id = $1::uuid", goal["id"])[0]["title"]
    for stored, plain in ((stored_body, body), (stored_note["note"], note), (stored_title, title)):
        assert stored.startswith(f"wm1:{kid}:")
        _not_readable(stored, plain)
    # what stays plain, for charts and ordering: scores and feeling slugs
    assert stored_note["score"] == 2 and stored_note["feelings"] == ["worried", "scared"]
    # the same text twice gives different ciphertexts (a fresh nonce each time)
    again = yp.post("/api/v1/journal", json={"body": body}).json()
    assert (
        database.query("SELECT body FROM journal_entry WHERE id = $1::uuid", again["id"])[0]["body"]
        != stored_body
    )
    # an edit is encrypted too
    yp.put(f"/api/v1/journal/{entry['id']}", json={"body": body + " Edited."})
    _not_readable(
        database.query("SELECT body FROM journal_entry WHERE id = $1::uuid", entry["id"])[0]["body"], body
    )


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(young_person, database) -> None:
    victim, thief = young_person(), young_person()
    secret = victim.post("/api/v1/journal", json={"body": "the victim's secret words"}).json()
    own_other = victim.post("/api/v1/journal", json={"body": "another of the victim's entries"}).json()
    target = thief.post("/api/v1/journal", json={"body": "placeholder"}).json()
    goal = thief.post("/api/v1/goals", json={"title": "placeholder"}).json()
    try:
        # into another person's row
        database.query(
            "UPDATE journal_entry SET body = (SELECT body FROM journal_entry WHERE id = $1::uuid) "
            "WHERE id = $2::uuid",
            secret["id"],
            target["id"],
        )
        r = thief.get(f"/api/v1/journal/{target['id']}")
        assert_problem(r, 500)
        assert r.json()["code"] == "unreadable" and "secret" not in r.text
        # into another column (a journal body as a goal title)
        database.query(
            "UPDATE goal SET title = (SELECT body FROM journal_entry WHERE id = $1::uuid) "
            "WHERE id = $2::uuid",
            secret["id"],
            goal["id"],
        )
        assert "secret" not in thief.get("/api/v1/goals").text
        # into another row of the same person
        database.query(
            "UPDATE journal_entry SET body = (SELECT body FROM journal_entry WHERE id = $1::uuid) "
            "WHERE id = $2::uuid",
            secret["id"],
            own_other["id"],
        )
        assert_problem(victim.get(f"/api/v1/journal/{own_other['id']}"), 500)
        # the original still opens
        assert victim.get(f"/api/v1/journal/{secret['id']}").json()["body"] == "the victim's secret words"
    finally:  # leave no unreadable rows behind (key rotation reports them)
        database.query(
            "DELETE FROM journal_entry WHERE id = ANY($1::uuid[])", [target["id"], own_other["id"]]
        )
        database.query("DELETE FROM goal WHERE id = $1::uuid", goal["id"])


def test_key_rotation_re_encrypts_every_row_with_the_newest_key(young_person, database, server_env) -> None:
    yp = young_person()
    entry = yp.post("/api/v1/journal", json={"body": "before the rotation"}).json()
    mood = yp.post("/api/v1/mood", json={"score": 3, "feelings": [], "note": "a note before"}).json()
    yp.post("/api/v1/goals", json={"title": "a title before"})
    old = server_env["WAYMARK_ENCRYPTION_KEY"]
    new = new_key()
    old_kid, new_kid = key_id(parse_key(old)), key_id(parse_key(new))
    base = {k: v for k, v in server_env.items() if not k.startswith("WAYMARK_ENCRYPTION_KEY")}
    rotated_env = {**base, "WAYMARK_ENCRYPTION_KEYS": f"{new},{old}"}
    try:
        out = waymark_cli("rotate-encryption", env=rotated_env)
        assert "journal_entry.body" in out and "0 unreadable" in out
        for table, column in (("journal_entry", "body"), ("mood_checkin", "note"), ("goal", "title")):
            sql = f"SELECT DISTINCT split_part({column}, ':', 2) AS p FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
            prefixes = {r["p"] for r in database.query(sql)}
            assert prefixes == {new_kid}, (table, prefixes)
        # a server that only has the new key reads everything
        other = Server(env={**base, "WAYMARK_ENCRYPTION_KEY": new}).start()
        try:
            c = Client(other.base_url)
            c.http.cookies.set("waymark_session", yp.http.cookies.get("waymark_session"), domain="127.0.0.1")
            assert c.get(f"/api/v1/journal/{entry['id']}").json()["body"] == "before the rotation"
            assert c.get("/api/v1/mood").json()["items"][0]["note"] == "a note before"
            assert c.get("/api/v1/goals").json()["items"][0]["title"] == "a title before"
            assert c.get("/api/v1/journal").status_code == 200
            c.close()
        finally:
            other.stop()
        # running it again changes nothing
        assert "0 re-encrypted" in waymark_cli("rotate-encryption", env=rotated_env)
    finally:  # back to the key the shared test server uses
        waymark_cli("rotate-encryption", env={**base, "WAYMARK_ENCRYPTION_KEYS": f"{old},{new}"})
    stored = database.query("SELECT body FROM journal_entry WHERE id = $1::uuid", entry["id"])[0]["body"]
    assert stored.startswith(f"wm1:{old_kid}:")
    assert yp.get(f"/api/v1/journal/{entry['id']}").json()["body"] == "before the rotation"
    assert yp.get("/api/v1/mood").json()["items"][0]["id"] == mood["id"]


def test_rotation_with_an_unknown_key_reports_unreadable_rows(young_person, server_env) -> None:
    young_person().post("/api/v1/journal", json={"body": "something"})
    base = {k: v for k, v in server_env.items() if not k.startswith("WAYMARK_ENCRYPTION_KEY")}
    with pytest.raises(RuntimeError, match="could not be decrypted"):
        waymark_cli("rotate-encryption", env={**base, "WAYMARK_ENCRYPTION_KEY": new_key()})


def boot_app(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Build the app in a fresh process (what a worker does at start-up)."""
    code = "from backend.app import create_app; create_app()"
    return subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603


def test_development_generates_a_private_key_and_production_refuses_to_start(
    tmp_path: Path, server_env
) -> None:
    from backend.journal.crypto import load_keyring
    from backend.settings import Settings

    ring = load_keyring(Settings(env="development", data_dir=tmp_path))
    key_file = tmp_path / "encryption_key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert len(parse_key(key_file.read_text())) == 32
    assert load_keyring(Settings(env="development", data_dir=tmp_path)).primary_id == ring.primary_id
    with pytest.raises(ValueError, match="32 bytes"):
        load_keyring(Settings(env="test", data_dir=tmp_path, encryption_keys=("c2hvcnQ=",)))

    env = {k: v for k, v in server_env.items() if not k.startswith("WAYMARK_ENCRYPTION_KEY")}
    env.update({"WAYMARK_ENV": "production", "WAYMARK_DATA_DIR": str(tmp_path / "prod")})
    result = boot_app(env)
    assert result.returncode != 0 and "WAYMARK_ENCRYPTION_KEY" in result.stderr
    assert not (tmp_path / "prod" / "encryption_key").exists()
    env["WAYMARK_ENCRYPTION_KEY"] = "not a key"
    result = boot_app(env)
    assert result.returncode != 0 and "not a key" not in result.stderr
    env["WAYMARK_ENCRYPTION_KEY"] = new_key()
    result = boot_app(env)
    assert result.returncode == 0, result.stderr


# --- export and deletion -------------------------------------------------------------------------------


def test_export_holds_moods_journal_and_goals_decrypted(young_person) -> None:
    yp = young_person()
    yp.post("/api/v1/mood", json={"score": 5, "feelings": ["proud"], "note": "passed my test"})
    yp.post("/api/v1/journal", json={"body": "first entry"})
    yp.post("/api/v1/journal", json={"body": "second entry"})
    goal = yp.post("/api/v1/goals", json={"title": "Join the choir"}).json()
    yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 4})
    yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 6})

    data = yp.get("/api/v1/me/export").json()
    moods = [(m["score"], m["feelings"], m["note"]) for m in data["moods"]]
    assert moods == [(5, ["proud"], "passed my test")]
    assert [e["body"] for e in data["journal_entries"]] == ["first entry", "second entry"]
    goals = [(g["title"], [x["score"] for x in g["ratings"]]) for g in data["goals"]]
    assert goals == [("Join the choir", [4, 6])]
    assert "wm1:" not in str(data)
    # nobody else's records
    assert young_person().get("/api/v1/me/export").json()["journal_entries"] == []


def test_deleting_the_account_deletes_the_journal(young_person, database) -> None:
    yp = young_person()
    uid = yp.user["id"]
    yp.post("/api/v1/mood", json={"score": 3, "feelings": ["calm"], "note": "n"})
    yp.post("/api/v1/journal", json={"body": "to be deleted"})
    goal = yp.post("/api/v1/goals", json={"title": "to be deleted"}).json()
    yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 2})
    tables = ("mood_checkin", "journal_entry", "goal", "goal_rating")
    assert all(count(database, t, uid) > 0 for t in tables)
    assert yp.delete("/api/v1/me").status_code == 204
    assert [count(database, t, uid) for t in tables] == [0, 0, 0, 0]


# --- the on-device risk check --------------------------------------------------------------------------


def test_risk_vocabulary_is_public_and_cacheable(client: Client) -> None:
    r = client.get("/api/v1/journal/risk-vocabulary")
    assert r.status_code == 200, r.text
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "public" in r.headers["cache-control"] and r.headers.get("etag")
    data = r.json()
    assert isinstance(data["flags"], str)
    patterns = [p for c in data["categories"].values() for p in c["patterns"]]
    assert {"risk_to_life", "self_harm"} <= set(data["categories"])
    assert patterns and all(isinstance(p["source"], str) and p["source"] for p in patterns)
    for p in patterns:
        re.compile(p["source"])
    assert "waymark_session" not in r.headers.get("set-cookie", "")
    again = client.get("/api/v1/journal/risk-vocabulary", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304


def test_risk_vocabulary_decodes_strictly_into_its_documented_struct(client: Client) -> None:
    r = client.get("/api/v1/journal/risk-vocabulary")
    vocab = msgspec.json.decode(r.content, type=RiskVocabulary, strict=True)
    assert vocab.version == 2 and vocab.flags == "g" and vocab.usage
    assert {"risk_to_life", "self_harm"} <= set(vocab.categories) and vocab.normalise["steps"]
    assert vocab.model is not msgspec.UNSET and vocab.model["categories"]  # the shipped model is sent
    # The document names the struct (and the 304 for an unchanged ETag), not a bare object.
    operation = client.get("/schema/openapi.json").json()["paths"]["/api/v1/journal/risk-vocabulary"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RiskVocabulary")
    assert "304" in operation["responses"]
    # A shape that is not the vocabulary's is refused by the same struct, so the check above can fail.
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"version":"2","usage":"","flags":"g","normalise":{},"categories":{},"dampen":{}}',
                            type=RiskVocabulary, strict=True)


def test_risk_vocabulary_matches_what_the_moderation_engine_exports(client: Client) -> None:
    import moderation
    assert client.get("/api/v1/journal/risk-vocabulary").json() == moderation.risk_vocabulary()
