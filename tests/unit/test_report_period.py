"""The period a council's usage report covers (pure rule, fixed 'today')."""
from __future__ import annotations

import datetime as dt

import pytest

from backend.errors import Invalid
from backend.reports.services import report_period

TODAY = dt.date(2026, 3, 29)  # the day the clocks go forward


def test_no_dates_means_the_30_days_up_to_today() -> None:
    assert report_period(None, None, today=TODAY) == (dt.date(2026, 2, 28), TODAY)


def test_only_an_end_gives_the_30_days_up_to_it() -> None:
    assert report_period(None, dt.date(2026, 1, 31), today=TODAY) == (dt.date(2026, 1, 2), dt.date(2026, 1, 31))


def test_a_single_day_and_exactly_two_years_are_allowed() -> None:
    assert report_period(TODAY, TODAY, today=TODAY) == (TODAY, TODAY)
    start = dt.date(2024, 3, 29)
    assert report_period(start, start + dt.timedelta(days=731), today=TODAY)[1] == start + dt.timedelta(days=731)


@pytest.mark.parametrize(("start", "end", "words"), [
    (dt.date(2026, 3, 2), dt.date(2026, 3, 1), "on or before"),
    (dt.date(2024, 3, 27), dt.date(2026, 3, 29), "two years"),
])
def test_backwards_or_too_long_is_refused(start: dt.date, end: dt.date, words: str) -> None:
    with pytest.raises(Invalid) as refused:
        report_period(start, end, today=TODAY)
    assert words in refused.value.detail
