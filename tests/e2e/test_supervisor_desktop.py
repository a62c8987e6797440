"""Issue 13: the supervisor's live board on a 1366×768 laptop: every open chat, watching one
read-only, and a whisper that reaches the counsellor beside the chat and never the young
person's page or socket."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_chat import ask
from tests.e2e.conftest import sign_in
from tests.e2e.test_console_desktop import LAPTOP, available, empty_queue  # noqa: F401 - shared fixture

TIMEOUT = 20_000
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.mark.timeout(300)
def test_live_board_watch_and_whisper(new_context, phone: Page, young_person, staff) -> None:
    tag = uuid.uuid4().hex[:6]
    jo = staff("counsellor", name="Jo Bloggs", key=f"jo-{tag}")
    boss = staff("supervisor", name="Sam Senior", key=f"sam-{tag}")
    available(jo)
    yp = young_person()
    req = ask(yp, topic=f"school {tag}")
    taken = jo.post("/api/v1/chat/queue/take", json={"request_id": req["id"]})
    assert taken.status_code == 200, taken.text
    sid = taken.json()["session_id"]

    # the young person's page and every frame their socket receives
    received: list[str] = []
    phone.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(str(payload))))
    sign_in(phone, yp, "/#/chat")
    said = f"hello from the phone {tag}"
    r = yp.post(f"/api/v1/chat/sessions/{sid}/messages", json={"body": said})
    assert r.status_code in (200, 201), r.text
    expect(phone.get_by_text(said)).to_be_visible(timeout=TIMEOUT)

    console = new_context(LAPTOP, mobile=False).new_page()
    sign_in(console, jo, "/#/counsellor")
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1, timeout=TIMEOUT)
    expect(panel.get_by_text(said)).to_be_visible(timeout=TIMEOUT)

    board = new_context(LAPTOP, mobile=False).new_page()
    sign_in(board, boss, "/#/live")
    row = board.locator(f"tr[data-session='{sid}']")
    expect(row).to_contain_text("Jo Bloggs", timeout=TIMEOUT)
    row.get_by_role("button", name="Watch the chat with Jo Bloggs").click()
    watch = board.locator(".watch-area")
    expect(watch.get_by_text(said)).to_be_visible(timeout=TIMEOUT)
    # a new message arrives live while watching
    later = f"and another thing {tag}"
    assert yp.post(f"/api/v1/chat/sessions/{sid}/messages", json={"body": later}).status_code in (200, 201)
    expect(watch.get_by_text(later)).to_be_visible(timeout=TIMEOUT)

    secret = f"Ask about sleep {tag}"
    watch.get_by_label("Whisper to Jo Bloggs").fill(secret)
    watch.get_by_role("button", name="Send whisper").click()
    expect(watch.get_by_text("Whisper sent to Jo Bloggs.")).to_be_visible(timeout=TIMEOUT)
    expect(panel.get_by_text(secret, exact=False)).to_be_visible(timeout=TIMEOUT)
    expect(panel.locator(".chat-note", has_text=secret)).to_contain_text("only you can see this")
    ARTIFACTS.mkdir(exist_ok=True)
    board.screenshot(path=str(ARTIFACTS / "supervisor-live-board-1366x768.png"))
    console.screenshot(path=str(ARTIFACTS / "counsellor-sees-whisper-1366x768.png"))

    # never on the young person's page, nor on their socket
    marker = f"{tag} after"
    assert jo.post(f"/api/v1/chat/sessions/{sid}/messages", json={"body": marker}).status_code in (200, 201)
    expect(phone.get_by_text(marker)).to_be_visible(timeout=TIMEOUT)  # everything sent before has arrived
    expect(phone.get_by_text(secret)).to_have_count(0)
    assert not any(secret in frame for frame in received)
    stored = yp.get(f"/api/v1/chat/sessions/{sid}/messages").json()["items"]
    assert not any(secret in m["body"] for m in stored)
