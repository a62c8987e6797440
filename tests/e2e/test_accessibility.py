"""Issue 16: an axe-core scan of every screen (axe from the npm registry at test time, see
axe.py), failing on any serious or critical rule: the young person's screens on a phone
(360x740), the staff consoles at 1366x768."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_context, leave, scan
from tests.e2e.conftest import PHONE, sign_in
from tests.harness import unique_username

STAFF_SCREEN = {"width": 1366, "height": 768}
TIMEOUT = 20_000
PORTSMOUTH = "E06000044"
BOARD = "exams-and-school"


def visit(page: Page, path: str, name: str, problems: list[str]) -> None:
    leave(page)  # scan the screen at ``path``, not the one before it
    page.goto(path)
    problems.extend(scan(page, name))


@pytest.fixture
def phone_axe(browser, server):
    context = axe_context(browser, server, PHONE, mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def staff_axe(browser, server):
    contexts = []

    def make() -> Page:
        context = axe_context(browser, server, STAFF_SCREEN, mobile=False)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def chat_between(database, young_person, staff):
    """A young person in a live chat with a counsellor, a message each way."""
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE counsellor_availability SET status = 'away'")
    yp = young_person()
    jo = staff("counsellor", name="Jo Axe", key="axe")
    assert jo.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 5}).status_code == 200
    request = yp.post("/api/v1/chat/requests", json={"topic": "exams"}).json()
    taken = jo.post("/api/v1/chat/queue/take", json={"request_id": request["id"]})
    assert taken.status_code == 200, taken.text
    session = taken.json()["session_id"]
    for who, text in ((yp, "hi, I'm stressed about exams"), (jo, "Hi, I'm Jo. Tell me more?")):
        r = who.post(f"/api/v1/chat/sessions/{session}/messages", json={"body": text, "client_id": str(uuid.uuid4())})
        assert r.status_code == 201, r.text
    yield yp, jo, session
    jo.post(f"/api/v1/chat/sessions/{session}/end", json={})
    jo.put("/api/v1/chat/availability", json={"status": "away"})


@pytest.mark.timeout(600)
def test_every_signed_out_screen_on_a_phone(phone_axe: Page) -> None:
    page, problems = phone_axe, []
    visit(page, "/#/welcome", "welcome", problems)
    page.get_by_label("Where do you live?").select_option(PORTSMOUTH)
    problems += scan(page, "welcome with a council")
    for path, name in [("/#/login", "log in"), ("/#/recover", "recover"), ("/#/library", "library"),
                       ("/#/library?topic=sleep", "library topic"), ("/#/library?all=1", "every article"),
                       ("/#/search?q=exams", "search"), ("/#/search?q=zzzzqqq", "search, nothing found"),
                       ("/#/articles/exam-stress", "article"), ("/#/talk", "talk"), ("/#/services", "local help"),
                       ("/#/nowhere", "not found")]:
        visit(page, path, name, problems)

    # Sign up: the form with its errors, the "not eligible" panel, then the recovery code.
    visit(page, "/#/signup", "sign up", problems)
    page.locator("form").get_by_role("button", name="Sign up").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += scan(page, "sign up with errors")
    page.get_by_label("Username").fill(unique_username("axe"))
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_label("Month you were born").select_option("3")
    page.get_by_label("Year you were born").fill(str(dt.date.today().year - 30))
    page.get_by_label("Your council").select_option(PORTSMOUTH)
    page.locator("form").get_by_role("button", name="Sign up").click()
    expect(page.get_by_text(re.compile("for young people aged 11 to 18")).first).to_be_visible(timeout=TIMEOUT)
    problems += scan(page, "sign up, not eligible")
    page.get_by_label("Year you were born").fill(str(dt.date.today().year - 15))
    page.locator("form").get_by_role("button", name="Sign up").click()
    expect(page.get_by_test_id("recovery-code")).to_be_visible(timeout=TIMEOUT)
    problems += scan(page, "recovery code")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(600)
def test_every_young_person_screen_on_a_phone(phone_axe: Page, young_person, staff) -> None:
    page, problems = phone_axe, []
    yp = young_person(council_code=PORTSMOUTH)
    yp.post("/api/v1/mood", json={"score": 2, "feelings": ["tired", "worried"], "note": "long day"})
    entry = yp.post("/api/v1/journal", json={"body": "Wrote this after school."}).json()
    goal = yp.post("/api/v1/goals", json={"title": "Sleep before 11"}).json()
    yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 6})
    thread = yp.post(f"/api/v1/boards/{BOARD}/threads",
                     json={"title": "Revision tips?", "body": "What helps you focus?"}).json()
    mo = staff("moderator", name="Mo Axe", key="axe")
    assert mo.post(f"/api/v1/moderation/items/{thread['id']}/decision", json={"action": "approve"}).status_code == 200
    yp.post(f"/api/v1/threads/{thread['thread_id']}/posts", json={"body": "Bump, anyone?"})

    sign_in(page, yp, "/#/home")
    problems += scan(page, "home")
    for path, name in [("/#/journal", "journal check-in"), ("/#/journal/entries", "journal entries"),
                       (f"/#/journal/entries/{entry['id']}", "journal entry"), ("/#/journal/goals", "goals"),
                       ("/#/forums", "forums"), (f"/#/forums/{BOARD}", "board"),
                       (f"/#/threads/{thread['thread_id']}", "thread"), ("/#/talk", "talk"), ("/#/chat", "chat: join"),
                       ("/#/services", "local help"), ("/#/services?topic=anxiety&open_now=1", "local help, filtered"),
                       ("/#/library", "library, signed in")]:
        visit(page, path, name, problems)

    # A journal entry with a delete confirmation open.
    visit(page, f"/#/journal/entries/{entry['id']}", "journal entry", problems)
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    problems += scan(page, "delete confirmation")
    page.get_by_role("dialog").get_by_role("button", name="Keep it").click()

    # The private personal-details warning before posting.
    visit(page, f"/#/forums/{BOARD}/new", "start a thread", problems)
    page.get_by_label("Title").fill("Anyone at my school?")
    page.get_by_label("Your post").fill("I go to Priory School, text me on 07700 900123")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".details-warning")).to_be_visible(timeout=TIMEOUT)
    problems += scan(page, "personal details warning")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(600)
def test_both_chat_screens_with_messages(phone_axe: Page, staff_axe, chat_between) -> None:
    yp, jo, session = chat_between
    problems: list[str] = []
    sign_in(phone_axe, yp, "/#/chat")
    expect(phone_axe.locator(".chat-log .msg")).to_have_count(2, timeout=TIMEOUT)
    problems += scan(phone_axe, "chat (young person)")
    console = staff_axe()
    sign_in(console, jo, "/#/counsellor")
    expect(console.locator(".chat-panel .chat-log .msg")).to_have_count(2, timeout=TIMEOUT)
    problems += scan(console, "chat console (counsellor)")
    # The counsellor ends it: the young person's "chat has ended" screen.
    assert jo.post(f"/api/v1/chat/sessions/{session}/end", json={}).status_code == 200
    expect(phone_axe.get_by_role("heading", level=1, name="The chat has ended")).to_be_visible(timeout=TIMEOUT)
    problems += scan(phone_axe, "chat ended (young person)")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(300)
def test_the_chat_queue_on_a_phone(phone_axe: Page, young_person, database) -> None:
    database.query("UPDATE counsellor_availability SET status = 'away'")
    yp = young_person()
    assert yp.post("/api/v1/chat/requests", json={"topic": "sleep"}).status_code == 201
    try:
        sign_in(phone_axe, yp, "/#/chat")
        expect(phone_axe.get_by_role("heading", level=1, name="You're in the queue")).to_be_visible(timeout=TIMEOUT)
        problems = scan(phone_axe, "chat queue")
        assert not problems, "\n".join(problems)
    finally:
        yp.delete("/api/v1/chat/requests/current")


@pytest.mark.timeout(600)
def test_every_staff_console_at_1366(staff_axe, staff, young_person) -> None:
    problems: list[str] = []
    yp = young_person()
    yp.post(f"/api/v1/boards/{BOARD}/threads", json={"title": "Waiting one", "body": "my snap is axe_2010"})
    screens = [
        (staff("moderator", name="Mo Axe", key="axe"), ["/#/staff", "/#/moderation"]),
        (staff("admin", name="Ada Axe", key="axe"), ["/#/staff", "/#/moderation", f"/#/council?code={PORTSMOUTH}"]),
        (staff("council_admin", council=PORTSMOUTH, name="Cal Axe", key="axe"), ["/#/staff", "/#/council"]),
        (staff("counsellor", name="Jo Axe", key="axe"), ["/#/staff", "/#/counsellor", "/#/services"]),
    ]
    for who, paths in screens:
        page = staff_axe()
        sign_in(page, who, paths[0])
        problems += scan(page, f"{who.user['role']} {paths[0]}")
        for path in paths[1:]:
            visit(page, path, f"{who.user['role']} {path}", problems)
    assert not problems, "\n".join(problems)
