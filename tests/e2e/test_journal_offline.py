"""Issue 4 on a phone-sized screen: check-ins and journal entries made offline wait on the
phone and are stored once when the connection returns; the private risk check never tells
the server anything."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000


def mood_rows(database, user_id: str) -> list:
    return database.query("SELECT score, client_id FROM mood_checkin WHERE user_id = $1", uuid.UUID(user_id))


def entry_rows(database, user_id: str) -> list:
    return database.query("SELECT client_id FROM journal_entry WHERE user_id = $1", uuid.UUID(user_id))


def open_journal(phone: Page, yp, path: str = "/#/journal") -> None:
    sign_in(phone, yp, path)
    expect(phone.get_by_text("Only you can see this. Our staff can’t read it.")).to_be_visible(timeout=TIMEOUT)
    if path == "/#/journal":  # the feeling words have loaded (the form is ready)
        expect(phone.locator(".chip-toggle").first).to_be_visible(timeout=TIMEOUT)


def test_a_check_in_made_offline_is_sent_once_when_back_online(phone: Page, young_person, database) -> None:
    yp = young_person()
    open_journal(phone, yp)
    expect(phone.get_by_text("No check-ins yet.")).to_be_visible(timeout=TIMEOUT)

    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    phone.locator(".mood-option label", has_text="Not great").click()
    phone.locator(".chip-toggle label", has_text="Worried").click()
    phone.get_by_label("Anything else you want to say? (optional)").fill("exams tomorrow")
    phone.get_by_role("button", name="Save my check-in").click()

    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(timeout=TIMEOUT)
    outbox = phone.locator("section.outbox")
    expect(outbox.get_by_role("heading", name="Waiting to send (1)")).to_be_visible(timeout=TIMEOUT)
    expect(outbox.get_by_role("listitem")).to_have_count(1)
    expect(outbox.get_by_role("listitem")).to_contain_text("Check-in: Not great")
    # nothing reached the server yet
    assert yp.get("/api/v1/mood").json()["total"] == 0
    assert mood_rows(database, yp.user["id"]) == []

    phone.context.set_offline(False)
    expect(outbox).to_be_hidden(timeout=TIMEOUT)
    expect(phone.locator("#offline-banner")).not_to_contain_text("You're offline")
    moods = yp.get("/api/v1/mood").json()
    assert moods["total"] == 1 and len(moods["items"]) == 1
    stored = moods["items"][0]
    assert stored["score"] == 2 and stored["feelings"] == ["worried"] and stored["note"] == "exams tomorrow"
    rows = mood_rows(database, yp.user["id"])
    assert len(rows) == 1 and str(rows[0]["client_id"]) == stored["client_id"]
    # The chart shows it as stored (not waiting).
    expect(phone.get_by_text("You've checked in once today.")).to_be_visible(timeout=TIMEOUT)

    # Opening the app again sends nothing twice.
    phone.reload()
    expect(phone.get_by_text("You've checked in once today.")).to_be_visible(timeout=TIMEOUT)
    expect(outbox).to_be_hidden()
    assert yp.get("/api/v1/mood").json()["total"] == 1
    assert len(mood_rows(database, yp.user["id"])) == 1


def test_a_journal_entry_written_offline_arrives_once(phone: Page, young_person, database) -> None:
    yp = young_person()
    open_journal(phone, yp, "/#/journal/entries")
    expect(phone.get_by_text("No entries yet.")).to_be_visible(timeout=TIMEOUT)
    text = f"Wrote this on the bus with no signal {uuid.uuid4().hex[:6]}"

    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    phone.get_by_label("Write a new entry").fill(text)
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(timeout=TIMEOUT)
    card = phone.locator(".entry-card", has_text=text)
    expect(card).to_have_count(1, timeout=TIMEOUT)
    expect(card).to_contain_text("Waiting to send")
    outbox = phone.locator("section.outbox")
    expect(outbox.get_by_role("heading", name="Waiting to send (1)")).to_be_visible(timeout=TIMEOUT)
    assert entry_rows(database, yp.user["id"]) == []

    phone.context.set_offline(False)
    expect(outbox).to_be_hidden(timeout=TIMEOUT)
    # Redrawn from the server: one entry, with a link to open it, no longer waiting.
    expect(card).to_have_count(1, timeout=TIMEOUT)
    expect(card.get_by_role("link")).to_be_visible(timeout=TIMEOUT)
    expect(card).not_to_contain_text("Waiting to send")
    entries = yp.get("/api/v1/journal").json()
    assert entries["total"] == 1 and [e["body"] for e in entries["items"]] == [text]
    rows = entry_rows(database, yp.user["id"])
    assert len(rows) == 1 and str(rows[0]["client_id"]) == entries["items"][0]["client_id"]


def test_a_risky_note_offers_support_and_tells_the_server_nothing_more(phone: Page, young_person, database) -> None:
    yp = young_person()
    note = "i want to kill myself"
    open_journal(phone, yp)
    # The risk-check words are loaded on the phone before the check can run.
    phone.wait_for_function("() => Boolean(localStorage.getItem('waymark.riskVocabulary'))", timeout=TIMEOUT)

    sent: list[Request] = []
    frames: list[str] = []
    phone.context.on("request", lambda r: sent.append(r))
    phone.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(str(payload))))

    phone.locator(".mood-option label", has_text="Really bad").click()
    phone.get_by_label("Anything else you want to say? (optional)").fill(note)
    phone.get_by_role("button", name="Save my check-in").click()

    support = phone.locator(".support-box")
    expect(support.get_by_role("heading", name="It sounds like things are really hard.")).to_be_visible(timeout=TIMEOUT)
    expect(support.get_by_role("heading", name="It sounds like things are really hard.")).to_be_focused()
    expect(support.get_by_role("link", name="Talk to a counsellor")).to_be_visible()
    expect(support).to_contain_text("Nothing you wrote has been shared.")
    expect(support).to_contain_text("999")  # risk to life: the "in danger now" box
    expect(phone.get_by_text("Saved. Thank you for checking in.")).to_be_visible(timeout=TIMEOUT)
    # The offer's helplines (a GET of the public list) and the chart have loaded.
    expect(support.locator(".crisis-card").first).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("You've checked in once today.")).to_be_visible(timeout=TIMEOUT)

    def mentions(r: Request) -> bool:
        seen = (r.url + " " + (r.post_data or "")).lower()
        return any(word in seen for word in ("kill", "kill%20myself", "kill+myself"))

    mentioning = [(r.method, r.url) for r in sent if mentions(r)]
    writes = [(r.method, r.url) for r in sent if r.method not in ("GET", "HEAD", "OPTIONS")]
    base = phone.url.split("#")[0].rstrip("/")
    assert mentioning == [("POST", f"{base}/api/v1/mood")], mentioning
    assert writes == [("POST", f"{base}/api/v1/mood")], writes  # no other write: no report, no alert
    assert not any("risk" in r.url and r.method != "GET" for r in sent)
    assert not frames
    # The check-in itself is stored as usual, once.
    moods = yp.get("/api/v1/mood").json()
    assert moods["total"] == 1 and moods["items"][0]["note"] == note
    assert len(mood_rows(database, yp.user["id"])) == 1


def test_a_risky_journal_entry_written_offline_still_offers_support(phone: Page, young_person) -> None:
    """The check runs on the phone, so it works without a connection too."""
    yp = young_person()
    open_journal(phone, yp, "/#/journal/entries")
    phone.wait_for_function("() => Boolean(localStorage.getItem('waymark.riskVocabulary'))", timeout=TIMEOUT)
    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    phone.get_by_label("Write a new entry").fill("honestly i just want to d1e")
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_role("heading", name="It sounds like things are really hard.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible()
    phone.context.set_offline(False)
    expect(phone.locator("section.outbox")).to_be_hidden(timeout=TIMEOUT)
    assert yp.get("/api/v1/journal").json()["total"] == 1
    assert re.search(r"d1e", yp.get("/api/v1/journal").json()["items"][0]["body"])
