"""Issue 15, "Faults", last point: a young person on a phone (the PWA with its service worker)
writes a journal entry, a chat message in a live chat and a reply to a message to the team
while the app server is DOWN (its process killed, not the browser's offline switch: the phone
still thinks it is online), then the server comes back. Each of the three is stored exactly
once, without the young person doing anything more, and the counsellor sees the chat message
once.

A fault test (issue 15 lists it with tests/faults/) that lives here because it needs the one
headless Chromium of the run (tests/e2e/conftest.py: Playwright's sync API allows one per
process); it borrows the faults' helpers, and kills and restarts an app server of its own."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_service_worker
from tests.faults.conftest import Phone, counsellor_client, ready_status, start_chat, young_person_client
from tests.harness import Server

TIMEOUT = 20_000
BACK_WITHIN = 60  # seconds after the server returns (the phone retries on its own, with backoff)


@pytest.fixture
def own_server(server_env: dict[str, str]) -> Iterator[Server]:
    """An app server this test may kill and start again (the session's shared one stays up)."""
    srv = Server(env=server_env).start()
    yield srv
    srv.stop()


@pytest.fixture
def own_phone(browser, own_server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, base_url=own_server.base_url, service_workers="allow",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def bodies(counsellor: Phone) -> list[str]:
    """What the counsellor's console has received, in order (a repeat would show twice)."""
    return [m["body"] for m in counsellor.messages]


def wait_for(counsellor: Phone, body: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while body not in bodies(counsellor):
        assert time.monotonic() < deadline, f"the counsellor never saw {body!r}: {bodies(counsellor)}"
        counsellor.pump(0.5)


def _go(phone: Page, route: str) -> None:
    """Tap to another screen of the app (a hash route: no page load, as a link in the app)."""
    phone.evaluate("(route) => { window.location.hash = route; }", route)


def _rows(database, sql: str, *args) -> list:
    return database.query(sql, *args)


@pytest.mark.timeout(300)  # a server started twice, a browser, and waiting for the phone's own retries
def test_journal_chat_and_reply_written_while_the_server_is_down_arrive_once(
        own_server: Server, own_phone: Page, server_env: dict[str, str], database) -> None:
    phone, base = own_phone, own_server.base_url
    tag = uuid.uuid4().hex[:6]
    entry_text = f"Wrote this while Waymark was down {tag}"
    chat_text = f"are you still there? {tag}"
    reply_text = f"Thanks for your reply, it helped {tag}"

    yp = young_person_client(base)
    me = yp.get("/api/v1/me").json()
    counsellor = counsellor_client(server_env, base, name="Ash")
    # a message to the team, already answered, that the young person will reply to
    thread = yp.post("/api/v1/messages/threads", json={"subject": "School", "body": "School is hard right now"})
    assert thread.status_code == 201, thread.text
    thread_id = thread.json()["id"]
    answered = counsellor.post(f"/api/v1/messages/threads/{thread_id}/messages",
                               json={"body": "Thank you for writing to us. Tell us more when you're ready."})
    assert answered.status_code == 201, answered.text
    session_id = start_chat(yp, counsellor)
    # the counsellor's console: reconnects after a drop and resumes after the last seq it saw
    ash = Phone(base, counsellor, session_id)
    assert ash.connect()

    try:
        # --- online: the phone has the app (service worker in control), the young person
        # reads the team's reply, then opens the live chat ---
        sign_in(phone, yp, f"/#/messages/{thread_id}")
        wait_for_service_worker(phone)
        expect(phone.get_by_text("Tell us more when you're ready.")).to_be_visible(timeout=TIMEOUT)
        _go(phone, "#/chat")
        composer = phone.locator("form.composer textarea")
        expect(composer).to_be_visible(timeout=TIMEOUT)
        phone.locator("form.composer textarea").fill(f"hello {tag}")
        phone.locator("form.composer").get_by_role("button", name="Send").click()
        wait_for(ash, f"hello {tag}")  # the chat works before anything goes wrong
        expect(phone.locator(".msg-own", has_text=f"hello {tag}")).to_have_count(1, timeout=TIMEOUT)

        # --- the server goes down (the process dies; the phone still says it is online) ---
        own_server.kill_group()
        assert ready_status(base) == 0
        assert phone.evaluate("() => navigator.onLine") is True

        # 1. a chat message, as the connection is lost
        phone.locator("form.composer textarea").fill(chat_text)
        phone.locator("form.composer").get_by_role("button", name="Send").click()
        pending = phone.locator(".msg-own", has_text=chat_text)
        expect(pending).to_have_count(1, timeout=TIMEOUT)
        expect(pending).to_contain_text("Sending…")

        # 2. a journal entry (the screen comes from the service worker's copy)
        _go(phone, "#/journal/entries")
        phone.get_by_label("Write a new entry").fill(entry_text)
        phone.get_by_role("button", name="Save entry").click()
        expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(
            timeout=TIMEOUT)
        expect(phone.locator(".entry-card", has_text=entry_text)).to_contain_text("Waiting to send")

        # 3. a reply in the message thread, opened while the server is down
        _go(phone, f"#/messages/{thread_id}")
        phone.get_by_label("Write a reply").fill(reply_text)
        phone.get_by_role("button", name="Send reply").click()
        expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(
            timeout=TIMEOUT)
        waiting = phone.locator("section.outbox")
        expect(waiting).to_contain_text(reply_text, timeout=TIMEOUT)

        # nothing reached the database while it was down
        user_id = uuid.UUID(me["id"])
        assert _rows(database, "SELECT id FROM journal_entry WHERE user_id = $1", user_id) == []
        assert len(_rows(database, "SELECT id FROM message_thread_message WHERE thread_id = $1",
                         uuid.UUID(thread_id))) == 2
        assert len(_rows(database, "SELECT id FROM chat_message WHERE session_id = $1", uuid.UUID(session_id))) == 1
        time.sleep(3)  # the phone keeps trying for a while, and fails

        # --- the server comes back on the same address; the young person does nothing more ---
        own_server.start()  # the same port, a new process
        back = time.monotonic()

        def arrived() -> bool:
            ash.pump(0.5)
            entries = _rows(database, "SELECT id FROM journal_entry WHERE user_id = $1", user_id)
            replies = _rows(database, "SELECT id FROM message_thread_message WHERE thread_id = $1",
                            uuid.UUID(thread_id))
            chats = _rows(database, "SELECT id FROM chat_message WHERE session_id = $1", uuid.UUID(session_id))
            return bool(entries) and len(replies) > 2 and len(chats) > 1 and chat_text in bodies(ash)

        while not arrived():
            assert time.monotonic() - back < BACK_WITHIN, f"not everything arrived; the counsellor saw {bodies(ash)}"
        ash.pump(5)  # and nothing comes twice, also a little later
        time.sleep(2)

        # --- each stored once, readable through the API, seen once by the counsellor ---
        entries = yp.get("/api/v1/journal").json()
        assert [e["body"] for e in entries["items"]] == [entry_text]
        assert len(_rows(database, "SELECT id FROM journal_entry WHERE user_id = $1", user_id)) == 1

        messages = yp.get(f"/api/v1/messages/threads/{thread_id}").json()["messages"]
        assert [m["body"] for m in messages].count(reply_text) == 1 and len(messages) == 3
        assert messages[-1]["sender"] == "young_person"

        chat = yp.get(f"/api/v1/chat/sessions/{session_id}/messages", params={"after_seq": 0}).json()["items"]
        assert [m["body"] for m in chat] == [f"hello {tag}", chat_text]
        assert [m["seq"] for m in chat] == [1, 2]
        assert bodies(ash).count(chat_text) == 1, bodies(ash)
        assert ash.received == [1, 2], ash.messages  # each seq once, in order

        # --- the phone shows them sent, once: nothing waits any more ---
        expect(waiting).to_be_hidden(timeout=TIMEOUT)
        expect(phone.locator(".message-mine", has_text=reply_text)).to_have_count(1, timeout=TIMEOUT)
        _go(phone, "#/journal/entries")
        card = phone.locator(".entry-card", has_text=entry_text)
        expect(card).to_have_count(1, timeout=TIMEOUT)
        expect(card).not_to_contain_text("Waiting to send")
        _go(phone, "#/chat")
        mine = phone.locator(".msg-own", has_text=chat_text)
        expect(mine).to_have_count(1, timeout=TIMEOUT)
        expect(mine).not_to_contain_text("Sending…")
        phone.wait_for_timeout(3000)  # a reconnecting chat screen sends nothing again
        assert len(_rows(database, "SELECT id FROM chat_message WHERE session_id = $1", uuid.UUID(session_id))) == 2
        assert phone.evaluate("() => sessionStorage.getItem('waymark.chat.outbox')") is None
    finally:
        ash.close()
