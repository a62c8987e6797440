"""The chat's opening rules with an injected clock: weekly hours in Europe/London time,
closures, and the kind notice at closing time, across the British summer-time changes
(2026: clocks go forward on Sunday 29 March at 01:00 UTC, back on Sunday 25 October)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from backend.chat.opening import (
    Closure,
    Opening,
    closed_answer,
    closing_notice,
    is_open,
    next_closing,
    next_opening,
    parse_weekly,
)

KOOTH = "mon-fri 12:00-22:00; sat-sun 18:00-22:00"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def opening(spec: str = KOOTH, *closures: Closure) -> Opening:
    return Opening(hours=parse_weekly(spec), weekly=spec, closures=tuple(closures))


def closure(start: dt.datetime, end: dt.datetime, message: str = "Closed for training today.") -> Closure:
    return Closure(uuid.uuid4(), start, end, message)


def test_winter_hours_are_utc_and_summer_hours_an_hour_earlier() -> None:
    o = opening()
    assert is_open(o, utc(2026, 1, 14, 12, 0)) and not is_open(o, utc(2026, 1, 14, 11, 59))
    assert is_open(o, utc(2026, 7, 15, 11, 0)) and not is_open(o, utc(2026, 7, 15, 21, 0))  # BST: 22:00 local


def test_next_opening_across_the_spring_change() -> None:
    # Saturday 28 March 2026 23:00 UTC (GMT): closed; Sunday opens 18:00 BST = 17:00 UTC
    assert next_opening(opening(), utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 17, 0)
    # and it closes at 22:00 BST = 21:00 UTC that evening
    assert next_closing(opening(), utc(2026, 3, 29, 17, 30)) == utc(2026, 3, 29, 21, 0)


def test_next_opening_across_the_autumn_change() -> None:
    # Saturday 24 October 2026 22:30 UTC (23:30 BST): closed; Sunday 18:00 GMT = 18:00 UTC
    assert next_opening(opening(), utc(2026, 10, 24, 22, 30)) == utc(2026, 10, 25, 18, 0)
    assert next_closing(opening(), utc(2026, 10, 25, 18, 0)) == utc(2026, 10, 25, 22, 0)
    # the Saturday before, still in BST, closed at 21:00 UTC
    assert next_closing(opening(), utc(2026, 10, 24, 20, 0)) == utc(2026, 10, 24, 21, 0)


def test_a_window_across_the_night_of_the_spring_change() -> None:
    # open through the small hours of the change: 00:00-03:00 local has only two real hours
    o = opening("sun 00:00-03:00")
    assert is_open(o, utc(2026, 3, 29, 0, 30)) and is_open(o, utc(2026, 3, 29, 1, 30))
    assert next_closing(o, utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 2, 0)  # 03:00 BST


def test_a_closure_closes_the_chat_with_its_message_and_the_next_opening() -> None:
    bank_holiday = closure(utc(2026, 12, 25, 0, 0), utc(2026, 12, 27, 0, 0), "Closed for Christmas.")
    o = opening(KOOTH, bank_holiday)
    at = utc(2026, 12, 25, 13, 0)  # a Friday afternoon: the weekly hours say open
    assert not is_open(o, at)
    answer = closed_answer(o, at)
    assert answer["open"] is False and answer["message"] == "Closed for Christmas."
    assert answer["opens_at"] == utc(2026, 12, 27, 18, 0).isoformat()  # Sunday 18:00 GMT
    assert answer["closure"]["ends_at"] == bank_holiday.ends_at.isoformat()


def test_a_closure_ending_mid_window_opens_at_its_end() -> None:
    training = closure(utc(2026, 6, 10, 11, 0), utc(2026, 6, 10, 14, 0))  # Wednesday, BST: 12:00-15:00 local
    o = opening(KOOTH, training)
    assert next_opening(o, utc(2026, 6, 10, 11, 30)) == utc(2026, 6, 10, 14, 0)
    assert next_closing(o, utc(2026, 6, 10, 10, 0)) is None  # closed then (before 12:00 BST = 11:00 UTC)
    assert next_closing(o, utc(2026, 6, 10, 11, 0) - dt.timedelta(minutes=1)) is None
    assert next_closing(opening(KOOTH, training), utc(2026, 6, 10, 14, 30)) == utc(2026, 6, 10, 21, 0)


def test_a_closure_starting_inside_a_window_is_the_next_closing() -> None:
    training = closure(utc(2026, 6, 10, 15, 0), utc(2026, 6, 10, 16, 0))
    assert next_closing(opening(KOOTH, training), utc(2026, 6, 10, 12, 0)) == utc(2026, 6, 10, 15, 0)


def test_overlapping_closures_and_always() -> None:
    a = closure(utc(2026, 1, 1, 0, 0), utc(2026, 1, 2, 0, 0), "first")
    b = closure(utc(2026, 1, 1, 12, 0), utc(2026, 1, 3, 0, 0), "second")
    o = opening("always", a, b)
    assert closed_answer(o, utc(2026, 1, 1, 13, 0))["message"] == "second"
    assert next_opening(o, utc(2026, 1, 1, 1, 0)) == utc(2026, 1, 3, 0, 0)
    assert next_closing(opening("always"), utc(2026, 1, 1, 1, 0)) is None
    assert next_closing(o, utc(2025, 12, 31, 10, 0)) == utc(2026, 1, 1, 0, 0)


def test_never_has_no_next_opening() -> None:
    answer = closed_answer(opening("never"), utc(2026, 5, 1, 12, 0))
    assert answer["open"] is False and answer["opens_at"] is None


def test_closing_time_tells_waiting_people_kindly() -> None:
    o = opening()
    assert closing_notice(o, utc(2026, 3, 27, 21, 59)) is None  # Friday, GMT: still open
    notice = closing_notice(o, utc(2026, 3, 27, 22, 0))
    assert notice["closing"] is True and notice["can_message_team"] is True
    assert "message for the team" in notice["message"] and notice["opens_at"] == utc(2026, 3, 28, 18, 0).isoformat()
    holiday = closure(utc(2026, 3, 27, 15, 0), utc(2026, 3, 28, 0, 0), "We're closed for a staff day.")
    assert closing_notice(opening(KOOTH, holiday), utc(2026, 3, 27, 15, 0))["message"].startswith(
        "We're closed for a staff day.")


@pytest.mark.parametrize("spec", ["mon-fri 22:00-12:00", "funday 10:00-12:00", "mon-fri", "mon 25:00-26:00", "mon-fri 9-5"])
def test_unreadable_weekly_hours_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_weekly(spec)
