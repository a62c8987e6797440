"""When the chat is open, all told: the weekly hours (WAYMARK_CHAT_HOURS, or the admin's
schedule kept in PostgreSQL, which replaces it) and closures for holidays and training days.

The rules are pure functions of an injected clock (``at``), so they are tested across the
British summer-time changes without waiting for one; ``load_opening`` reads the database
on every call, so every worker follows an admin's change at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.chat.models import ChatClosure, ChatSchedule
from backend.settings import get_settings
from backend.weekly_hours import WeeklyHours

MAX_STEPS = 64  # hops through closures and weekly windows when looking ahead
CLOSED_MESSAGE = "Our counsellors aren't online right now. These lines are open now, any time."
CLOSING_MESSAGE = ("The counsellors' chat has closed for now, and we may not get to you before then. "
                   "We're sorry you waited. You can leave a message for the team and they'll write back, "
                   "and if you need to talk now, these lines are free and open any time.")


@dataclass(frozen=True)
class Closure:
    id: uuid.UUID | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    message: str


@dataclass(frozen=True)
class Opening:
    hours: WeeklyHours
    weekly: str
    closures: tuple[Closure, ...] = ()
    from_admin: bool = False


@lru_cache(maxsize=64)
def parse_weekly(spec: str) -> WeeklyHours:
    """WeeklyHours.parse, remembered (raises ValueError with a readable reason)."""
    return WeeklyHours.parse(spec)


def closure_at(closures: tuple[Closure, ...], at: dt.datetime) -> Closure | None:
    """The closure in force at ``at`` (the one ending last when several overlap)."""
    current = [c for c in closures if c.starts_at <= at < c.ends_at]
    return max(current, key=lambda c: c.ends_at) if current else None


def is_open(opening: Opening, at: dt.datetime) -> bool:
    return opening.hours.is_open(at) and closure_at(opening.closures, at) is None


def next_opening(opening: Opening, at: dt.datetime) -> dt.datetime | None:
    """The first moment at or after ``at`` when the hours are open and no closure holds."""
    moment = at
    for _ in range(MAX_STEPS):
        closure = closure_at(opening.closures, moment)
        if closure is not None:
            moment = closure.ends_at
            continue
        if opening.hours.is_open(moment):
            return moment
        following = opening.hours.next_opening(moment)
        if following is None:
            return None
        moment = following
    return None


def next_closing(opening: Opening, at: dt.datetime) -> dt.datetime | None:
    """When the open chat next closes, by the clock or by a closure (None when closed now,
    or when it stays open for the week ahead, as with ``always``)."""
    if not is_open(opening, at):
        return None
    moment, horizon = at, at + dt.timedelta(days=8)
    for _ in range(MAX_STEPS):
        end = opening.hours.window_end(moment)
        if end is None or closure_at(opening.closures, moment) is not None:
            return moment
        starts = [c.starts_at for c in opening.closures if moment < c.starts_at < end]
        if starts:
            return min(starts)
        if end > horizon:
            return None
        moment = end  # a window running to midnight may go on in the next day's
    return None


def closed_answer(opening: Opening, at: dt.datetime) -> dict[str, Any] | None:
    """What GET /api/v1/chat/status says when the chat is closed at ``at`` (crisis lines
    are added by the caller); None when it is open."""
    closure = closure_at(opening.closures, at)
    if closure is None and opening.hours.is_open(at):
        return None
    opens = next_opening(opening, at)
    answer: dict[str, Any] = {"open": False, "opens_at": opens.isoformat() if opens else None,
                              "message": closure.message if closure else CLOSED_MESSAGE}
    if closure is not None:
        answer["closure"] = {"starts_at": closure.starts_at.isoformat(), "ends_at": closure.ends_at.isoformat(),
                             "message": closure.message}
    return answer


def closing_notice(opening: Opening, at: dt.datetime) -> dict[str, Any] | None:
    """The kind words for people still waiting once the chat has closed (a closure's own
    message first); None while it is open. Nobody is taken out of the queue by the clock,
    and no chat is ended by it."""
    closed = closed_answer(opening, at)
    if closed is None:
        return None
    message = CLOSING_MESSAGE if "closure" not in closed else f"{closed['message']} {CLOSING_MESSAGE}"
    return {"closing": True, "message": message, "opens_at": closed["opens_at"], "can_message_team": True}


# --- reading it from the database -----------------------------------------------------------


def default_weekly() -> str:
    return get_settings().chat_hours


async def load_opening(db: AsyncSession, at: dt.datetime, default_weekly_spec: str | None = None) -> Opening:
    """The admin's schedule (or the environment's) and the closures not yet over at ``at``."""
    weekly = (await db.execute(select(ChatSchedule.weekly).where(ChatSchedule.id == 1))).scalar_one_or_none()
    spec = weekly if weekly is not None else (default_weekly_spec or default_weekly())
    rows = (await db.execute(select(ChatClosure).where(ChatClosure.ends_at > at)
                             .order_by(ChatClosure.starts_at).limit(200))).scalars().all()
    closures = tuple(Closure(r.id, r.starts_at, r.ends_at, r.message) for r in rows)
    return Opening(hours=parse_weekly(spec), weekly=spec, closures=closures, from_admin=weekly is not None)


async def closed_status(db: AsyncSession, at: dt.datetime) -> dict[str, Any] | None:
    return closed_answer(await load_opening(db, at), at)


async def chat_is_open(db: AsyncSession, at: dt.datetime) -> bool:
    return is_open(await load_opening(db, at), at)


async def closing_notice_now(db: AsyncSession, at: dt.datetime) -> dict[str, Any] | None:
    return closing_notice(await load_opening(db, at), at)
