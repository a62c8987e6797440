"""Issue 15 on a phone: the service worker saves the young person's first screens at install
(the list the server fills in), so a screen never opened before still opens offline; a
screen that is not precached says kindly that it did not load and points to the helplines;
nothing staff-only is downloaded."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, wait_for_service_worker

TIMEOUT = 20_000


def test_precached_screens_open_offline_and_others_say_so_kindly(phone: Page, young_person) -> None:
    yp = young_person()
    fetched: list[str] = []
    phone.context.on("request", lambda r: fetched.append(r.url))  # the page's and the worker's requests
    sign_in(phone, yp, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    wait_for_service_worker(phone)
    versioned = [u for u in fetched if "/v/" in u]
    assert versioned, fetched  # the page loads its files at versioned addresses
    assert not [u for u in fetched if "/js/staff/" in u or "/js/console/" in u or "moderation.js" in u]
    assert not [u for u in fetched if "/screens/talk.js" in u and "/v/" not in u]

    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    # Talk was never opened, but it was saved at install: it opens, with the helplines.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Talk").click()
    expect(phone.get_by_role("heading", level=1, name="Talk to someone")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("Childline").first).to_be_visible(timeout=TIMEOUT)
    # The journal too (never opened here).
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    phone.get_by_role("link", name="My journal").first.click()
    expect(phone.get_by_role("heading", level=1, name="My journal")).to_be_visible(timeout=TIMEOUT)

    # Forums need a connection and are not saved ahead: a kind page with a way to the helplines.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    expect(phone.get_by_role("heading", level=1, name="This page did not load")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("link", name="See helplines you can contact any time")).to_be_visible()

    # Back online, the forums load, and their code is kept for next time: offline, they open.
    phone.context.set_offline(False)
    phone.reload()
    expect(phone.get_by_role("heading", level=1, name="Forums")).to_be_visible(timeout=TIMEOUT)
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("main h1")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("heading", level=1, name="This page did not load")).to_have_count(0)
    expect(phone.get_by_role("button", name="Quick exit")).to_be_visible()
