"""Issue 13's screens under the axe-core scan (see axe.py): the young person's messages on a
phone, the counsellor's console with the inbox, a transfer form and history open, and the
supervisor's live board while watching a chat, at 1366×768."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import scan
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import chat_between, phone_axe, staff_axe, visit  # noqa: F401 - shared fixtures

TIMEOUT = 20_000


@pytest.mark.timeout(600)
def test_messages_on_a_phone(phone_axe: Page, young_person, staff) -> None:  # noqa: F811
    page, problems = phone_axe, []
    yp = young_person()
    made = yp.post("/api/v1/messages/threads", json={"subject": "Exams", "body": "I'm worried about exams"}).json()
    robin = staff("counsellor", name="Robin Axe", key="axe-msg")
    assert robin.post(f"/api/v1/messages/threads/{made['id']}/messages", json={"body": "Thanks for writing."}).status_code == 201
    sign_in(page, yp, "/#/messages")
    expect(page.get_by_text("New reply")).to_be_visible(timeout=TIMEOUT)
    problems += scan(page, "messages")
    for path, name in [("/#/messages/new", "write to the team"), (f"/#/messages/{made['id']}", "a message thread")]:
        visit(page, path, name, problems)
    visit(page, "/#/messages/new", "write to the team", problems)
    page.get_by_label("Your message").fill("i want to kill myself")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".support-box .crisis-card").first).to_be_visible(timeout=TIMEOUT)
    problems += scan(page, "sent, with support")
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(600)
def test_console_and_live_board(staff_axe, chat_between, young_person, staff) -> None:  # noqa: F811
    yp, jo, session = chat_between
    writer = young_person()
    assert writer.post("/api/v1/messages/threads", json={"subject": "Home", "body": "Hard at home"}).status_code == 201
    assert jo.post("/api/v1/chat/responses", json={"title": "Thanks", "body": "Thank you for telling me."}).status_code == 201
    problems: list[str] = []
    console = staff_axe()
    sign_in(console, jo, "/#/counsellor")
    panel = console.locator(".chat-panel")
    expect(panel.locator(".chat-log .msg")).to_have_count(2, timeout=TIMEOUT)
    expect(panel.get_by_role("button", name="1. Thanks")).to_be_visible(timeout=TIMEOUT)
    panel.locator("summary").click()
    expect(panel.locator(".history-list")).not_to_contain_text("Loading", timeout=TIMEOUT)
    panel.get_by_role("button", name="Transfer").click()
    expect(panel.get_by_label("Transfer to")).to_be_visible(timeout=TIMEOUT)
    problems += scan(console, "console with history and transfer")
    row = console.locator(".inbox-item", has_text="Home")
    row.get_by_role("button").click()
    expect(console.locator(".inbox-card").get_by_text("Hard at home")).to_be_visible(timeout=TIMEOUT)
    problems += scan(console, "console with a message thread open")

    boss = staff("supervisor", name="Sam Axe", key="axe-sup")
    board = staff_axe()
    sign_in(board, boss, "/#/live")
    row = board.locator(f"tr[data-session='{session}']")
    expect(row).to_be_visible(timeout=TIMEOUT)
    problems += scan(board, "live board")
    row.get_by_role("button").click()
    expect(board.locator(".watch-area .chat-log .msg")).to_have_count(2, timeout=TIMEOUT)
    problems += scan(board, "live board, watching")
    assert not problems, "\n".join(problems)
