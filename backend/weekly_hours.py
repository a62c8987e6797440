"""Weekly opening hours: one type for the counsellors' chat and for every local service.

``WeeklyHours`` holds, for each weekday (Monday first), the windows it is open, as minutes
after local midnight (``24:00`` is 1440, the end of the day). It is made from

- a written schedule (``WeeklyHours.parse``): ``always``, ``never``, or parts such as
  ``mon-fri 12:00-22:00; sat-sun 18:00-22:00`` (the chat: ``WAYMARK_CHAT_HOURS`` or the
  admin's schedule), or
- opening times (``WeeklyHours.of_openings``): a service's ``(days, "HH:MM", "HH:MM")``
  rows (HSDS weekly schedules).

Both check a window with the same rule (``opens_before_closes``), and both answer "open at"
the same way (``is_open``): read in Europe/London time, so the British summer-time changes
are the zone database's business. Pure: the moment is always passed in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from backend.clock import LONDON

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
END_OF_DAY = 24 * 60
TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")  # HH:MM, 00:00 to 24:00
_PART = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Window = tuple[int, int]


def minutes(hhmm: str) -> int:
    """``"HH:MM"`` as minutes after midnight."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def opens_before_closes(opens: int, closes: int) -> bool:
    """The one rule for a window: it opens at or after 00:00, before it closes, and closes
    by 24:00 (hours past midnight are a second window on the next day)."""
    return 0 <= opens < closes <= END_OF_DAY


def opening_time_problems(opens_at: str, closes_at: str) -> list[tuple[str, str]]:
    """(field, problem) for one opening time written as HH:MM (a service's schedule row)."""
    out = []
    for field, label, value in (("opens_at", "opening", opens_at), ("closes_at", "closing", closes_at)):
        if not TIME.match(value):
            out.append((field, f"the {label} time {value!r} must be HH:MM, from 00:00 to 24:00."))
    if out:
        return out
    if opens_at == "24:00":
        return [("opens_at", "a service cannot open at 24:00.")]
    if not opens_before_closes(minutes(opens_at), minutes(closes_at)):
        return [
            (
                "closes_at",
                f"it must open before it closes ({opens_at} to {closes_at}). "
                "For hours past midnight, add a second opening time for the next day.",
            )
        ]
    return []


@dataclass(frozen=True)
class WeeklyHours:
    # For each weekday (Monday 0), the (open, close) minutes after local midnight.
    windows: tuple[tuple[Window, ...], ...]

    @classmethod
    def parse(cls, spec: str) -> WeeklyHours:
        """A written schedule; ValueError with a readable reason when it cannot be read."""
        spec = spec.strip().lower()
        if spec == "always":
            return cls(tuple(((0, END_OF_DAY),) for _ in DAYS))
        if spec == "never":
            return cls(tuple(() for _ in DAYS))
        days: list[list[Window]] = [[] for _ in DAYS]
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            match = _PART.match(part)
            if not match:
                raise ValueError(f"cannot read chat hours {part!r}: use e.g. 'mon-fri 12:00-22:00'")
            first, last, h1, m1, h2, m2 = match.groups()
            if first not in DAYS or (last and last not in DAYS):
                raise ValueError(f"unknown day in {part!r}")
            start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
            if not opens_before_closes(start, end):
                raise ValueError(f"opening must be before closing in {part!r}")
            i, j = DAYS.index(first), DAYS.index(last or first)
            for day in range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)]:
                days[day].append((start, end))
        return cls(tuple(tuple(sorted(d)) for d in days))

    @classmethod
    def of_openings(cls, openings: Iterable[tuple[Iterable[str], str, str]]) -> WeeklyHours:
        """Opening times already checked (``opening_time_problems``): (days, opens, closes)."""
        days: list[list[Window]] = [[] for _ in DAYS]
        for on, opens_at, closes_at in openings:
            for day in on:
                days[DAYS.index(day)].append((minutes(opens_at), minutes(closes_at)))
        return cls(tuple(tuple(sorted(d)) for d in days))

    def is_open(self, at: dt.datetime) -> bool:
        """Open at ``at`` (an aware time, read in Europe/London)."""
        local = at.astimezone(LONDON)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.windows[local.weekday()])

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """When it next opens after ``at`` (None when it never does)."""
        local = at.astimezone(LONDON)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for start, _ in self.windows[day.weekday()]:
                opening = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=LONDON)
                if opening > local:
                    return opening.astimezone(dt.UTC)
        return None

    def window_end(self, at: dt.datetime) -> dt.datetime | None:
        """The end of the window open at ``at`` (None when closed then)."""
        local = at.astimezone(LONDON)
        minute = local.hour * 60 + local.minute
        for start, end in self.windows[local.weekday()]:
            if start <= minute < end:
                day = local.date() + dt.timedelta(days=end // END_OF_DAY)
                end_minute = end % END_OF_DAY
                return dt.datetime.combine(day, dt.time(end_minute // 60, end_minute % 60),
                                           tzinfo=LONDON).astimezone(dt.UTC)
        return None
