"""Acting on an account in three browsers: a moderator suspends an author from the review
queue (through the author page); the young person sees why on a 360x740 phone, keeps the
help screens, and appeals once; another moderator lifts it from the appeals screen; the
young person reads the outcome and posts again."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_forums import start_thread as post_thread
from tests.e2e.conftest import DESKTOP, sign_in
from tests.e2e.test_forum_moderation import LIVE_TIMEOUT, TIMEOUT, start_thread


@pytest.mark.timeout(300)
def test_suspend_from_the_queue_appeal_and_lift(phone: Page, new_context, young_person, staff) -> None:
    yp = young_person()
    title = f"Add me {uuid.uuid4().hex[:6]}"
    post_thread(yp, title=title, body="add me on snap, we can talk there")

    # --- a moderator opens the author from the queue and suspends them ---------------------------
    mo = staff("moderator", name="Mo Moderator", key="e2e-restrictions")
    console = new_context(DESKTOP, mobile=False).new_page()
    sign_in(console, mo, "/#/moderation")
    card = console.locator(".mod-item", has_text=title)
    expect(card).to_be_visible(timeout=LIVE_TIMEOUT)
    card.get_by_role("link", name=yp.user["username"]).click()
    expect(console.get_by_role("heading", level=1, name=f"Author: {yp.user['username']}")).to_be_visible(timeout=TIMEOUT)
    expect(console.locator(".author-count", has_text="Waiting or held")).to_contain_text("1")
    console.get_by_label("Suspend from posting, replying, reacting and reporting").check()
    console.get_by_label("Reason they will read").select_option("unsafe_contact")
    expect(console.locator(".mod-preview")).to_contain_text("another app")
    expect(console.get_by_label("Until a moderator lifts it")).to_be_checked()
    console.get_by_label("Private note for staff").fill("Asked two people to move to snap")
    console.get_by_role("button", name="Save").click()
    expect(console.get_by_role("status").filter(has_text="Saved: Suspended.")).to_be_visible(timeout=TIMEOUT)
    listed = console.locator(".restriction-list li").first
    expect(listed).to_contain_text("Suspended · In force")
    expect(listed).to_contain_text("Asked two people to move to snap")

    # --- the young person, on a phone, sees why ---------------------------------------------------
    sign_in(phone, yp, "/#/home")
    notice = phone.locator(".restriction-notice")
    expect(notice).to_contain_text("You can't post, reply or react on the boards for now.", timeout=TIMEOUT)
    notice.get_by_role("link", name="See why").click()
    expect(phone.get_by_role("heading", level=1, name="About your account")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("heading", level=2, name="You can't use the boards for now")).to_be_visible()
    expect(phone.locator(".restriction-message")).to_contain_text("asked people to talk on another app")
    expect(phone.locator(".restriction-message")).to_contain_text("talk to a counsellor")
    expect(phone.locator(".restriction-end")).to_contain_text("No end date")
    expect(phone.get_by_text("Asked two people")).to_have_count(0)  # the staff note is never shown
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the screen scrolls sideways on a phone ({width}px)"
    # the help is all still there
    phone.get_by_role("link", name="Talk to someone, or call a free helpline").click()
    expect(phone.get_by_role("heading", level=1, name="Talk to someone")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("link", name=re.compile(r"^Call ")).first).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator(".restriction-notice")).to_have_count(0)  # nothing added to the help screens
    phone.goto("/#/restrictions")
    phone.get_by_label("Think this is wrong? Tell us why").fill("I meant a revision group, not to chat alone.")
    phone.get_by_role("button", name="Send my appeal").click()
    expect(phone.get_by_text("Waiting for a moderator")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("button", name="Send my appeal")).to_have_count(0)  # once only

    # --- the moderator who suspended can't decide; another moderator lifts it --------------------
    console.goto("/#/appeals")
    mine = console.locator(".appeal", has_text=yp.user["username"])
    expect(mine).to_contain_text("another moderator decides", timeout=TIMEOUT)
    other = new_context(DESKTOP, mobile=False).new_page()
    sign_in(other, staff("moderator", name="Max Other", key="e2e-restrictions-2"), "/#/appeals")
    appeal = other.locator(".appeal", has_text=yp.user["username"])
    expect(appeal).to_contain_text("I meant a revision group", timeout=TIMEOUT)
    appeal.get_by_role("button", name="Lift it").click()
    expect(other.get_by_role("status").filter(has_text=f"Lifted for {yp.user['username']}")).to_be_visible(timeout=TIMEOUT)

    # --- the young person reads the outcome and posts again ---------------------------------------
    phone.goto("/#/home")
    phone.goto("/#/restrictions")
    expect(phone.get_by_text("There is nothing on your account right now.")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("heading", level=3, name="Your appeal: lifted")).to_be_visible()
    phone.goto("/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.wait_for_load_state("networkidle")
    expect(phone.locator(".restriction-notice")).to_have_count(0)
    again = f"Back again {uuid.uuid4().hex[:6]}"
    start_thread(phone, again, "Thanks for looking again. Does anyone have revision tips?")
    expect(phone.get_by_role("status").filter(has_text="A moderator will read it soon")).to_be_visible()


@pytest.mark.timeout(120)
def test_a_warning_is_shown_once_at_the_next_visit(phone: Page, young_person, staff) -> None:
    yp = young_person()
    mo = staff("moderator", name="Mo Moderator", key="e2e-restrictions")
    r = mo.post(f"/api/v1/moderation/users/{yp.user['id']}/restrictions",
                json={"kind": "warn", "reason_code": "sharing_details", "note": "School name twice"})
    assert r.status_code == 201, r.text
    sign_in(phone, yp, "/#/home")
    warning = phone.get_by_role("region", name="A message from the moderators")
    expect(warning).to_contain_text("friendly warning", timeout=TIMEOUT)
    expect(warning).to_contain_text("shared details that could identify you")
    expect(phone.get_by_text("School name twice")).to_have_count(0)
    warning.get_by_role("button", name="OK, I understand").click()
    expect(warning).to_have_count(0, timeout=TIMEOUT)
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    expect(phone.get_by_role("heading", level=1, name="Forums")).to_be_visible(timeout=TIMEOUT)
    phone.wait_for_load_state("networkidle")  # the notice's own request has answered
    expect(phone.locator(".restriction-notice")).to_have_count(0)
    assert yp.get("/api/v1/me/restrictions").json()["items"] == []


@pytest.mark.timeout(300)
def test_the_restriction_screens_pass_an_axe_scan(browser, server, young_person, staff) -> None:
    """axe-core (serious or critical fails): the young person's screens with a restriction on
    a phone, the author page and appeals at 1366x768."""
    from tests.e2e.axe import axe_context, scan
    from tests.e2e.conftest import PHONE

    yp = young_person()
    post_thread(yp, title="Axe check", body="Revision timetable ideas?")
    mo = staff("moderator", name="Mo Moderator", key="e2e-restrictions")
    for kind in ("warn", "suspend"):
        r = mo.post(f"/api/v1/moderation/users/{yp.user['id']}/restrictions",
                    json={"kind": kind, "reason_code": "board_rules", "note": "axe"})
        assert r.status_code == 201, r.text
    problems: list[str] = []
    phone_context = axe_context(browser, server, PHONE, mobile=True)
    staff_context = axe_context(browser, server, {"width": 1366, "height": 768}, mobile=False)
    try:
        page = phone_context.new_page()
        sign_in(page, yp, "/#/home")
        expect(page.locator(".restriction-notice").first).to_be_visible(timeout=TIMEOUT)
        problems += scan(page, "home with a warning and a suspension")
        page.goto("/#/restrictions")
        problems += scan(page, "about your account")
        rid = next(i["id"] for i in yp.get("/api/v1/me/restrictions").json()["items"] if i["kind"] == "suspend")
        assert yp.post(f"/api/v1/me/restrictions/{rid}/appeal", json={"text": "please look again"}).status_code == 201
        page.goto("/#/home")
        page.goto("/#/restrictions")
        problems += scan(page, "about your account, appealed")
        console = staff_context.new_page()
        sign_in(console, mo, f"/#/authors/{yp.user['id']}")
        expect(console.get_by_role("heading", level=1, name=f"Author: {yp.user['username']}")).to_be_visible(timeout=TIMEOUT)
        problems += scan(console, "author page")
        console.goto("/#/appeals")
        problems += scan(console, "appeals")
    finally:
        phone_context.close()
        staff_context.close()
    assert not problems, "\n".join(problems)
