"""Forums and moderation in three browsers: a young person on a phone starts a thread and
sees it waiting for a moderator; a moderator on a desktop console sees it arrive, claims
and approves it; another young person on a phone then finds it on the board under the
first one's username. Also: what the engine flags is highlighted for the moderator, a
rejected author reads the kind reason, and a post that suggests risk is answered with
support (never a telling-off)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, sign_in

TIMEOUT = 20_000
# The console hears of new items over its WebSocket at once; if that is down it still
# refreshes every 30 seconds, so allow for one refresh.
LIVE_TIMEOUT = 45_000
BOARD = "exams-and-school"
BOARD_NAME = "Exams and school"


def open_console(new_context, staff) -> Page:
    mo = staff("moderator", name="Mo Moderator", key="e2e-forums")
    console = new_context(DESKTOP, mobile=False).new_page()
    sign_in(console, mo, "/#/moderation")
    expect(console.get_by_role("heading", level=1, name="Moderation")).to_be_visible(timeout=TIMEOUT)
    expect(console.get_by_role("heading", level=2, name=re.compile(r"^Waiting for review \(\d+\)"))).to_be_visible(
        timeout=TIMEOUT)
    return console


def start_thread(phone: Page, title: str, body: str, warned_about: str | None = None) -> None:
    """From home, through the bottom nav and the board, the way a young person would.
    ``warned_about``: the phone's personal-details check is expected to warn about this
    first (e.g. "a phone number"); the young person posts it anyway."""
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    expect(phone.get_by_role("heading", level=1, name="Forums")).to_be_visible(timeout=TIMEOUT)
    phone.get_by_role("link", name=BOARD_NAME).click()
    expect(phone.get_by_role("heading", level=1, name=BOARD_NAME)).to_be_visible(timeout=TIMEOUT)
    phone.get_by_role("link", name="Start a thread").click()
    expect(phone.get_by_role("heading", level=1, name="Start a thread")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("A moderator reads every post before it goes up.")).to_be_visible()
    phone.get_by_label("Title").fill(title)
    phone.get_by_label("Your post").fill(body)
    phone.get_by_role("button", name="Post", exact=True).click()
    if warned_about:
        warning = phone.locator(".details-warning")
        expect(warning).to_contain_text(warned_about, timeout=TIMEOUT)
        warning.get_by_role("button", name="Post it anyway").click()
    expect(phone.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)


@pytest.mark.timeout(300)
def test_a_thread_goes_up_once_a_moderator_approves_it(phone: Page, new_context, young_person, staff) -> None:
    title = f"Revision tips {uuid.uuid4().hex[:6]}"
    body = "I use a timer: 25 minutes on, 5 off. What helps you revise?"
    console = open_console(new_context, staff)

    # --- young person A, on a phone, starts a thread ----------------------------------------
    a = young_person()
    sign_in(phone, a, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(a.user["username"], timeout=TIMEOUT)
    start_thread(phone, title, body)
    own = phone.locator(".post-card", has_text=body)
    expect(own.get_by_text("Waiting for a moderator")).to_be_visible(timeout=TIMEOUT)
    expect(own).to_contain_text(a.user["username"])
    expect(phone.get_by_role("status").filter(has_text="A moderator will read it soon")).to_be_visible()
    expect(phone.get_by_label("Write a reply")).to_have_count(0)  # no replies until it is approved

    # --- young person B can't see it yet ----------------------------------------------------
    b = young_person()
    reader = new_context().new_page()
    sign_in(reader, b, f"/#/forums/{BOARD}")
    expect(reader.get_by_role("heading", level=1, name=BOARD_NAME)).to_be_visible(timeout=TIMEOUT)
    expect(reader.locator("[aria-busy='true']")).to_have_count(0, timeout=TIMEOUT)  # the list has loaded
    expect(reader.get_by_role("link", name=title)).to_have_count(0)

    # --- the moderator sees it arrive, claims it and approves it ------------------------------
    card = console.locator(".mod-item", has_text=title)
    expect(card).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(card).to_contain_text("New thread")
    expect(card).to_contain_text(f"Board: {BOARD_NAME}")
    expect(card).to_contain_text(a.user["username"])
    expect(card).to_contain_text(body)
    expect(card.locator(".badge-level")).to_have_text("No risk found")
    card.get_by_role("button", name=re.compile(r"^Claim")).click()
    expect(card.get_by_text("You're working on this")).to_be_visible(timeout=TIMEOUT)
    card.get_by_role("button", name=re.compile(r"^Approve\s*:")).click()
    expect(console.get_by_role("status").filter(has_text="Approved. It's on the board now.")).to_be_visible(timeout=TIMEOUT)
    expect(card).to_have_count(0, timeout=TIMEOUT)

    # --- young person B finds it on the board, under A's username -----------------------------
    reader.reload()
    row = reader.locator(".thread-card", has_text=title)
    expect(row).to_be_visible(timeout=TIMEOUT)
    expect(row).to_contain_text(f"Started by {a.user['username']}")
    expect(row).to_contain_text("No replies yet")
    row.get_by_role("link", name=title).click()
    expect(reader.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)
    expect(reader.get_by_text(body)).to_be_visible()
    expect(reader.get_by_text("Waiting for a moderator")).to_have_count(0)
    # B can send support (a toggle, never a count) and reply.
    hug = reader.get_by_role("button", name="Sending a hug")
    expect(hug).to_have_attribute("aria-pressed", "false")
    hug.click()
    expect(hug).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(reader.get_by_label("Write a reply")).to_be_visible()

    # --- and A's own copy is no longer waiting ------------------------------------------------
    phone.reload()
    expect(phone.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text(body)).to_be_visible()
    expect(phone.get_by_text("Waiting for a moderator")).to_have_count(0)
    expect(phone.get_by_text("People sent you: Sending a hug")).to_be_visible()


@pytest.mark.timeout(300)
def test_flagged_details_are_highlighted_and_the_author_reads_the_reason(
        phone: Page, new_context, young_person, staff) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Anyone want to revise together {tag}"
    body = "Text me on 07700 900123 and we can meet up after school"
    console = open_console(new_context, staff)

    a = young_person()
    sign_in(phone, a, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(a.user["username"], timeout=TIMEOUT)
    start_thread(phone, title, body, warned_about="a phone number")
    expect(phone.locator(".post-card", has_text=body).get_by_text("Waiting for a moderator")).to_be_visible(
        timeout=TIMEOUT)

    card = console.locator(".mod-item", has_text=title)
    expect(card).to_be_visible(timeout=LIVE_TIMEOUT)
    number = card.locator("mark.flag", has_text="07700 900123")
    expect(number).to_be_visible()
    expect(number).to_have_attribute("title", re.compile("personal details"))
    expect(card).to_contain_text("Flagged for:")

    card.get_by_role("button", name=re.compile(r"^Claim")).click()
    card.get_by_role("button", name=re.compile(r"^Reject\s*:")).click()
    card.get_by_label("Reason").select_option("personal_details")
    expect(card.get_by_text("The author will read:")).to_be_visible()
    expect(card.locator(".mod-preview")).to_contain_text("You're welcome to post again")
    card.get_by_role("button", name="Reject post").click()
    expect(console.get_by_role("status").filter(has_text="Rejected.")).to_be_visible(timeout=TIMEOUT)
    expect(card).to_have_count(0, timeout=TIMEOUT)

    phone.reload()
    expect(phone.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("heading", name="Your post didn't go up")).to_be_visible()
    expect(phone.get_by_text("shares details that could identify someone")).to_be_visible()
    expect(phone.get_by_text("Waiting for a moderator")).to_have_count(0)


@pytest.mark.timeout(300)
def test_a_post_that_suggests_risk_is_answered_with_support(phone: Page, young_person) -> None:
    title = f"Not ok {uuid.uuid4().hex[:6]}"
    a = young_person()
    sign_in(phone, a, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(a.user["username"], timeout=TIMEOUT)
    start_thread(phone, title, "I want to die, nobody would even notice")

    support = phone.locator(".support-box")
    expect(support.get_by_role("heading", name="Thank you for telling us")).to_be_visible(timeout=TIMEOUT)
    expect(support.get_by_role("heading", name="Thank you for telling us")).to_be_focused()
    expect(support).to_contain_text("you don't have to cope with this on your own")
    expect(support.get_by_role("link", name="Talk to a counsellor")).to_be_visible()
    expect(support.get_by_role("link", name=re.compile(r"^Call 0800 1111"))).to_be_visible()
    expect(phone.locator(".post-card").get_by_text("Waiting for a moderator")).to_be_visible()
    support.get_by_role("link", name="Talk to a counsellor").click()
    expect(phone.get_by_role("heading", level=1, name="Talk to someone")).to_be_visible(timeout=TIMEOUT)
