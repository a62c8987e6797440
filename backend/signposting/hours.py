"""Opening hours of a service: whether it is open at a moment, by the weekly hours every
opening time in Waymark shares (``backend.weekly_hours``: read in Europe/London time, so the
British summer-time changes are the zone database's business, not ours). Pure rules: the
moment is always passed in.

``open_state`` is ``True`` (open now), ``False`` (closed now) or ``None`` (we don't know its
hours): an unknown time is never shown as "Closed now" but as "check their website for
times". A line open 00:00 to 24:00 every day (Childline, Shout, Samaritans, NHS 111, 999)
is open at every moment, whatever the clocks do.
"""

from __future__ import annotations

import datetime as dt

from backend.signposting.models import DirectoryService
from backend.weekly_hours import WeeklyHours

UNKNOWN_HOURS_WITH_SITE = "Check their website for times."
UNKNOWN_HOURS = "Contact them to check their times."


def open_state(row: DirectoryService, now: dt.datetime) -> bool | None:
    """Open at ``now`` (an aware time, read in Europe/London), or None when the hours are unknown."""
    if not row.schedules:
        return None
    return weekly_hours(row).is_open(now)


def weekly_hours(row: DirectoryService) -> WeeklyHours:
    return WeeklyHours.of_openings((s.days, s.opens_at, s.closes_at) for s in row.schedules)


def hours_note(row: DirectoryService, state: bool | None) -> str | None:
    """What to say when the hours are unknown (None when they are known)."""
    if state is not None:
        return None
    return UNKNOWN_HOURS_WITH_SITE if row.url else UNKNOWN_HOURS
