"""Issue 16: the welcome screen shows the chosen council's own age range (from GET
/api/v1/councils), not "11 to 25" for everyone, and Sign up keeps the choice."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PORTSMOUTH = ("Waymark in Portsmouth City Council is for young people aged 11 to 18, "
              "or up to 25 if you're a care leaver or have an EHCP.")


def test_the_welcome_screen_shows_the_chosen_councils_ages(phone: Page, client) -> None:
    councils = {c["code"]: c for c in client.get("/api/v1/councils").json()}
    assert (councils["E06000044"]["min_age"], councils["E06000044"]["max_age"],
            councils["E06000044"]["extended_max_age"]) == (11, 18, 25)
    phone.goto("/#/welcome")
    where = phone.get_by_label("Where do you live?")
    expect(where).to_be_enabled()
    main = phone.locator("main")
    expect(main).not_to_contain_text("11 to 25")
    expect(main).not_to_contain_text("aged 11")

    where.select_option("E06000044")
    expect(main).to_contain_text(PORTSMOUTH)
    expect(main).not_to_contain_text("11 to 25")

    # Another council with no longer range for care leavers says just its own range.
    westminster = councils["E09000033"]
    where.select_option("E09000033")
    expected = f"aged {westminster['min_age']} to {westminster['max_age']}."
    expect(main).to_contain_text(f"Waymark in {westminster['name']} is for young people {expected}")
    expect(main).not_to_contain_text("care leaver")

    where.select_option("")
    expect(main).not_to_contain_text("Waymark in ")

    # Sign up keeps the council chosen here.
    where.select_option("E06000044")
    phone.get_by_role("button", name="Sign up").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign up")
    expect(phone.get_by_label("Your council")).to_have_value("E06000044")
    expect(phone.locator("main")).to_contain_text(PORTSMOUTH)


def test_a_council_code_in_the_address_that_does_not_exist_is_ignored(phone: Page) -> None:
    phone.goto("/#/signup?council=E99999999")
    council = phone.get_by_label("Your council")
    expect(council).to_be_enabled()
    expect(council).to_have_value("")


def test_the_welcome_screen_still_fits_a_phone(phone: Page) -> None:
    phone.goto("/#/welcome")
    expect(phone.get_by_label("Where do you live?")).to_be_enabled()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
