"""The one clock: the time now (UTC), the date in London, and a young person's age today.

Every rule that depends on the time reads it here (or takes it as an argument), so a test
can set the clock with ``use_clock`` instead of waiting for a summer-time change or a
birthday. Dates a person sees (their age, "today", opening hours) are read in
Europe/London time; the zone database decides the British clock changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_now: Callable[[], dt.datetime] = _system_now


def utcnow() -> dt.datetime:
    """The time now, aware, in UTC (the injected clock in tests)."""
    return _now().astimezone(dt.UTC)


def london_now(at: dt.datetime | None = None) -> dt.datetime:
    """``at`` (default: now) in Europe/London time."""
    return (at or utcnow()).astimezone(LONDON)


def london_today(at: dt.datetime | None = None) -> dt.date:
    """The date in London at ``at`` (default: now)."""
    return london_now(at).date()


def age_today(birth_year: int | None, birth_month: int | None, at: dt.datetime | None = None) -> int | None:
    """This young person's age in whole years on the London date at ``at`` (default: now),
    counting a birthday as reached at the start of its month (we keep only the month and
    year of birth). None when the birth month or year is not known (staff)."""
    if birth_year is None or birth_month is None:
        return None
    today = london_today(at)
    return today.year - birth_year - (1 if today.month < birth_month else 0)


@contextmanager
def use_clock(now: dt.datetime | Callable[[], dt.datetime]) -> Iterator[None]:
    """For tests: the clock reads ``now`` (a fixed aware time, or a function) until the
    block ends."""
    global _now
    if isinstance(now, dt.datetime):
        if now.tzinfo is None:
            raise ValueError("use an aware time (tzinfo=dt.UTC)")
        fixed = now
        now = lambda: fixed  # noqa: E731
    previous, _now = _now, now
    try:
        yield
    finally:
        _now = previous
