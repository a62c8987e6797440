"""Recording anonymous usage events (no user id, date and hour only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import LONDON, age_today, london_now
from backend.errors import Invalid
from backend.reports.models import UsageEvent

AGE_BANDS = ((11, 13), (14, 15), (16, 17), (18, 21), (22, 25))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
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
    local = london_now(at)
    db.add(
        UsageEvent(
            kind=kind,
            council_code=council_code,
            age_band=age_band(age_today(birth_year, birth_month, local)),
            local_date=local.date(),
            local_hour=local.hour,
            local_weekday=local.weekday(),
            topic=topic,
        )
    )


# --- commissioning figures ------------------------------------------------------------------

SUPPRESS_BELOW = 5
OFFICE_HOURS = range(9, 17)  # 09:00-16:59, Monday to Friday, Europe/London


def suppress(count: int) -> int | str:
    """Any count under 5 is shown as "<5" so no young person can be singled out."""
    return "<5" if count < SUPPRESS_BELOW else count


DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 731  # two years, a leap day included


def report_period(start: dt.date | None, end: dt.date | None, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a usage report covers: up to ``end`` (today in London when not given), from
    ``start`` (the 30 days up to ``end`` when not given); refused when it runs backwards or
    is longer than two years."""
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise Invalid("'from' must be on or before 'to'.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise Invalid("Please choose a period of two years or less.")
    return start, end


async def usage_figures(db: AsyncSession, council_code: str, start: dt.date, end: dt.date) -> dict:
    """The anonymous figures for one council between two local dates (inclusive)."""
    from sqlalchemy import and_, func, select, text

    in_range = and_(UsageEvent.council_code == council_code, UsageEvent.local_date >= start, UsageEvent.local_date <= end)
    rows = (await db.execute(select(UsageEvent.kind, func.count()).where(in_range).group_by(UsageEvent.kind))).all()
    counts = dict(rows)
    logins = counts.get("login", 0)
    out_of_hours = (await db.execute(select(func.count()).where(
        in_range, UsageEvent.kind == "login",
        ~and_(UsageEvent.local_weekday < 5, UsageEvent.local_hour >= OFFICE_HOURS.start,
              UsageEvent.local_hour < OFFICE_HOURS.stop)))).scalar_one()
    start_utc = dt.datetime.combine(start, dt.time(), LONDON)
    end_utc = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON)
    active = (await db.execute(text(  # by table name, as below: reports never imports accounts
        "SELECT count(*) FROM user_account WHERE council_code = :council AND role = 'young_person' "
        "AND last_login_at >= :start AND last_login_at < :end"),
        {"council": council_code, "start": start_utc, "end": end_utc})).scalar_one()
    waits = (await db.execute(text(  # by table name: reports never imports the domains it counts
        "SELECT count(*), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.taken_at - r.created_at)), "
        "percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.taken_at - r.created_at)) "
        "FROM chat_request r WHERE r.council_code = :council AND r.taken_at IS NOT NULL "
        "AND r.created_at >= :start AND r.created_at < :end"),
        {"council": council_code, "start": start_utc, "end": end_utc})).one()
    started, median_wait, p90_wait = waits
    posts = {"submitted": 0, "published": 0, "median_review_seconds": None}
    has_posts = (await db.execute(text("SELECT to_regclass('public.forum_post') IS NOT NULL"))).scalar_one()
    if has_posts:
        row = (await db.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE p.status = 'published'), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.decided_at - p.created_at)) "
            "FILTER (WHERE p.decided_at IS NOT NULL) "
            "FROM forum_post p WHERE p.council_code = :council AND p.created_at >= :start AND p.created_at < :end"),
            {"council": council_code, "start": start_utc, "end": end_utc})).one()
        posts = {"submitted": row[0], "published": row[1], "median_review_seconds": row[2]}
    threads, median_first_reply, within_target = await _thread_figures(db, council_code, start_utc, end_utc)
    topics = (await db.execute(select(UsageEvent.topic, func.count()).where(in_range, UsageEvent.topic.is_not(None))
                               .group_by(UsageEvent.topic).order_by(func.count().desc(), UsageEvent.topic))).all()
    return {
        "council_code": council_code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "registrations": suppress(counts.get("signup", 0)),
        "active_users": suppress(active),
        "logins": suppress(logins),
        "logins_out_of_hours_pct": round(100 * out_of_hours / logins, 1) if logins >= SUPPRESS_BELOW else None,
        "chats": {
            "requested": suppress(counts.get("chat_requested", 0)),
            "started": suppress(started),
            "median_wait_seconds": round(median_wait) if started >= SUPPRESS_BELOW and median_wait is not None else None,
            "p90_wait_seconds": round(p90_wait) if started >= SUPPRESS_BELOW and p90_wait is not None else None,
        },
        "posts": {
            "submitted": suppress(posts["submitted"]),
            "published": suppress(posts["published"]),
            "median_review_seconds": (round(posts["median_review_seconds"])
                                      if posts["submitted"] >= SUPPRESS_BELOW and posts["median_review_seconds"] is not None
                                      else None),
        },
        "messages": {
            "threads": suppress(threads),
            "median_first_reply_seconds": (round(median_first_reply)
                                           if threads >= SUPPRESS_BELOW and median_first_reply is not None else None),
            "answered_within_target_pct": (round(100 * within_target / threads, 1)
                                           if threads >= SUPPRESS_BELOW else None),
            "answered_within_target": suppress(within_target),
        },
        # acting on accounts (backend/restrictions records these events)
        "restrictions": {
            "total": suppress(sum(counts.get(f"restriction_{k}", 0) for k in ("warn", "hold_all", "suspend"))),
            **{k: suppress(counts.get(f"restriction_{k}", 0)) for k in ("warn", "hold_all", "suspend")},
        },
        "appeals": {"made": suppress(counts.get("appeal_made", 0)), "upheld": suppress(counts.get("appeal_upheld", 0)),
                    "lifted": suppress(counts.get("appeal_lifted", 0))},
        "topics": [{"slug": slug, "count": suppress(n)} for slug, n in topics],
        "signposting_clicks": suppress(counts.get("signpost_click", 0)),
        "suppressed_below": SUPPRESS_BELOW,
    }


