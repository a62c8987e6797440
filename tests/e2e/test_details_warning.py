"""Issue 16: before a forum post with personal details is sent, the phone tells the writer
kindly, with the reason, that it will wait for a moderator; they may change it or still
send it (then the server holds it). The check runs on the phone: nothing is sent for it."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000
BOARD = "exams-and-school"


def sent_with(requests: list[Request], words: str) -> list[tuple[str, str]]:
    return [(r.method, r.url) for r in requests if words in (r.url + " " + (r.post_data or ""))]


def test_a_thread_with_a_school_and_a_snap_name_is_warned_about_first(phone: Page, young_person, database) -> None:
    yp = young_person()
    sign_in(phone, yp, f"/#/forums/{BOARD}/new")
    expect(phone.get_by_role("heading", level=1, name="Start a thread")).to_be_visible(timeout=TIMEOUT)
    requests: list[Request] = []
    phone.context.on("request", lambda r: requests.append(r))
    title = f"Mocks next week {uuid.uuid4().hex[:6]}"
    phone.get_by_label("Title").fill(title)
    phone.get_by_label("Your post").fill("I'm at Priory School and I'm so behind. my snap is revise_2010")
    phone.get_by_role("button", name="Post", exact=True).click()

    warning = phone.locator(".details-warning")
    expect(warning.get_by_role("heading", name="Before you post: this might show who you are")).to_be_visible(
        timeout=TIMEOUT)
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("Your post looks like it has a school and a social media name in it.")
    expect(warning).to_contain_text("People here can't see who you are, and that keeps you safe.")
    expect(warning).to_contain_text("a moderator will read it first")
    expect(warning).to_contain_text("Nothing has been sent yet.")
    # Nothing was sent: no write at all, and the words went nowhere.
    assert not [r for r in requests if r.method not in ("GET", "HEAD")]
    assert not sent_with(requests, "Priory") and not sent_with(requests, "revise_2010")

    # "Change my post": back to the text, which is still there.
    warning.get_by_role("button", name="Change my post").click()
    expect(warning).to_have_count(0)
    expect(phone.get_by_label("Your post")).to_be_focused()
    expect(phone.get_by_label("Your post")).to_have_value(
        "I'm at Priory School and I'm so behind. my snap is revise_2010")

    # Taking the snap name out still leaves the school: asked again, for the school only.
    phone.get_by_label("Your post").fill("I'm at Priory School and I'm so behind.")
    phone.get_by_role("button", name="Post", exact=True).click()
    expect(warning).to_contain_text("Your post looks like it has a school in it.", timeout=TIMEOUT)
    assert not [r for r in requests if r.method not in ("GET", "HEAD")]

    # "Post it anyway": sent once, and held for a moderator.
    warning.get_by_role("button", name="Post it anyway").click()
    expect(phone.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_text("Waiting for a moderator").first).to_be_visible(timeout=TIMEOUT)
    posts = [r for r in requests if r.method == "POST"]
    assert len(posts) == 1 and posts[0].url.endswith(f"/api/v1/boards/{BOARD}/threads")
    rows = database.query("SELECT status, risk_categories FROM forum_post WHERE author_id = $1",
                          uuid.UUID(yp.user["id"]))
    assert len(rows) == 1 and rows[0]["status"] == "pending" and "personal_details" in rows[0]["risk_categories"]


def test_a_clean_thread_is_sent_without_a_warning(phone: Page, young_person) -> None:
    yp = young_person()
    sign_in(phone, yp, f"/#/forums/{BOARD}/new")
    title = f"Revision {uuid.uuid4().hex[:6]}"
    phone.get_by_label("Title").fill(title)
    phone.get_by_label("Your post").fill("What helps you focus when revising? I keep getting distracted.")
    phone.get_by_role("button", name="Post", exact=True).click()
    expect(phone.get_by_role("heading", level=1, name=title)).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator(".details-warning")).to_have_count(0)


def test_a_reply_with_a_phone_number_is_warned_about(phone: Page, young_person, staff) -> None:
    author = young_person()
    thread = author.post(f"/api/v1/boards/{BOARD}/threads",
                         json={"title": "Study buddies?", "body": "Anyone else revising maths?"}).json()
    mo = staff("moderator", name="Mo", key="e2e-details")
    r = mo.post(f"/api/v1/moderation/items/{thread['id']}/decision", json={"action": "approve"})
    assert r.status_code == 200, r.text

    yp = young_person()
    sign_in(phone, yp, f"/#/threads/{thread['thread_id']}")
    phone.get_by_label("Write a reply").fill("me! text me on 07700 900123")
    phone.get_by_role("button", name="Post reply").click()
    warning = phone.locator(".details-warning")
    expect(warning).to_contain_text("Your post looks like it has a phone number in it.", timeout=TIMEOUT)
    warning.get_by_role("button", name="Post it anyway").click()
    expect(phone.locator(".post-card", has_text="07700 900123").get_by_text("Waiting for a moderator")).to_be_visible(
        timeout=TIMEOUT)
