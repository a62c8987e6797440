"""Issue 13: the counsellor's console on a 1366×768 laptop. Three chats side by side with every
reply box in view; a message to the team claimed and answered with a saved reply; a chat
transferred to a colleague who sees the handover note; a shared service named in both
transcripts."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_chat import ask
from tests.api.test_forums import RISKY, start_thread
from tests.e2e.conftest import sign_in

TIMEOUT = 20_000
LAPTOP = {"width": 1366, "height": 768}
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(autouse=True)
def empty_queue(database) -> None:
    database.query("UPDATE chat_request SET status = 'left' WHERE status = 'waiting'")
    database.query("UPDATE chat_request SET status = 'ended' WHERE status = 'active'")
    database.query("UPDATE chat_session SET ended_at = now(), ended_by = 'test' WHERE ended_at IS NULL")
    database.query("UPDATE counsellor_availability SET status = 'away'")
    database.query("UPDATE message_thread SET status = 'closed' WHERE status <> 'closed'")


def available(c, max_concurrent: int = 3) -> None:
    r = c.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": max_concurrent})
    assert r.status_code == 200, r.text


def in_viewport(page: Page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None, "not on screen"
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= LAPTOP["width"] and box["y"] + box["height"] <= LAPTOP["height"], box


@pytest.mark.timeout(300)
def test_the_console_at_1366x768(new_context, young_person, staff) -> None:
    tag = uuid.uuid4().hex[:6]
    jo = staff("counsellor", name="Jo Bloggs", key=f"jo-{tag}")
    kit = staff("counsellor", name="Kit Moss", key=f"kit-{tag}")
    available(jo)
    available(kit)
    saved = jo.post("/api/v1/chat/responses", json={"title": "Thanks", "body": f"Thank you for telling me {tag}."})
    assert saved.status_code == 201, saved.text

    people = [young_person() for _ in range(3)]
    sessions = []
    for n, yp in enumerate(people):
        req = ask(yp, topic=f"topic {n} {tag}")
        taken = jo.post("/api/v1/chat/queue/take", json={"request_id": req["id"]})
        assert taken.status_code == 200, taken.text
        sessions.append(taken.json()["session_id"])
    writer = young_person()
    thread = writer.post("/api/v1/messages/threads", json={"subject": f"Home {tag}", "body": "Things are hard at home"})
    assert thread.status_code == 201, thread.text

    page = new_context(LAPTOP, mobile=False).new_page()
    sign_in(page, jo, "/#/counsellor")
    panels = page.locator(".chat-panel")
    expect(panels).to_have_count(3, timeout=TIMEOUT)

    # --- three chats side by side, every reply box and Send button in view, no scrolling ----
    xs = []
    for i in range(3):
        panel = panels.nth(i)
        box = panel.locator("textarea").first
        expect(box).to_be_visible(timeout=TIMEOUT)
        in_viewport(page, box)
        in_viewport(page, panel.get_by_role("button", name="Send", exact=True))
        xs.append(panel.bounding_box()["x"])
    assert xs == sorted(xs) and len(set(xs)) == 3  # side by side, not stacked
    assert page.evaluate("() => window.scrollY") == 0

    # --- a saved reply with one click, then with a key -------------------------------------
    first = panels.nth(0)
    first.get_by_role("button", name="1. Thanks").click()
    expect(first.locator("textarea")).to_have_value(f"Thank you for telling me {tag}.")
    first.get_by_role("button", name="Send", exact=True).click()
    expect(first.locator(".chat-log .msg", has_text=f"Thank you for telling me {tag}.")).to_contain_text("Sent", timeout=TIMEOUT)
    second_box = panels.nth(1).locator("textarea")
    second_box.click()
    second_box.press("Alt+1")
    expect(second_box).to_have_value(f"Thank you for telling me {tag}.")
    second_box.fill("")

    # --- a shared service is named in both transcripts -------------------------------------
    share = first.get_by_role("button", name="Share a service")
    expect(share).to_be_visible(timeout=TIMEOUT)
    share.click()
    select = first.get_by_label("Service to share")
    name = select.locator("option").first.inner_text().split(" (national)")[0].split(" – open now")[0]
    first.get_by_role("button", name="Share", exact=True).click()
    expect(first.locator(".chat-log .msg", has_text=f"Here's a service that might help: {name}")).to_contain_text(
        "Sent", timeout=TIMEOUT)
    theirs = people[0].get(f"/api/v1/chat/sessions/{sessions[0]}/messages").json()["items"]
    assert any(name in m["body"] for m in theirs), theirs

    # --- the inbox: claim and reply with a saved reply -------------------------------------
    inbox = page.locator(".inbox-card")
    row = inbox.locator(".inbox-item", has_text=f"Home {tag}")
    expect(row).to_contain_text(re.compile(r"(day|days|hours?) left"), timeout=TIMEOUT)
    row.get_by_role("button", name=re.compile("^Claim and reply")).click()
    expect(inbox.get_by_text("Things are hard at home")).to_be_visible(timeout=TIMEOUT)
    inbox.get_by_role("button", name="1. Thanks").click()
    inbox.get_by_role("button", name="Send reply").click()
    expect(inbox.get_by_text("Reply sent")).to_be_visible(timeout=TIMEOUT)
    answered = writer.get(f"/api/v1/messages/threads/{thread.json()['id']}").json()
    assert [m["sender"] for m in answered["messages"]] == ["young_person", "counsellor"]
    assert answered["messages"][1]["body"] == f"Thank you for telling me {tag}."

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "counsellor-console-1366x768.png"))

    # --- transfer the third chat to Kit, who sees the handover note -------------------------
    phone = new_context().new_page()
    sign_in(phone, people[2], "/#/chat")
    expect(phone.get_by_label("Message Jo")).to_be_visible(timeout=TIMEOUT)
    third = panels.nth(2)
    third.get_by_role("button", name="Transfer").click()
    kit_option = third.get_by_label("Transfer to").locator("option", has_text="Kit Moss")
    expect(kit_option).to_be_enabled(timeout=TIMEOUT)
    third.get_by_label("Transfer to").select_option(kit_option.get_attribute("value"))
    third.get_by_label("Handover note").fill(f"Worried about school {tag}; go gently.")
    third.get_by_role("button", name="Transfer chat").click()
    expect(panels).to_have_count(2, timeout=TIMEOUT)
    expect(phone.get_by_text("Kit is taking over your chat. Everything you wrote is still here.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("Worried about school")).to_have_count(0)  # the note goes to the next counsellor only
    kit_page = new_context(LAPTOP, mobile=False).new_page()
    sign_in(kit_page, kit, "/#/counsellor")
    moved = kit_page.locator(".chat-panel")
    expect(moved).to_have_count(1, timeout=TIMEOUT)
    expect(moved.locator(".handover-note")).to_contain_text(f"Handover note from Jo: Worried about school {tag}; go gently.",
                                                            timeout=TIMEOUT)
    in_viewport(kit_page, moved.locator("textarea"))
    kit_page.screenshot(path=str(ARTIFACTS / "counsellor-after-transfer-1366x768.png"))


@pytest.mark.timeout(200)
def test_an_alert_names_the_young_person_and_opens_their_chat(new_context, young_person, staff, database) -> None:
    database.query("UPDATE safeguarding_alert SET status = 'acknowledged' WHERE status = 'open'")
    tag = uuid.uuid4().hex[:6]
    jo = staff("counsellor", name="Jo Bloggs", key=f"jo-alert-{tag}")
    available(jo)
    chatting, waiting = young_person(), young_person()
    for yp in (chatting, waiting):
        ask(yp, topic=f"alert {tag}")
    first = jo.post("/api/v1/chat/queue/take", json={})  # the one who asked first
    assert first.status_code == 200, first.text
    page = new_context(LAPTOP, mobile=False).new_page()
    sign_in(page, jo, "/#/counsellor")
    panel = page.locator(".chat-panel")
    expect(panel).to_have_count(1, timeout=TIMEOUT)
    name_in_chat = chatting.user["username"]
    expect(panel.locator(".chat-panel-title")).to_have_text(f"Chat 1: {name_in_chat}", timeout=TIMEOUT)

    for yp in (chatting, waiting):
        start_thread(yp, title=f"tonight {tag}", body=RISKY)
    alerts = page.locator(".alerts-card")
    in_chat = alerts.locator(".alert-item", has_text=f"Post by {name_in_chat}")
    expect(in_chat).to_contain_text("In a chat with you now", timeout=TIMEOUT)
    queued = alerts.locator(".alert-item", has_text=f"Post by {waiting.user['username']}")
    expect(queued).to_contain_text("Waiting in the queue now", timeout=TIMEOUT)

    in_chat.get_by_role("button", name=f"Open the chat with {name_in_chat}").click()
    expect(panel.locator("textarea")).to_be_focused()
    queued.get_by_role("button", name=f"Take the chat with {waiting.user['username']}").click()
    expect(panel).to_have_count(2, timeout=TIMEOUT)
    expect(page.locator(".chat-panel-title", has_text=waiting.user["username"])).to_be_visible(timeout=TIMEOUT)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "counsellor-alert-opens-chat-1366x768.png"))
