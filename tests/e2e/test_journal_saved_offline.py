"""Issue 16: past journal entries are readable offline, kept SEALED on the phone with a key
that log-out (and Quick exit, see test_quick_exit_signs_out.py) deletes."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, wait_for_service_worker

TIMEOUT = 20_000
DATABASES = "indexedDB.databases().then((ds) => ds.map((d) => d.name))"
RAW_SAVED = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open('waymark-journal-saved', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('saved');
  req.onsuccess = () => {
    const get = req.result.transaction('saved', 'readonly').objectStore('saved').get('entries');
    get.onsuccess = () => { req.result.close(); resolve(JSON.stringify(get.result || null)); };
  };
  req.onerror = () => reject(req.error);
})"""


def test_past_entries_are_readable_offline_and_log_out_removes_them(phone: Page, young_person) -> None:
    yp = young_person()
    tag = uuid.uuid4().hex[:6]
    older = yp.post("/api/v1/journal", json={"body": f"first thing I wrote {tag}"}).json()
    yp.post("/api/v1/journal", json={"body": f"the day after {tag}"})

    sign_in(phone, yp, "/#/journal/entries")
    expect(phone.locator(".entry-card")).to_have_count(2, timeout=TIMEOUT)
    wait_for_service_worker(phone)
    expect(phone.locator(".entry-card")).to_have_count(2, timeout=TIMEOUT)
    phone.wait_for_function(f"() => {RAW_SAVED.strip()}().then((s) => s !== 'null')", timeout=TIMEOUT)
    saved = phone.evaluate(RAW_SAVED)
    assert "key_id" in saved and tag not in saved and "first thing" not in saved  # sealed

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", level=1, name="Journal entries")).to_be_visible(timeout=TIMEOUT)
    cards = phone.locator(".entry-card")
    expect(cards).to_have_count(2, timeout=TIMEOUT)
    expect(cards.first).to_contain_text(f"the day after {tag}")
    expect(phone.get_by_text("kept locked on this phone so you can read them offline")).to_be_visible()

    cards.filter(has_text="first thing").get_by_role("link").click()
    expect(phone.locator(".entry-body")).to_have_text(f"first thing I wrote {tag}", timeout=TIMEOUT)
    expect(phone.get_by_text("this is the copy kept on your phone")).to_be_visible()
    assert older["id"] in phone.url

    phone.context.set_offline(False)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("heading", level=1, name="Welcome to Waymark")).to_be_visible(timeout=TIMEOUT)
    names = phone.evaluate(DATABASES)
    assert "waymark-journal-saved" not in names and "waymark-keys" not in names, names


def test_without_saved_entries_the_journal_says_they_show_when_online(phone: Page, young_person) -> None:
    yp = young_person()
    yp.post("/api/v1/journal", json={"body": "written on the laptop"})
    sign_in(phone, yp, "/#/journal")
    expect(phone.get_by_role("heading", level=1, name="My journal")).to_be_visible(timeout=TIMEOUT)
    wait_for_service_worker(phone)
    # Entries never opened on this phone: nothing is saved for them.
    phone.context.set_offline(True)
    phone.get_by_role("navigation", name="Journal").get_by_role("link", name="Entries").click()
    expect(phone.get_by_text("Your past entries show when you're online.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("written on the laptop")).to_have_count(0)
