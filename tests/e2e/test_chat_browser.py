"""Issue 6 in two browsers: a young person on a phone asks for a counsellor, a counsellor on
a desktop takes the chat, and no message is lost or doubled when the phone's connection drops."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000


@pytest.fixture(autouse=True)
def empty_queue(database) -> None:
    """The server is shared: start with nobody waiting, no open chat, every counsellor away
    (as tests/api/test_chat.py does), so no earlier test's request is taken instead of ours."""
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE chat_request SET status = 'ended' WHERE status = 'active'")
    database.query("UPDATE chat_session SET ended_at = now(), ended_by = 'test' WHERE ended_at IS NULL")
    database.query("UPDATE counsellor_availability SET status = 'away'")


def messages(where: Page | Locator, text: str) -> Locator:
    """The chat message elements whose body is exactly ``text``."""
    page = where if isinstance(where, Page) else where.page
    return where.locator(".chat-log .msg").filter(
        has=page.locator(".msg-body", has_text=re.compile(f"^{re.escape(text)}$")))


@pytest.mark.timeout(300)
def test_a_chat_survives_the_phone_going_offline(phone: Page, desktop: Page, young_person, staff) -> None:
    topic = f"exams {uuid.uuid4().hex[:6]}"

    # --- the counsellor, on a desktop, says they are available --------------------------------
    jo = staff("counsellor", name="Jo Bloggs", key="e2e")
    console = desktop
    sign_in(console, jo, "/#/counsellor")
    expect(console.get_by_role("heading", level=1, name="Chats")).to_be_visible(timeout=TIMEOUT)
    console.get_by_label("Available", exact=True).check()
    expect(console.get_by_text(re.compile(r"You're available for up to \d+ chats? at once"))).to_be_visible(timeout=TIMEOUT)
    expect(console.get_by_label("Available", exact=True)).to_be_checked()
    assert jo.get("/api/v1/chat/availability").json()["status"] == "available"

    # --- the young person, on a phone, joins the queue from Talk to someone -------------------
    yp = young_person()
    sign_in(phone, yp, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.get_by_role("button", name="Talk to someone").first.click()
    expect(phone.get_by_role("heading", level=1, name="Talk to someone")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("Counsellors are online now.")).to_be_visible(timeout=TIMEOUT)
    phone.get_by_label("What would you like to talk about? (optional)").fill(topic)
    phone.get_by_role("button", name="Join the queue").click()
    expect(phone.get_by_role("heading", level=1, name="You're in the queue")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("You're number 1 in the queue")).to_be_visible(timeout=TIMEOUT)

    # --- Jo takes it in the console -----------------------------------------------------------
    row = console.locator(".queue-item", has_text=topic)
    expect(row).to_have_count(1, timeout=TIMEOUT)
    row.get_by_role("button", name=re.compile(r"^Take")).click()
    panel = console.locator(".chat-panel", has_text=topic)
    expect(panel).to_have_count(1, timeout=TIMEOUT)
    expect(phone.get_by_role("heading", level=1, name="You're talking to Jo")).to_be_visible(timeout=TIMEOUT)
    composer = phone.get_by_label("Message Jo")
    reply = panel.locator("textarea")

    # --- both talk ----------------------------------------------------------------------------
    composer.fill("hi, I'm stressed about exams")
    phone.get_by_role("button", name="Send").click()
    expect(messages(panel, "hi, I'm stressed about exams")).to_have_count(1, timeout=TIMEOUT)
    # the console names the young person by the same pseudonymous username alerts use (issue 13)
    expect(messages(panel, "hi, I'm stressed about exams")).to_contain_text(yp.user["username"])
    reply.fill("Hi, I'm Jo. Tell me more?")
    panel.get_by_role("button", name="Send").click()
    expect(messages(phone, "Hi, I'm Jo. Tell me more?")).to_have_count(1, timeout=TIMEOUT)
    expect(messages(phone, "Hi, I'm Jo. Tell me more?")).to_contain_text("Jo")
    expect(messages(phone, "hi, I'm stressed about exams")).to_contain_text("Sent", timeout=TIMEOUT)

    # --- the phone's connection drops ---------------------------------------------------------
    phone.context.set_offline(True)
    expect(phone.get_by_text("You're offline. Your messages will send when you're back online.")).to_be_visible(
        timeout=TIMEOUT)
    for text in ("Offline one", "Offline two"):
        reply.fill(text)
        panel.get_by_role("button", name="Send").click()
        expect(messages(panel, text)).to_contain_text("Sent", timeout=TIMEOUT)  # stored by the server
    composer.fill("typed while offline")
    phone.get_by_role("button", name="Send").click()
    expect(messages(phone, "typed while offline")).to_contain_text("Sending…", timeout=TIMEOUT)
    expect(messages(phone, "Offline one")).to_have_count(0)
    expect(messages(phone, "Offline two")).to_have_count(0)
    expect(messages(panel, "typed while offline")).to_have_count(0)

    # --- back online: everything arrives, once --------------------------------------------------
    phone.context.set_offline(False)
    expect(messages(phone, "Offline one")).to_have_count(1, timeout=TIMEOUT)
    expect(messages(phone, "Offline two")).to_have_count(1, timeout=TIMEOUT)
    expect(messages(panel, "typed while offline")).to_have_count(1, timeout=TIMEOUT)
    expect(messages(phone, "typed while offline")).to_contain_text("Sent", timeout=TIMEOUT)
    expect(phone.get_by_text("You're offline. Your messages will send when you're back online.")).to_have_count(0)
    # A message after the reconnection arrives after everything the phone missed, so any
    # duplicate from the catch-up would be on screen by now.
    reply.fill("Glad you're back")
    panel.get_by_role("button", name="Send").click()
    expect(messages(phone, "Glad you're back")).to_have_count(1, timeout=TIMEOUT)
    composer.fill("me too")
    phone.get_by_role("button", name="Send").click()
    expect(messages(panel, "me too")).to_have_count(1, timeout=TIMEOUT)

    everything = ["hi, I'm stressed about exams", "Hi, I'm Jo. Tell me more?", "Offline one", "Offline two",
                  "typed while offline", "Glad you're back", "me too"]
    for text in everything:
        expect(messages(phone, text)).to_have_count(1)
        expect(messages(panel, text)).to_have_count(1)
    # The phone shows them in the order the server stored them.
    bodies = phone.locator(".chat-log .msg .msg-body").all_inner_texts()
    assert bodies.index("Offline one") < bodies.index("Offline two") < bodies.index("Glad you're back")
    # And the server stored each one once.
    current = yp.get("/api/v1/chat/requests/current").json()
    stored = yp.get(f"/api/v1/chat/sessions/{current['session_id']}/messages").json()["items"]
    assert sorted(m["body"] for m in stored) == sorted(everything)
    assert [m["seq"] for m in stored] == list(range(1, len(everything) + 1))
