"""Issue 3 on a phone-sized screen: Local help with a topic filter (local services before
national ones), and the library still readable offline from the service worker's cache."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, wait_for_service_worker

PORTSMOUTH = "E06000044"
TIMEOUT = 20_000


def fifteen_year_old(young_person):
    return young_person(council_code=PORTSMOUTH, birth_month=1, birth_year=dt.date.today().year - 15)


def test_local_help_filtered_by_topic_shows_local_services_first(phone: Page, young_person) -> None:
    yp = fifteen_year_old(young_person)
    sign_in(phone, yp, "/#/home")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(yp.user["username"], timeout=TIMEOUT)

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Local help").click()
    expect(phone.get_by_role("heading", level=1, name="Local help")).to_be_visible(timeout=TIMEOUT)
    # Unfiltered, Childline (no "anxiety" topic) is listed: the filter below must take it away.
    expect(phone.locator(".service-card", has_text="Childline")).to_have_count(1, timeout=TIMEOUT)

    phone.get_by_label("Topic").select_option("anxiety", timeout=TIMEOUT)
    expect(phone).to_have_url(re.compile(r"#/services\?topic=anxiety$"), timeout=TIMEOUT)
    local = phone.locator("section[aria-labelledby='local-title']")
    national = phone.locator("section[aria-labelledby='national-title']")
    kooth = local.locator(".service-card").filter(has=phone.get_by_role("heading", name="Kooth", exact=True))
    expect(kooth).to_have_count(1, timeout=TIMEOUT)
    expect(kooth.get_by_role("heading", level=3)).to_have_text("Kooth")
    expect(kooth.locator(".badge")).to_have_text(re.compile(r"(Open|Closed) now"))
    expect(kooth.locator(".badge")).to_contain_text("Open now")  # Kooth's seed schedule is every day, all day
    expect(kooth).to_contain_text("You can contact them yourself.")
    expect(kooth).to_contain_text("free, safe website")

    shout = national.locator(".service-card").filter(has=phone.get_by_role("heading", name="Shout", exact=True))
    expect(shout).to_have_count(1, timeout=TIMEOUT)
    expect(phone.locator(".service-card", has_text="Childline")).to_have_count(0)  # filtered out
    expect(local.get_by_role("heading", level=2)).to_have_text("Near you")
    expect(national.get_by_role("heading", level=2)).to_have_text("National services")
    # Local before national: the "Near you" section comes first in the page, and Kooth's card
    # is drawn above Shout's.
    assert local.evaluate("(el) => Boolean(el.compareDocumentPosition(document.querySelector("
                          "\"section[aria-labelledby='national-title']\")) & Node.DOCUMENT_POSITION_FOLLOWING)")
    assert kooth.bounding_box()["y"] < shout.bounding_box()["y"]
    names = phone.locator(".service-card .service-name").all_inner_texts()
    assert names.index("Kooth") < names.index("Shout")
    # the cards fit the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_opened_article_and_the_library_still_work_offline(phone: Page, young_person) -> None:
    yp = fifteen_year_old(young_person)
    articles = yp.get("/api/v1/articles").json()["items"]
    slugs = [a["slug"] for a in articles]
    assert "exam-stress" in slugs and len(slugs) > 11
    # The worker saves the first 10 articles by itself; the last one is never saved here.
    never_opened = next(a for a in reversed(articles) if a["slug"] != "exam-stress")
    assert slugs.index(never_opened["slug"]) >= 10

    sign_in(phone, yp, "/#/library?topic=exams-and-stress")
    expect(phone.get_by_role("heading", level=1, name="Exams and stress")).to_be_visible(timeout=TIMEOUT)
    wait_for_service_worker(phone)
    expect(phone.get_by_role("link", name="Feeling stressed about exams")).to_be_visible(timeout=TIMEOUT)
    phone.get_by_role("link", name="Feeling stressed about exams").click()
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text("Feeling stressed about exams", timeout=TIMEOUT)
    expect(phone.locator(".prose")).to_contain_text("Exams can feel huge.", timeout=TIMEOUT)

    phone.context.set_offline(True)
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline", timeout=TIMEOUT)
    # Open the app again with no connection at all: the shell, the signed-in person and the
    # article all come from this phone.
    phone.reload()
    expect(heading).to_have_text("Feeling stressed about exams", timeout=TIMEOUT)
    expect(phone.locator(".prose")).to_contain_text("Exams can feel huge.", timeout=TIMEOUT)
    expect(phone.locator(".prose").get_by_role("heading", name="Why exams feel so stressful")).to_be_visible()
    expect(phone.get_by_role("button", name="Quick exit")).to_be_visible()
    expect(phone.locator("#offline-banner")).to_contain_text("You're offline")

    # The library (topics first) and its list of every article too.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(phone.get_by_role("heading", level=1, name="Library")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("link", name="Exams and stress")).to_be_visible(timeout=TIMEOUT)
    phone.get_by_role("link", name="See every article").click()
    expect(phone.get_by_role("heading", level=1, name="Every article")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("link", name="Feeling stressed about exams")).to_be_visible(timeout=TIMEOUT)
    expect(phone.get_by_role("link", name=never_opened["title"], exact=True)).to_be_visible()
    expect(phone.get_by_text("this list isn't saved on your phone")).to_have_count(0)

    # An article never opened: a kind message and the helplines, not a blank page.
    phone.get_by_role("link", name=never_opened["title"], exact=True).click()
    expect(heading).to_have_text("This article didn't load", timeout=TIMEOUT)
    expect(phone.get_by_text("You're offline, and this article isn't saved on your phone yet.")).to_be_visible()
    expect(phone.get_by_role("button", name="Try again")).to_be_visible()
    expect(phone.get_by_text("Childline 0800 1111")).to_be_visible()

    # Back online, the same article loads.
    phone.context.set_offline(False)
    phone.get_by_role("button", name="Try again").click()
    expect(heading).to_have_text(never_opened["title"], timeout=TIMEOUT)