async def _thread_figures(db: AsyncSession, council_code: str, start: dt.datetime, end: dt.datetime
                          ) -> tuple[int, float | None, int]:
    """Messages to the team: threads started, the median seconds to the first reply, and how
    many had their first reply within the reply target (read by table name: reports never
    imports the domains it counts)."""
    from sqlalchemy import text

    from backend.settings import get_settings

    row = (await db.execute(text(
        "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_reply_at - t.created_at)) "
        "FILTER (WHERE t.first_reply_at IS NOT NULL), "
        "count(*) FILTER (WHERE t.first_reply_at <= t.created_at + make_interval(hours => :hours)) "
        "FROM message_thread t WHERE t.council_code = :council AND t.created_at >= :start AND t.created_at < :end"),
        {"council": council_code, "start": start, "end": end, "hours": get_settings().messages_reply_hours})).one()
    return int(row[0]), row[1], int(row[2])


def figures_as_csv(figures: dict) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["council_code", "from", "to", "metric", "value"])
    head = (figures["council_code"], figures["from"], figures["to"])
    for key in ("registrations", "active_users", "logins", "logins_out_of_hours_pct", "signposting_clicks"):
        writer.writerow([*head, key, "" if figures[key] is None else figures[key]])
    for group in ("chats", "posts", "messages", "restrictions", "appeals"):
        for key, value in figures[group].items():
            writer.writerow([*head, f"{group}.{key}", "" if value is None else value])
    for topic in figures["topics"]:
        writer.writerow([*head, f"topic.{topic['slug']}", topic["count"]])
    return buffer.getvalue()
