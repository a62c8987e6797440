"""The council officer's console in a desktop browser: the count of services that need
contact details on their home, the "needs contact details" list, the last-reviewed date
that saving updates; and a young person's card that says "check their website for times"
(never "Closed now") when a service's hours are unknown."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

PORTSMOUTH = "E06000044"
TIMEOUT = 20_000


def test_the_console_flags_services_nobody_can_contact_and_saving_marks_reviewed(desktop: Page, staff) -> None:
    officer = staff("council_admin", PORTSMOUTH)
    name = f"Drop-in {secrets.token_hex(3)}"
    r = officer.post(f"/api/v1/councils/{PORTSMOUTH}/services", json={
        "name": name, "description": "A drop-in with no contact details yet.", "thrive": "getting_help",
        "topics": ["sleep"], "min_age": 11, "max_age": 18, "reviewed_on": "2024-01-15",
    })
    assert r.status_code == 201, r.text
    counts = officer.get(f"/api/v1/councils/{PORTSMOUTH}/services").json()
    assert counts["needs_contact"] >= 1

    sign_in(desktop, officer, "/#/staff")
    tile = desktop.locator(".tile", has_text="Council services")
    expect(tile).to_contain_text(f"{counts['needs_contact']} service", timeout=TIMEOUT)
    expect(tile).to_contain_text("need contact details" if counts["needs_contact"] != 1 else "needs contact details")

    tile.get_by_role("link", name="Council services").click()
    attention = desktop.locator("section.attention")
    expect(attention).to_contain_text("Needs contact details", timeout=TIMEOUT)
    row = desktop.locator("tr", has_text=name)
    expect(row).to_contain_text("Needs contact details")
    expect(row).to_contain_text("15 January 2024")
    expect(row).to_contain_text("Over 12 months ago")

    attention.get_by_role("button", name=f"Add contact details for {name}").click()
    expect(desktop.get_by_role("heading", name=f"Edit {name}")).to_be_visible(timeout=TIMEOUT)
    expect(desktop.locator(".reviewed-note")).to_contain_text("Saving marks it as reviewed today")
    desktop.get_by_label("Website (optional)").fill("https://example.org/drop-in")
    desktop.get_by_role("button", name="Save changes").click()
    expect(desktop.locator(".status-message")).to_contain_text("saved", timeout=TIMEOUT)
    today = dt.datetime.now(ZoneInfo("Europe/London")).date()
    row = desktop.locator("tr", has_text=name)
    expect(row).to_contain_text(f"{today.day} {today:%B %Y}", timeout=TIMEOUT)
    expect(row).not_to_contain_text("Needs contact details")
    expect(row).not_to_contain_text("Over 12 months ago")
    saved = next(i for i in officer.get(f"/api/v1/councils/{PORTSMOUTH}/services").json()["items"] if i["name"] == name)
    assert saved["reviewed_on"] == today.isoformat() and saved["url"] == "https://example.org/drop-in"


def test_unknown_hours_say_check_their_website_never_closed(phone: Page, young_person, staff) -> None:
    officer = staff("council_admin", PORTSMOUTH)
    name = f"No set times {secrets.token_hex(3)}"
    officer.post(f"/api/v1/councils/{PORTSMOUTH}/services", json={
        "name": name, "description": "Times vary.", "thrive": "getting_help", "topics": ["grief"],
        "min_age": 11, "max_age": 25, "url": "https://example.org/times",
    })
    yp = young_person(council_code=PORTSMOUTH, birth_month=1, birth_year=dt.date.today().year - 15)
    sign_in(phone, yp, "/#/services?topic=grief")
    card = phone.locator(".service-card", has_text=name)
    expect(card.locator(".badge")).to_have_text("Check their website for times.", timeout=TIMEOUT)
    expect(card).not_to_contain_text("Closed now")
