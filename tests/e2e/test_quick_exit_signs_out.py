"""Issue 14: Quick exit signs out on this device. The server session ends, nothing private
is left readable, the app reopens on the welcome screen (not the journal), and a journal
entry that hadn't been sent is kept SEALED and arrives once after the next log-in."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import NEUTRAL_SITE, sign_in

TIMEOUT = 20_000

DATABASES = "indexedDB.databases().then((ds) => ds.map((d) => d.name).sort())"
RAW_OUTBOX = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open('waymark-outbox', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('items', { keyPath: 'client_id' });
  req.onsuccess = () => {
    const tx = req.result.transaction('items', 'readonly');
    const all = tx.objectStore('items').getAll();
    all.onsuccess = () => { req.result.close(); resolve(JSON.stringify(all.result)); };
  };
  req.onerror = () => reject(req.error);
})"""


def session_ends(client, seconds: float = 8.0) -> bool:
    """Whether the client's session ends within ``seconds`` (the server may honour a session
    it has just read for up to 5 s more: backend/security.py SESSION_CACHE_SECONDS)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get("/api/v1/me").status_code == 401:
            return True
        time.sleep(0.1)
    return False


def stored_rows(database, yp, seconds: float = 5.0) -> list:
    """The person's journal rows once there are any (the phone empties its outbox as the
    answer arrives; give the database a moment), or [] after ``seconds``."""
    deadline = time.monotonic() + seconds
    rows = entry_rows(database, yp.user["id"])
    while not rows and time.monotonic() < deadline:
        time.sleep(0.1)
        rows = entry_rows(database, yp.user["id"])
    return rows


def entry_rows(database, user_id: str) -> list:
    return database.query("SELECT client_id FROM journal_entry WHERE user_id = $1", uuid.UUID(user_id))


def write_unsent_entry(phone: Page, text: str) -> None:
    """Write an entry while the journal can't reach the server (its POST fails)."""
    def refuse(route: Route) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.route("**/api/v1/journal", refuse)
    phone.get_by_label("Write a new entry").fill(text)
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(
        timeout=TIMEOUT)
    expect(phone.locator("section.outbox").get_by_role("heading", name="Waiting to send (1)")).to_be_visible()
    phone.unroute("**/api/v1/journal")


def log_in(phone: Page, yp) -> None:
    phone.get_by_role("button", name="Log in").click()
    phone.get_by_label("Username (or work e-mail for staff)").fill(yp.user["username"])
    phone.get_by_label("Password", exact=True).fill(yp.user["password"])
    phone.locator("form").get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)


def test_quick_exit_signs_out_and_the_unsent_entry_arrives_after_the_next_log_in(
        phone: Page, young_person, database) -> None:
    yp = young_person()
    text = f"not for anyone else to see {uuid.uuid4().hex[:6]}"
    sign_in(phone, yp, "/#/journal/entries")
    expect(phone.get_by_text("No entries yet.")).to_be_visible(timeout=TIMEOUT)
    phone.wait_for_function(f"() => {DATABASES}.then((n) => n.includes('waymark-keys'))", timeout=TIMEOUT)
    write_unsent_entry(phone, text)
    stored = phone.evaluate(RAW_OUTBOX)
    assert "sealed" in stored and text not in stored and "not for anyone" not in stored
    assert entry_rows(database, yp.user["id"]) == []

    phone.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)
    # The server session has ended (the test client shares the phone's session cookie); the
    # exit's keepalive request may land just after the neutral site has shown.
    assert session_ends(yp), "the server session is still open after Quick exit"

    # Reopening the app, even at the journal's address, shows the welcome screen.
    phone.goto("/#/journal/entries")
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text(text)).to_have_count(0)
    assert phone.evaluate("localStorage.getItem('waymark.user')") is None
    names = phone.evaluate(DATABASES)
    assert "waymark-keys" not in names and "waymark-journal-saved" not in names, (names, phone.evaluate("localStorage.length"))
    # The entry is still there, sealed, and nothing on the phone can open it now.
    stored = phone.evaluate(RAW_OUTBOX)
    assert stored.count('"client_id"') == 1 and text not in stored
    assert entry_rows(database, yp.user["id"]) == []

    # Logging in again opens it and sends it, once.
    sent = []
    phone.on("response", lambda r: sent.append((r.request.method, r.url, r.status)) if "/api/" in r.url else None)
    log_in(phone, yp)
    phone.wait_for_function(f"() => {RAW_OUTBOX.strip()}().then((s) => s === '[]')", timeout=TIMEOUT)
    rows = stored_rows(database, yp)
    assert len(rows) == 1, (sent, phone.evaluate(DATABASES))
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.wait_for_timeout(500)
    assert len(entry_rows(database, yp.user["id"])) == 1


