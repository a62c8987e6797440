"""When the counsellors' chat is open: `always`, `never`, or a weekly schedule in
Europe/London time such as ``mon-fri 12:00-22:00; sat-sun 18:00-22:00``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from backend.clock import LONDON

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class ChatHours:
    # For each weekday (Monday 0), the (open, close) minutes after local midnight.
    windows: tuple[tuple[tuple[int, int], ...], ...]

    @classmethod
    def parse(cls, spec: str) -> ChatHours:
        spec = spec.strip().lower()
        if spec == "always":
            return cls(tuple(((0, 24 * 60),) for _ in DAYS))
        if spec == "never":
            return cls(tuple(() for _ in DAYS))
        days: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            match = _PART.match(part)
            if not match:
                raise ValueError(f"cannot read chat hours {part!r}: use e.g. 'mon-fri 12:00-22:00'")
            first, last, h1, m1, h2, m2 = match.groups()
            if first not in DAYS or (last and last not in DAYS):
                raise ValueError(f"unknown day in {part!r}")
            start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
            if not 0 <= start < end <= 24 * 60:
                raise ValueError(f"opening must be before closing in {part!r}")
            i, j = DAYS.index(first), DAYS.index(last or first)
            for day in range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)]:
                days[day].append((start, end))
        return cls(tuple(tuple(sorted(d)) for d in days))

    def is_open(self, at: dt.datetime) -> bool:
        local = at.astimezone(LONDON)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.windows[local.weekday()])

    def next_opening(self, at: dt.datetime) -> dt.datetime | None:
        """When the chat next opens after ``at`` (None when it never does)."""
        local = at.astimezone(LONDON)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for start, _ in self.windows[day.weekday()]:
                opening = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=LONDON)
                if opening > local:
                    return opening.astimezone(dt.UTC)
        return None
