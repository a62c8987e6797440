"""Issue 13 on a 360×740 phone: a young person writes to the team (also offline: the message
waits on the phone, shown "Waiting to send", and is stored once when back online), sees the
honest reply time, and reads the counsellor's reply (marked new until opened)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000
ARTIFACTS = Path(__file__).parent / "artifacts"


def thread_rows(database, user_id: str) -> list:
    return database.query("SELECT id FROM message_thread WHERE young_person_id = $1", uuid.UUID(user_id))


def test_write_offline_then_read_the_reply_on_a_phone(phone: Page, young_person, staff, database) -> None:
    yp = young_person()
    sign_in(phone, yp, "/#/home")
    phone.get_by_role("link", name="Messages to the team").click()
    expect(phone.get_by_role("heading", level=1, name="Messages to the team")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("You haven't written to the team yet.")).to_be_visible(timeout=TIMEOUT)

    # --- online: sent at once, with the honest reply time ----------------------------------
    phone.get_by_role("link", name="Write to the team").click()
    phone.get_by_label("What is it about? (optional)").fill("Exams")
    phone.get_by_label("Your message").fill("I'm really worried about my exams next week")
    phone.get_by_role("button", name="Send message").click()
    sent = phone.locator(".notice-success")
    expect(sent.get_by_role("heading", name="Your message has been sent")).to_be_visible(timeout=TIMEOUT)
    expect(sent).to_contain_text("The team usually replies within 2 days.")
    expect(sent).to_contain_text(re.compile(r"You'll hear from us by (today|tomorrow|[A-Z][a-z]+day) at \d\d:\d\d\."))
    assert yp.get("/api/v1/messages/threads").json()["total"] == 1

    # --- offline: kept on the phone, waiting, then sent once -------------------------------
    phone.get_by_role("link", name="Back to your messages").click()
    phone.get_by_role("link", name="Write to the team").click()
    expect(phone.get_by_label("Your message")).to_be_visible(timeout=TIMEOUT)
    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    offline_text = f"Can't sleep, writing this with no signal {uuid.uuid4().hex[:6]}"
    phone.get_by_label("Your message").fill(offline_text)
    phone.get_by_role("button", name="Send message").click()
    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(timeout=TIMEOUT)
    phone.get_by_role("link", name="Back to your messages").first.click()
    outbox = phone.locator("section.outbox")
    expect(outbox.get_by_role("heading", name="Waiting to send (1)")).to_be_visible(timeout=TIMEOUT)
    expect(outbox).to_contain_text(offline_text[:40])
    assert len(thread_rows(database, yp.user["id"])) == 1  # nothing reached the server yet

    phone.context.set_offline(False)
    expect(outbox).to_be_hidden(timeout=TIMEOUT)
    expect(phone.locator(".message-thread")).to_have_count(2, timeout=TIMEOUT)
    phone.reload()  # opening again sends nothing twice
    expect(phone.locator(".message-thread")).to_have_count(2, timeout=TIMEOUT)
    assert len(thread_rows(database, yp.user["id"])) == 2
    bodies = [yp.get(f"/api/v1/messages/threads/{t['id']}").json()["messages"][0]["body"]
              for t in yp.get("/api/v1/messages/threads").json()["items"]]
    assert bodies.count(offline_text) == 1

    # --- a counsellor replies; the phone shows it as new, then reads it ---------------------
    robin = staff("counsellor", name="Robin Hart", key="messages-phone")
    exams = next(t for t in yp.get("/api/v1/messages/threads").json()["items"] if t["subject"] == "Exams")
    r = robin.post(f"/api/v1/messages/threads/{exams['id']}/messages",
                   json={"body": "Thank you for writing. Exams can feel like a lot."})
    assert r.status_code == 201, r.text
    phone.reload()
    row = phone.locator(".message-thread", has_text="Exams")
    expect(row).to_contain_text("New reply", timeout=TIMEOUT)
    row.get_by_role("link", name="Exams").click()
    expect(phone.get_by_text("Thank you for writing. Exams can feel like a lot.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator(".message-team")).to_contain_text("Robin")

    phone.get_by_label("Write a reply").fill("Thanks, that helps a bit")
    phone.get_by_role("button", name="Send reply").click()
    expect(phone.locator(".message-mine", has_text="Thanks, that helps a bit")).to_have_count(1, timeout=TIMEOUT)
    expect(phone.get_by_text("Waiting for the team to reply.")).to_be_visible(timeout=TIMEOUT)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "young-person-messages-360x740.png"), full_page=True)
    phone.get_by_role("link", name="Back to your messages").click()
    expect(phone.locator(".message-thread", has_text="Exams")).not_to_contain_text("New reply", timeout=TIMEOUT)


def test_risky_message_shows_the_crisis_lines(phone: Page, young_person) -> None:
    yp = young_person()
    sign_in(phone, yp, "/#/talk")  # reachable from Talk to someone
    phone.get_by_role("link", name="Write a message").click()
    phone.get_by_label("Your message").fill("i want to kill myself")
    phone.get_by_role("button", name="Send message").click()
    support = phone.locator(".support-box")
    expect(support.get_by_role("heading", name="Thank you for telling us")).to_be_visible(timeout=TIMEOUT)
    expect(support.locator(".crisis-card").first).to_be_visible(timeout=TIMEOUT)
