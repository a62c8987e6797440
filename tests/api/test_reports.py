"""Commissioning figures: anonymous, per council, counts under 5 suppressed, JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import msgspec
import pytest

from backend.reports.schemas import TopicFigure, UsageFigures
from tests.harness import Client

# A day no other test touches: events for it are written here directly, so the expected
# figures are exact. (The figures' own code path is what is under test.)
DAY = "2025-01-15"  # a Wednesday


@pytest.fixture(scope="module")
def seeded_day(database) -> None:
    def events(kind: str, n: int, hour: int, topic: str | None = None) -> None:
        for _ in range(n):
            database.query("INSERT INTO usage_event (kind, council_code, age_band, local_date, local_hour, local_weekday, topic) "
                           "VALUES ($1, 'E10000016', '14-15', $2::date, $3, 2, $4)", kind, dt.date.fromisoformat(DAY), hour, topic)

    database.query("DELETE FROM usage_event WHERE local_date = $1::date", dt.date.fromisoformat(DAY))
    events("signup", 7, 14)
    events("login", 6, 20)   # evening: out of hours
    events("login", 4, 10)   # office hours
    events("chat_requested", 3, 21)
    events("signpost_click", 5, 16, topic="anxiety")
    events("signpost_click", 2, 16, topic="sleep")


def test_a_council_admin_sees_their_figures(staff, seeded_day) -> None:
    officer = staff("council_admin", council="E10000016")
    r = officer.get("/api/v1/councils/E10000016/reports/usage", params={"from": DAY, "to": DAY})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["registrations"] == 7
    assert body["logins"] == 10 and body["logins_out_of_hours_pct"] == 60.0
    assert body["chats"]["requested"] == "<5" and body["chats"]["median_wait_seconds"] is None
    assert body["signposting_clicks"] == 7
    assert {"slug": "anxiety", "count": 5} in body["topics"] and {"slug": "sleep", "count": "<5"} in body["topics"]
    assert set(body) >= {"registrations", "active_users", "logins", "logins_out_of_hours_pct", "chats", "posts",
                         "topics", "signposting_clicks"}
    assert set(body["chats"]) >= {"requested", "started", "median_wait_seconds", "p90_wait_seconds"}
    assert set(body["posts"]) >= {"submitted", "published", "median_review_seconds"}


KEYS = {"council_code", "from", "to", "registrations", "active_users", "logins", "logins_out_of_hours_pct", "chats",
        "posts", "messages", "restrictions", "appeals", "topics", "signposting_clicks", "suppressed_below"}


def test_the_figures_decode_strictly_into_their_documented_struct(staff, seeded_day) -> None:
    r = staff("council_admin", council="E10000016").get("/api/v1/councils/E10000016/reports/usage",
                                                        params={"from": DAY, "to": DAY})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
    figures = msgspec.json.decode(r.content, type=UsageFigures, strict=True)
    assert figures.from_ == figures.to == dt.date.fromisoformat(DAY) and figures.council_code == "E10000016"
    assert figures.registrations == 7 and figures.chats.requested == "<5" and figures.suppressed_below == 5
    assert TopicFigure(slug="sleep", count="<5") in figures.topics
    body = r.json()  # the same keys on the wire as before the struct: "from", not "from_"
    assert set(body) == KEYS and body["from"] == body["to"] == DAY
    assert set(body["restrictions"]) == {"total", "warn", "hold_all", "suspend"}
    assert set(body["appeals"]) == {"made", "upheld", "lifted"}
    assert set(body["messages"]) == {"threads", "median_first_reply_seconds", "answered_within_target_pct",
                                     "answered_within_target"}
    # A count that is neither a whole number nor "<5" is refused by the struct, so the check can fail.
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(msgspec.json.encode({**body, "logins": "3"}), type=UsageFigures, strict=True)


def test_the_document_shows_json_and_csv(client: Client) -> None:
    operation = client.get("/schema/openapi.json").json()["paths"]["/api/v1/councils/{code}/reports/usage"]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/UsageFigures")
    assert content["text/csv"]["schema"]["type"] == "string"
    assert {"401", "403", "404"} <= set(operation["responses"])


def test_every_small_count_is_suppressed(staff) -> None:
    body = staff("admin").get("/api/v1/councils/E06000044/reports/usage", params={"from": "2020-01-01", "to": "2020-01-31"}).json()
    for value in (body["registrations"], body["active_users"], body["logins"], body["signposting_clicks"],
                  body["chats"]["requested"], body["chats"]["started"], body["posts"]["submitted"]):
        assert value == "<5"
    assert body["logins_out_of_hours_pct"] is None


def test_csv(staff, seeded_day) -> None:
    r = staff("council_admin", council="E10000016").get("/api/v1/councils/E10000016/reports/usage",
                                                        params={"from": DAY, "to": DAY, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = {row["metric"]: row["value"] for row in csv.DictReader(io.StringIO(r.text))}
    assert rows["registrations"] == "7" and rows["chats.requested"] == "<5" and rows["topic.anxiety"] == "5"


def test_figures_are_live_from_real_actions(staff, young_person) -> None:
    for _ in range(5):
        young_person(council_code="E09000020")
    body = staff("admin").get("/api/v1/councils/E09000020/reports/usage").json()
    assert isinstance(body["registrations"], int) and body["registrations"] >= 5
    assert isinstance(body["active_users"], int) and body["active_users"] >= 5


def test_who_may_see_figures(staff, young_person, client: Client) -> None:
    path = "/api/v1/councils/E10000016/reports/usage"
    assert staff("council_admin", council="E06000044").get(path).status_code == 403  # another council's officer
    assert staff("moderator").get(path).status_code == 403
    assert staff("counsellor", key="reports").get(path).status_code == 403
    assert young_person().get(path).status_code == 403
    assert client.get(path).status_code == 401
    assert staff("admin").get("/api/v1/councils/E99999999/reports/usage").status_code == 404


@pytest.mark.parametrize("params", [{"from": "2025-02-01", "to": "2025-01-01"}, {"from": "yesterday"},
                                    {"format": "xml"}, {"from": "2020-01-01", "to": "2025-01-01"}])
def test_bad_parameters(staff, params) -> None:
    assert staff("admin").get("/api/v1/councils/E10000016/reports/usage", params=params).status_code == 400
