"""Recording anonymous usage events (no user id, date and hour only)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.reports.models import UsageEvent

LONDON = ZoneInfo("Europe/London")
AGE_BANDS = ((11, 13), (14, 15), (16, 17), (18, 21), (22, 25))


def age_on(birth_year: int, birth_month: int, today: dt.date) -> int:
    """Age in whole years, counting a birthday as reached at the start of its month."""
    return today.year - birth_year - (1 if today.month < birth_month else 0)


def age_band(birth_year: int | None, birth_month: int | None, today: dt.date) -> str | None:
    if birth_year is None or birth_month is None:
        return None
    age = age_on(birth_year, birth_month, today)
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "other"


def record_usage_event(
    db: AsyncSession,
    kind: str,
    *,
    council_code: str | None,
    birth_year: int | None = None,
    birth_month: int | None = None,
    topic: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add an anonymous event to the caller's transaction."""
    local = (at or dt.datetime.now(dt.UTC)).astimezone(LONDON)
    db.add(
        UsageEvent(
            kind=kind,
            council_code=council_code,
            age_band=age_band(birth_year, birth_month, local.date()),
            local_date=local.date(),
            local_hour=local.hour,
            local_weekday=local.weekday(),
            topic=topic,
        )
    )
