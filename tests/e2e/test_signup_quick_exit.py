"""A young person signs up on a phone-sized screen, finds the crisis lines, and leaves fast."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import NEUTRAL_SITE
from tests.harness import PASSWORD, unique_username


def sign_up(page: Page) -> str:
    name = unique_username("e2e")
    page.goto("/")
    page.get_by_role("button", name="Sign up").first.click()
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Month you were born").select_option("3")
    page.get_by_label("Year you were born").fill(str(dt.date.today().year - 15))
    council = page.get_by_label("Your council")
    expect(council).to_be_enabled()
    council.select_option("E06000044")
    page.locator("form").get_by_role("button", name="Sign up").click()
    code = page.get_by_test_id("recovery-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$"))
    page.get_by_role("button", name="I've saved it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return name


def test_sign_up_on_a_phone_then_quick_exit_with_the_button(phone: Page) -> None:
    sign_up(phone)
    # every young person's screen has both buttons
    expect(phone.get_by_role("button", name="Quick exit")).to_be_visible()
    expect(phone.get_by_role("button", name="Talk to someone").first).to_be_visible()
    phone.get_by_role("button", name="Talk to someone").first.click()
    expect(phone.get_by_text("0800 1111").first).to_be_visible()
    expect(phone.get_by_role("button", name="Quick exit")).to_be_visible()
    phone.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)
    # the app's last screen is not in the back-button history
    phone.go_back()
    assert "127.0.0.1" not in phone.url


def test_shift_three_times_leaves_at_once(phone: Page) -> None:
    phone.goto("/#/library")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url(NEUTRAL_SITE)
    phone.go_back()
    assert "127.0.0.1" not in phone.url


def test_two_shift_presses_do_not_leave(phone: Page) -> None:
    phone.goto("/#/library")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    phone.keyboard.press("Shift")
    phone.keyboard.press("Shift")
    phone.wait_for_timeout(1500)
    phone.keyboard.press("Shift")  # too late to count with the first two
    phone.wait_for_timeout(300)
    assert phone.url.startswith("http://127.0.0.1")


def test_the_layout_fits_a_phone(phone: Page) -> None:
    phone.goto("/")
    expect(phone.get_by_role("button", name="Quick exit")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360px ({width}px)"


def test_quick_exit_still_works_inside_a_dialog(phone: Page, young_person) -> None:
    """A modal dialog makes the page behind it inert, so it carries its own Quick exit."""
    from tests.e2e.conftest import sign_in

    yp = young_person()
    entry = yp.post("/api/v1/journal", json={"body": "something private"}).json()
    sign_in(phone, yp, f"/#/journal/entries/{entry['id']}")
    phone.get_by_role("button", name="Delete").first.click()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Quick exit").click()
    phone.wait_for_url(NEUTRAL_SITE)
