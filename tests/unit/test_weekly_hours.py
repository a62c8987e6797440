"""One weekly opening-hours type for the chat and for every service (no server): the same
hours written as the chat's schedule and as a service's opening times answer the same at
every moment across both 2026 British clock changes (forward 01:00 UTC Sunday 29 March,
back 01:00 UTC Sunday 25 October), and both are checked by the same window rule."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.weekly_hours import DAYS, WeeklyHours, minutes, opening_time_problems, opens_before_closes

KOOTH = "mon-fri 12:00-22:00; sat-sun 18:00-22:00"
KOOTH_ROWS = [(["mon", "tue", "wed", "thu", "fri"], "12:00", "22:00"), (["sat", "sun"], "18:00", "22:00")]


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def every_quarter_hour(start: dt.datetime, days: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=15 * i) for i in range(days * 96)]


@pytest.mark.parametrize("week_of", [utc(2026, 3, 25), utc(2026, 10, 21)])
def test_written_either_way_the_hours_agree_across_the_clock_changes(week_of: dt.datetime) -> None:
    chat, service = WeeklyHours.parse(KOOTH), WeeklyHours.of_openings(KOOTH_ROWS)
    assert chat == service
    for moment in every_quarter_hour(week_of, 7):
        assert chat.is_open(moment) is service.is_open(moment), moment


def test_open_at_is_read_in_london_time() -> None:
    hours = WeeklyHours.of_openings(KOOTH_ROWS)
    assert not hours.is_open(utc(2026, 3, 28, 17, 30))  # Saturday 17:30 GMT
    assert hours.is_open(utc(2026, 3, 29, 17, 30))  # Sunday 18:30 BST
    assert not hours.is_open(utc(2026, 3, 29, 21, 0))  # Sunday 22:00 BST: closed on the minute
    assert hours.is_open(utc(2026, 10, 24, 20, 59))  # Saturday 21:59 BST
    assert hours.is_open(utc(2026, 10, 25, 21, 59)) and not hours.is_open(utc(2026, 10, 25, 22, 0))  # GMT again


def test_next_opening_and_window_end_move_with_the_clocks() -> None:
    hours = WeeklyHours.parse(KOOTH)
    assert hours.next_opening(utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 17, 0)  # 18:00 BST
    assert hours.window_end(utc(2026, 3, 29, 17, 0)) == utc(2026, 3, 29, 21, 0)
    assert hours.next_opening(utc(2026, 10, 24, 23, 0)) == utc(2026, 10, 25, 18, 0)  # 18:00 GMT
    assert hours.window_end(utc(2026, 10, 25, 18, 0)) == utc(2026, 10, 25, 22, 0)
    assert hours.window_end(utc(2026, 10, 25, 12, 0)) is None  # closed then
    always = WeeklyHours.parse("always")
    assert always.window_end(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 0, 0)  # midnight, the next day
    assert WeeklyHours.parse("never").next_opening(utc(2026, 3, 28)) is None


def test_a_day_range_may_wrap_round_the_week_and_days_stack() -> None:
    hours = WeeklyHours.parse("sat-mon 10:00-12:00; mon 14:00-15:00")
    assert [bool(w) for w in hours.windows] == [True, False, False, False, False, True, True]
    assert hours.windows[DAYS.index("mon")] == ((600, 720), (840, 900))


def test_one_window_rule_for_both() -> None:
    assert opens_before_closes(0, 24 * 60) and opens_before_closes(minutes("09:00"), minutes("09:01"))
    assert not opens_before_closes(600, 600) and not opens_before_closes(600, 540)
    assert not opens_before_closes(-1, 60) and not opens_before_closes(0, 24 * 60 + 1)
    with pytest.raises(ValueError, match="opening must be before closing"):
        WeeklyHours.parse("mon-fri 22:00-12:00")
    assert opening_time_problems("22:00", "12:00")[0][0] == "closes_at"
    assert "past midnight" in opening_time_problems("22:00", "12:00")[0][1]


@pytest.mark.parametrize(("opens", "closes", "field"), [
    ("9:00", "17:00", "opens_at"),   # a service writes HH:MM
    ("09:00", "25:00", "closes_at"),
    ("24:00", "24:00", "opens_at"),
    ("09:00", "09:00", "closes_at"),
    ("nine", "17:00", "opens_at"),
])
def test_a_services_opening_time_problems_name_their_field(opens: str, closes: str, field: str) -> None:
    problems = opening_time_problems(opens, closes)
    assert problems and problems[0][0] == field


def test_good_opening_times_have_no_problems() -> None:
    assert opening_time_problems("00:00", "24:00") == [] and opening_time_problems("09:30", "17:00") == []
