"""Issue 16: the goal chart's time axis ends at today in Europe/London, never tomorrow.

The browser's clock is fixed with Playwright's clock API (the server keeps real time; the
ratings are stored with past times, which it accepts)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

TIMEOUT = 20_000


def axis_labels(phone: Page) -> list[str]:
    """The x-axis labels of the one goal chart (the y-axis labels are digits)."""
    chart = phone.locator(".goal-card svg.chart")
    expect(chart).to_be_visible(timeout=TIMEOUT)
    texts = chart.locator("text.chart-label").all_text_contents()
    return [t for t in texts if not t.isdigit()]


def rated_goal(yp, *moments: str) -> None:
    goal = yp.post("/api/v1/goals", json={"title": "Sleep before 11"}).json()
    for i, when in enumerate(moments):
        r = yp.post(f"/api/v1/goals/{goal['id']}/ratings", json={"score": 3 + i, "rated_at": when})
        assert r.status_code == 201, r.text


def test_the_axis_ends_today_on_the_first_of_december(phone: Page, young_person) -> None:
    yp = young_person()
    rated_goal(yp, "2026-11-20T10:00:00Z", "2026-12-01T09:00:00Z")
    phone.clock.set_fixed_time("2026-12-01T15:00:00Z")
    sign_in(phone, yp, "/#/journal/goals")
    labels = axis_labels(phone)
    assert labels == ["20 November", "Today"], labels
    assert not phone.locator(".goal-card").get_by_text("2 December").count()


def test_one_rating_today_gives_one_label_not_tomorrow(phone: Page, young_person) -> None:
    yp = young_person()
    rated_goal(yp, "2026-12-01T09:00:00Z")
    phone.clock.set_fixed_time("2026-12-01T09:05:00Z")
    sign_in(phone, yp, "/#/journal/goals")
    assert axis_labels(phone) == ["Today"]
    # The end of the axis is inside the picture (anchored at its end, not past it).
    anchor = phone.locator(".goal-card svg.chart text.chart-label", has_text="Today").get_attribute("text-anchor")
    assert anchor == "end"


def test_just_after_midnight_in_british_summer_time(phone: Page, young_person) -> None:
    """00:20 on 16 July in London is still 15 July in UTC: the axis ends on London's today,
    and a rating made at 00:10 London time counts as today (16 July)."""
    yp = young_person()
    rated_goal(yp, "2026-07-10T11:00:00Z", "2026-07-15T23:10:00Z")
    phone.clock.set_fixed_time("2026-07-15T23:20:00Z")
    sign_in(phone, yp, "/#/journal/goals")
    assert axis_labels(phone) == ["10 July", "Today"]
    card = phone.locator(".goal-card")
    expect(card).to_contain_text("16 July 2026")  # "Latest rating: 4 out of 10, 16 July 2026."
    table = card.locator("table")
    expect(table).to_contain_text("16 July 2026, 00:10")
    assert "17 July" not in card.inner_text() and "17 July" not in table.inner_text()


def test_a_day_after_the_last_rating_the_axis_runs_to_today(phone: Page, young_person) -> None:
    yp = young_person()
    rated_goal(yp, "2026-07-15T22:30:00Z")  # 23:30 on 15 July, London
    phone.clock.set_fixed_time("2026-07-16T08:00:00Z")
    sign_in(phone, yp, "/#/journal/goals")
    assert axis_labels(phone) == ["15 July", "Today"]
