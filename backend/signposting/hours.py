"""Opening hours: whether a service is open at a moment, read in Europe/London time (so the
British summer-time changes are the zone database's business, not ours). Pure rules: the
moment is always passed in."""

from __future__ import annotations

import datetime as dt

from backend.reports.services import LONDON
from backend.signposting.models import WEEKDAYS, DirectoryService
from backend.signposting.validation import minutes


def london_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(LONDON)


def is_open(row: DirectoryService, now: dt.datetime) -> bool:
    """Open at ``now`` (an aware time, read in Europe/London)."""
    if not row.schedules:
        # 999 has no hours given; an emergency number is never shown as closed.
        return row.council_code is None and row.crisis_line and bool(row.phone or row.sms)
    local = now.astimezone(LONDON)
    day = WEEKDAYS[local.weekday()]
    minute = local.hour * 60 + local.minute
    return any(day in s.days and minutes(s.opens_at) <= minute < minutes(s.closes_at) for s in row.schedules)
