"""Issue 16: the library leads with search and topics (not a 10,500 px page of every
article), a topic opens its articles, and the home screen suggests a few articles picked
ON THE PHONE from the young person's own check-ins and searches (nothing sent)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000


def test_the_library_leads_with_search_and_topics(phone: Page, client) -> None:
    topics = client.get("/api/v1/topics").json()
    total = client.get("/api/v1/articles").json()["total"]
    assert len(topics) >= 20 and total >= 40
    phone.goto("/#/library")
    expect(phone.get_by_role("heading", level=1, name="Library")).to_be_visible(timeout=TIMEOUT)
    search = phone.get_by_role("searchbox", name="Search the library")
    grid = phone.locator(".topic-grid")
    expect(grid.get_by_role("link")).to_have_count(len(topics), timeout=TIMEOUT)
    # Search comes before the topics, and no article is listed on this page.
    assert search.bounding_box()["y"] < grid.bounding_box()["y"]
    assert search.bounding_box()["y"] < 740, "the search box is not on the first screen"
    expect(phone.locator(".article-card")).to_have_count(0)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 2200, f"the library is {height}px tall on a phone"

    # A topic opens its articles, and only its own.
    expected = client.get("/api/v1/articles", params={"topic": "sleep"}).json()["items"]
    assert expected
    grid.get_by_role("link", name="Sleep", exact=True).click()
    expect(phone).to_have_url(re.compile(r"#/library\?topic=sleep$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sleep", timeout=TIMEOUT)
    titles = phone.locator(".article-card h2 a")
    expect(titles).to_have_count(len(expected), timeout=TIMEOUT)
    assert titles.all_inner_texts() == [a["title"] for a in expected]
    phone.get_by_role("link", name="All topics").click()
    expect(phone.get_by_role("heading", level=1, name="Library")).to_be_visible(timeout=TIMEOUT)

    # Every article is still one tap away.
    phone.get_by_role("link", name="See every article").click()
    expect(phone.get_by_role("heading", level=1, name="Every article")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator(".article-card")).to_have_count(total, timeout=TIMEOUT)


def suggested(phone: Page):
    return phone.locator("section.suggested")


def test_home_suggests_from_the_young_persons_own_check_ins_on_the_phone(phone: Page, young_person) -> None:
    yp = young_person()
    # No check-ins, no searches: nothing to suggest, nothing shown.
    sign_in(phone, yp, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.wait_for_load_state("networkidle")
    expect(suggested(phone)).to_be_hidden()

    r = yp.post("/api/v1/mood", json={"score": 2, "feelings": ["tired"], "note": None})
    assert r.status_code == 201, r.text
    sleep_titles = {a["title"] for a in yp.get("/api/v1/articles", params={"topic": "sleep"}).json()["items"]}

    sent: list[Request] = []
    phone.context.on("request", lambda req: sent.append(req))
    phone.reload()
    box = suggested(phone)
    expect(box.get_by_role("heading", name="Suggested for you")).to_be_visible(timeout=TIMEOUT)
    expect(box).to_contain_text("Picked on this phone")
    cards = box.locator(".article-card h3 a")
    expect(cards.first).to_be_visible()
    titles = cards.all_inner_texts()
    assert 1 <= len(titles) <= 3
    assert set(titles) <= sleep_titles, titles
    # Picked on the phone: only GETs of the person's own check-ins and the public articles;
    # nothing was written, and no request names what was suggested.
    api = [r for r in sent if "/api/" in r.url]
    assert all(r.method == "GET" for r in api), [(r.method, r.url) for r in api]
    assert not any("suggest" in r.url for r in api)
    assert any(r.url.endswith("/api/v1/articles") for r in api)


def test_home_suggests_from_recent_searches_kept_only_as_topics(phone: Page, young_person) -> None:
    yp = young_person()
    sign_in(phone, yp, "/#/library")
    phone.get_by_role("searchbox", name="Search the library").fill("panic")
    phone.get_by_role("button", name="Search").click()
    expect(phone.locator(".article-card").first).to_be_visible(timeout=TIMEOUT)
    kept = phone.evaluate("localStorage.getItem('waymark.libraryTopics')")
    assert kept and "anxiety" in kept and "panic" not in kept  # the topics, never the words

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    box = suggested(phone)
    expect(box.get_by_role("heading", name="Suggested for you")).to_be_visible(timeout=TIMEOUT)
    anxiety = {a["title"] for a in yp.get("/api/v1/articles", params={"topic": "anxiety"}).json()["items"]}
    titles = box.locator(".article-card h3 a").all_inner_texts()
    assert titles and set(titles) <= anxiety, titles

    # Log-out wipes what the phone kept.
    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    assert phone.evaluate("localStorage.getItem('waymark.libraryTopics')") is None


def test_a_signed_out_search_keeps_nothing(phone: Page) -> None:
    phone.goto("/#/search?q=sleep")
    expect(phone.locator(".article-card").first).to_be_visible(timeout=TIMEOUT)
    assert phone.evaluate("localStorage.getItem('waymark.libraryTopics')") is None
