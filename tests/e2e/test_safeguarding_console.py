"""A counsellor's console shows safeguarding alerts of every kind: a chat alert is named as
a chat message (not a post), grows when the same young person's next risky message joins
it, and is acknowledged with a note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000
RISKY = "i want to end it all tonight"


@pytest.mark.timeout(180)
def test_a_chat_alert_in_the_console(desktop: Page, young_person, staff) -> None:
    counsellor = staff("counsellor", name="Ari Counsellor", key="e2e-alerts")
    assert counsellor.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}
                          ).status_code == 200
    yp = young_person()
    request = yp.post("/api/v1/chat/requests", json={"topic": "home"}).json()
    session_id = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request["id"]}).json()["session_id"]
    assert yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": RISKY}).status_code == 201

    sign_in(desktop, counsellor, "/#/counsellor")
    card = desktop.locator(".alert-item", has=desktop.get_by_role("heading", name=f"Chat with {yp.user['username']}"))
    expect(card).to_have_count(1, timeout=TIMEOUT)
    expect(card).not_to_contain_text("In “")  # no thread: it is not a post

    # the same young person's next risky message joins the alert, and the card says so
    assert yp.post(f"/api/v1/chat/sessions/{session_id}/messages", json={"body": RISKY}).status_code == 201
    expect(card).to_contain_text("2 posts or messages in an hour", timeout=TIMEOUT)
    expect(card.locator("details.alert-items summary")).to_have_text(f"1 more from {yp.user['username']} since")

    card.get_by_role("button", name=re.compile("^Acknowledge")).click()
    card.get_by_label("What you did (optional)").fill("Talking with them now")
    card.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(desktop.get_by_text("Alert acknowledged.")).to_be_visible(timeout=TIMEOUT)
    expect(card).to_have_count(0)
    acked = counsellor.get("/api/v1/safeguarding/alerts", params={"status": "acknowledged", "limit": 500}).json()
    assert any(a["source_id"] == session_id and a["acknowledge_note"] == "Talking with them now"
               for a in acked["items"])
