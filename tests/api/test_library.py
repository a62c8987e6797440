"""The self-help library through HTTP: topics, listing, reading, search quality, content rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.harness import ROOT, Client, waymark_cli

ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))
ALLOWED_NUMBERS = {"999", "0800 1111", "85258", "116 123", "111"}

# What a young person might type, and a page that must come in the first three results.
SEARCHES = [
    ("anxeity", "what-is-anxiety"),
    ("exam stres", "exam-stress"),
    ("exams", "exam-stress"),
    ("gcses", "exam-stress"),
    ("revison tips", "revision-that-works"),
    ("failed my exams", "results-day"),
    ("cant sleep", "sleep-better"),
    ("panic attack", "panic-attacks"),
    ("cant breathe", "panic-attacks"),
    ("worried all the time", "what-is-anxiety"),
    ("my mum and dad are splitting up", "parents-separating"),
    ("arguing at home", "arguments-at-home"),
    ("bullied online", "online-bullying"),
    ("being bullied at school", "being-bullied"),
    ("nobody likes me", "feeling-lonely"),
    ("lonely", "feeling-lonely"),
    ("fell out with my best friend", "friendship-falling-out"),
    ("i hate how i look", "body-image-basics"),
    ("instagram filters", "social-media-and-your-body"),
    ("not eating", "worried-about-eating"),
    ("feel sad all the time", "feeling-low"),
    ("depression", "is-it-depression"),
    ("so angry", "when-you-feel-angry"),
    ("my nan died", "grief-and-loss"),
    ("am i gay", "working-out-who-you-are"),
    ("coming out", "coming-out"),
    ("no money", "money-worries"),
    ("job interview", "first-job-nerves"),
    ("new school", "moving-school"),
    ("turning 18", "turning-18"),
    ("leaving care", "leaving-care"),
    ("camhs waiting list", "waiting-for-camhs"),
    ("talk to my doctor", "talking-to-your-gp"),
    ("self harm", "self-harm-understanding"),
    ("i want to die", "suicidal-feelings"),
    ("my friend is self harming", "worried-about-a-friend"),
    ("boyfriend wants nudes", "healthy-relationships"),
    ("breathing exercise", "activity-box-breathing"),
    ("safety plan", "activity-safety-plan"),
    ("worry time", "activity-worry-time"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_finds_the_page_a_young_person_needs(client: Client, query: str, expected: str) -> None:
    r = client.get("/api/v1/articles", params={"q": query})
    assert r.status_code == 200
    top = [item["slug"] for item in r.json()["items"][:3]]
    assert expected in top, f"{query!r} gave {top}"


@pytest.mark.parametrize("query", ["i want to die", "kill myself", "hurt myself", "suicidal"])
def test_a_search_that_suggests_risk_offers_help_first(client: Client, query: str) -> None:
    body = client.get("/api/v1/articles", params={"q": query}).json()
    assert body["support"]["can_talk_to_counsellor"] is True and body["support"]["message"]


def test_an_ordinary_search_has_no_support_block(client: Client) -> None:
    assert "support" not in client.get("/api/v1/articles", params={"q": "exam stress"}).json()


def test_search_for_nonsense_is_empty_not_an_error(client: Client) -> None:
    r = client.get("/api/v1/articles", params={"q": "zzqxv plorf"})
    assert r.status_code == 200 and r.json() == {"items": [], "total": 0}
    assert client.get("/api/v1/articles", params={"q": "!!!"}).json()["total"] == 0


def test_search_query_too_long_is_400(client: Client) -> None:
    assert client.get("/api/v1/articles", params={"q": "x" * 500}).status_code == 400


def test_topics_come_from_content(client: Client) -> None:
    topics = client.get("/api/v1/topics").json()
    slugs = [t["slug"] for t in topics]
    assert slugs[0] == "exams-and-stress" and {"self-harm", "identity", "turning-18"} <= set(slugs)
    assert all(set(t) == {"slug", "name"} for t in topics)


def test_articles_list_every_article_with_contract_fields(client: Client) -> None:
    body = client.get("/api/v1/articles").json()
    assert body["total"] == len(ARTICLES) >= 40 and len(body["items"]) == body["total"]
    item = body["items"][0]
    assert {"slug", "title", "summary", "topics", "thrive", "reading_minutes"} <= set(item)


def test_topic_filter(client: Client) -> None:
    items = client.get("/api/v1/articles", params={"topic": "sleep"}).json()["items"]
    assert items and all("sleep" in i["topics"] for i in items)
    assert client.get("/api/v1/articles", params={"topic": "no-such-topic"}).json()["total"] == 0


def test_a_signed_in_young_person_sees_what_fits_their_age(young_person, client: Client) -> None:
    today = dt.date.today()
    twelve = young_person(birth_year=today.year - 12, birth_month=1)
    slugs = {i["slug"] for i in twelve.get("/api/v1/articles").json()["items"]}
    assert "first-job-nerves" not in slugs and "exam-stress" in slugs  # 15-25 vs 11-25
    anonymous = {i["slug"] for i in client.get("/api/v1/articles").json()["items"]}
    assert "first-job-nerves" in anonymous


def test_reading_an_article(client: Client) -> None:
    r = client.get("/api/v1/articles/exam-stress")
    assert r.status_code == 200
    body = r.json()
    assert {"slug", "title", "summary", "body_html", "topics", "thrive", "min_age", "max_age", "reviewed_on"} <= set(body)
    assert dt.date.fromisoformat(body["reviewed_on"])
    assert "<h2>" in body["body_html"] and 'href="#/talk"' in body["body_html"]
    assert "<script" not in body["body_html"]


def test_unknown_article_is_404(client: Client) -> None:
    r = client.get("/api/v1/articles/not-a-page")
    assert r.status_code == 404 and r.json()["detail"]


def test_most_read_first(client: Client) -> None:
    for _ in range(3):
        client.get("/api/v1/articles/activity-worry-time")
    top = client.get("/api/v1/articles", params={"sort": "popular", "limit": 3}).json()["items"]
    assert len(top) == 3 and "activity-worry-time" in [i["slug"] for i in top]
    assert client.get("/api/v1/articles", params={"sort": "random"}).status_code == 400


def test_import_content_is_idempotent(server_env) -> None:
    out = waymark_cli("import-content", env=server_env)
    assert "articles created 0" in out and "articles updated 0" in out and "articles removed 0" in out


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_each_article_follows_the_writing_rules(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "## What you can do now" in text
    assert "(#/talk)" in text
    assert "commit suicide" not in text.lower()
    numbers = set(re.findall(r"\b\d[\d ]{1,12}\d\b|\b\d{3}\b", text.split("---", 2)[2]))
    unexpected = {n.strip() for n in numbers if re.search(r"\d{3}", n)} - ALLOWED_NUMBERS
    unexpected = {n for n in unexpected if not re.fullmatch(r"(1[0-9]|2[0-5])", n)}
    assert not unexpected, f"numbers that are not the allowed crisis lines: {unexpected}"


def test_a_copy_saved_for_offline_is_not_counted_as_a_read(client: Client, database) -> None:
    def views() -> int:
        return database.query("SELECT view_count FROM article WHERE slug = 'grief-and-loss'")[0]["view_count"]

    before = views()
    assert client.get("/api/v1/articles/grief-and-loss", headers={"X-Waymark-Precache": "1"}).status_code == 200
    assert views() == before
    client.get("/api/v1/articles/grief-and-loss")
    assert views() == before + 1
