"""Running the service in the browser: the admin adds a staff member who logs in, changes
the temporary password and sets up two-step log-in; a council officer reads the figures and
downloads the CSV; a young person downloads and deletes their data on a 360x740 phone."""

from __future__ import annotations

import json
import re
import time

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.harness import unique_username

NEW_PASSWORD = "copper-lagoon-window-88"


def test_admin_adds_staff_who_changes_password_and_sets_up_mfa(staff, desktop: Page, new_context) -> None:
    admin = staff("admin", name="Alex", key="alex")
    sign_in(desktop, admin, "/#/staff")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Hello, Alex")  # greeted by name
    expect(desktop.get_by_role("button", name="Talk to someone")).to_be_hidden()
    desktop.get_by_role("navigation", name="Staff").get_by_role("link", name="Admin").click()
    expect(desktop.get_by_role("heading", name="Staff", level=2)).to_be_visible()
    desktop.get_by_role("button", name="Add a staff member").click()
    email = f"{unique_username('pw')}@staff.example".replace("_", "-")
    desktop.get_by_label("Work e-mail").fill(email)
    desktop.get_by_label("First name").fill("Robin")
    desktop.get_by_label("Role").select_option("moderator")
    desktop.get_by_role("button", name="Add staff member").click()
    temporary = desktop.locator("[data-temporary-password]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", temporary)
    row = desktop.locator(f"tr[data-staff='{email}']")
    expect(row).to_contain_text("Moderator")
    expect(row).to_contain_text("Not set up")
    expect(row).to_contain_text("Never")

    page = new_context(size={"width": 1280, "height": 900}, mobile=False).new_page()
    page.goto("/#/login")
    page.get_by_label("Username (or work e-mail for staff)").fill(email)
    page.get_by_label("Password", exact=True).fill(temporary)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your own password")
    page.get_by_label("Temporary password", exact=True).fill(temporary)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    page.get_by_role("link", name="Two-step log-in").click()
    secret = page.locator("[data-secret]").get_attribute("data-secret")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    page.get_by_label("The 6-digit code your app shows").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step log-in").click()
    expect(page.get_by_text("Two-step log-in is on.")).to_be_visible()

    # next log-in asks for the code
    again = new_context(size={"width": 1280, "height": 900}, mobile=False).new_page()
    again.goto("/#/login")
    again.get_by_label("Username (or work e-mail for staff)").fill(email)
    again.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    again.get_by_role("button", name="Log in").click()
    code = again.get_by_label("Code from your authenticator app")
    expect(code).to_be_visible()
    code.fill(pyotp.TOTP(secret).at(time.time() + 30))  # the confirming code was used already
    again.get_by_role("button", name="Log in").click()
    expect(again.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    desktop.reload()
    expect(desktop.locator(f"tr[data-staff='{email}']")).to_contain_text("On")


def test_council_officer_reads_figures_and_downloads_csv(staff, desktop: Page) -> None:
    officer = staff("council_admin", council="E06000044", name="Morgan", key="morgan")
    sign_in(desktop, officer, "/#/staff")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Hello, Morgan")
    desktop.get_by_role("link", name="Figures").first.click()
    expect(desktop.get_by_role("heading", name="People")).to_be_visible()
    table = desktop.get_by_role("table", name="People", exact=True)
    expect(table).to_contain_text("New registrations")
    cells = table.locator("td").all_inner_texts()
    assert len(cells) == 3 and all(c == "fewer than 5" or re.fullmatch(r"[\d,]+", c) for c in cells), cells
    expect(desktop.locator("svg.figure-chart").first).to_be_visible()
    with desktop.expect_download() as info:
        desktop.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert re.match(r"waymark-E06000044-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as f:
        text = f.read()
    assert "registrations" in text
    expect(desktop.get_by_role("button", name="Print")).to_be_visible()


def test_young_person_downloads_and_deletes_their_data_on_a_phone(young_person, phone: Page, database) -> None:
    yp = young_person()
    user_id = yp.user["id"]
    assert yp.post("/api/v1/journal", json={"body": "A private note"}).status_code == 201
    thread = yp.post("/api/v1/boards/exams-and-school/threads", json={"title": "Mock exams", "body": "Any tips?"})
    assert thread.status_code == 202
    sign_in(phone, yp, "/#/home")
    phone.get_by_role("link", name="My account").click()
    expect(phone.get_by_role("heading", name="My account", level=1)).to_be_visible()
    post = phone.locator(".my-post[data-status='pending']")
    expect(post).to_contain_text("Mock exams")
    expect(post).to_contain_text("Waiting for a moderator")
    with phone.expect_download() as info:
        phone.get_by_role("button", name="Download my data").click()
    download = info.value
    assert download.suggested_filename.startswith("waymark-my-data-") and download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as f:
        data = json.load(f)
    assert data["account"]["id"] == user_id
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    phone.get_by_role("button", name="Delete my account").click()
    expect(phone.get_by_text("Type DELETE to show you mean it").first).to_be_visible()
    assert database.query("SELECT count(*) AS n FROM user_account WHERE id = $1::uuid", user_id)[0]["n"] == 1
    phone.get_by_label("To delete your account, type DELETE").fill("delete")
    phone.get_by_role("button", name="Delete my account").click()
    expect(phone).to_have_url(re.compile(r"#/welcome$"))
    assert database.query("SELECT count(*) AS n FROM user_account WHERE id = $1::uuid", user_id)[0]["n"] == 0


def test_a_closure_shows_its_message_and_the_helplines(staff, young_person, phone: Page, database) -> None:
    import datetime as dt

    admin = staff("admin")
    now = dt.datetime.now(dt.UTC)
    message = "We're closed today for staff training. We're back tomorrow."
    r = admin.post("/api/v1/admin/chat-hours/closures", json={
        "starts_at": (now - dt.timedelta(minutes=1)).isoformat(), "ends_at": (now + dt.timedelta(hours=3)).isoformat(),
        "message": message})
    assert r.status_code == 201
    try:
        sign_in(phone, young_person(), "/#/talk")
        expect(phone.get_by_text(message)).to_be_visible()
        expect(phone.get_by_text(re.compile("Chat opens"))).to_be_visible()
        expect(phone.get_by_text("116 123").first).to_be_visible()
    finally:
        database.query("DELETE FROM chat_closure")


def test_admin_console_panels_hours_boards_councils_audit(staff, desktop: Page, database) -> None:
    admin = staff("admin")
    sign_in(desktop, admin, "/#/admin/hours")
    try:
        spec = desktop.get_by_label("Weekly hours (London time)")
        expect(spec).to_have_value("always")
        spec.fill("mon-fri 22:00-12:00")
        desktop.get_by_role("button", name="Save hours").click()
        expect(desktop.locator(".field-error").first).to_contain_text("couldn't read those hours")
        spec.fill("mon-sun 00:00-24:00")
        desktop.get_by_role("button", name="Save hours").click()
        expect(desktop.get_by_text("Set here by an admin.")).to_be_visible()
        expect(desktop.locator("[data-chat-state='open']")).to_be_visible()
    finally:
        database.query("DELETE FROM chat_schedule")

    desktop.get_by_role("navigation", name="Admin").get_by_role("link", name="Boards").click()
    slug = f"e2e-{unique_username('b').split('_')[1]}"
    desktop.get_by_label("Address (small letters, numbers and dashes)").fill(slug)
    desktop.get_by_label("Name", exact=True).fill("Music")
    desktop.get_by_label("Description").fill("Songs that help")
    desktop.get_by_role("button", name="Add board").click()
    row = desktop.locator(f"tr[data-board='{slug}']")
    expect(row).to_contain_text("Open")
    row.get_by_role("button", name="Retire").click()
    expect(desktop.locator(f"tr[data-board='{slug}']")).to_contain_text("Retired (read-only)")

    desktop.get_by_role("navigation", name="Admin").get_by_role("link", name="Councils").click()
    expect(desktop.locator("tr[data-council='E06000044']")).to_contain_text("11 to 18")

    desktop.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    desktop.get_by_label("Action").fill("board.")
    desktop.get_by_role("button", name="Filter").click()
    expect(desktop.locator("tr[data-action='chat_hours.update']")).to_have_count(0)  # the filtered list
    expect(desktop.locator("tr[data-action='board.retire']").first).to_contain_text(slug)
    expect(desktop.locator("tr[data-action='board.create']").first).to_be_visible()