def test_someone_else_logging_in_never_sends_the_sealed_entry(phone: Page, young_person, database) -> None:
    owner, other = young_person(), young_person()
    text = f"mine only {uuid.uuid4().hex[:6]}"
    sign_in(phone, owner, "/#/journal/entries")
    expect(phone.get_by_text("No entries yet.")).to_be_visible(timeout=TIMEOUT)
    phone.wait_for_function(f"() => {DATABASES}.then((n) => n.includes('waymark-keys'))", timeout=TIMEOUT)
    write_unsent_entry(phone, text)
    phone.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)

    phone.goto("/")
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    log_in(phone, other)
    phone.get_by_role("link", name="My journal").click()
    phone.get_by_role("navigation", name="Journal").get_by_role("link", name="Entries").click()
    expect(phone.get_by_text("No entries yet.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text(text)).to_have_count(0)
    expect(phone.locator("section.outbox")).to_be_hidden()
    assert entry_rows(database, other.user["id"]) == [] and entry_rows(database, owner.user["id"]) == []
    # Still waiting, sealed, for its owner.
    assert phone.evaluate(RAW_OUTBOX).count('"client_id"') == 1


def test_quick_exit_while_offline_ends_the_session_when_the_app_opens_again(phone: Page, young_person) -> None:
    yp = young_person()
    sign_in(phone, yp, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.route("**/api/v1/auth/logout", lambda route: route.abort("internetdisconnected"))
    phone.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)
    assert yp.get("/api/v1/me").status_code == 200  # the exit's request didn't get there
    phone.unroute("**/api/v1/auth/logout")
    seen = []
    phone.on("response", lambda r: seen.append((r.request.method, r.url.split("/api/v1")[-1], r.status))
             if "/api/" in r.url else None)
    phone.goto("/#/home")
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    assert session_ends(yp), ("the session was not ended when the app opened again", seen)
    assert phone.evaluate("localStorage.getItem('waymark.quickExit')") is None


def test_written_offline_quick_exit_offline_then_the_entry_arrives_once(phone: Page, young_person, database) -> None:
    """The whole story with the phone really offline: the entry waits sealed, the session is
    ended when the app next opens online, and the entry arrives once after the next log-in."""
    yp = young_person()
    text = f"on the bus, no signal {uuid.uuid4().hex[:6]}"
    sign_in(phone, yp, "/#/journal/entries")
    expect(phone.get_by_text("No entries yet.")).to_be_visible(timeout=TIMEOUT)
    phone.wait_for_function(f"() => {DATABASES}.then((n) => n.includes('waymark-keys'))", timeout=TIMEOUT)
    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    phone.get_by_label("Write a new entry").fill(text)
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Saved on this phone. It will send when you're back online.")).to_be_visible(
        timeout=TIMEOUT)
    phone.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)

    phone.context.set_offline(False)
    phone.goto("/#/journal/entries")
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    assert session_ends(yp), "the session was not ended when the app opened again"
    stored = phone.evaluate(RAW_OUTBOX)
    assert stored.count('"client_id"') == 1 and text not in stored
    assert entry_rows(database, yp.user["id"]) == []
    log_in(phone, yp)
    phone.wait_for_function(f"() => {RAW_OUTBOX.strip()}().then((s) => s === '[]')", timeout=TIMEOUT)
    assert len(stored_rows(database, yp)) == 1
    assert [e["body"] for e in yp_entries(phone, yp)] == [text]


def yp_entries(phone: Page, yp) -> list[dict]:
    """The entries, read through the phone's new session (the old client's has ended)."""
    return phone.evaluate("fetch('/api/v1/journal', {credentials: 'same-origin'}).then((r) => r.json())")["items"]
