"""What the commissioning report sends: anonymous counts for one council.

Every count under 5 is the text "<5" (backend/reports/services.suppress), so no young person
can be singled out; a median or share is null where too few events stand behind it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from backend.schema_rules import Out

Count = int | Literal["<5"]  # a whole number, or "<5" under SUPPRESS_BELOW


class ChatFigures(Out):
    requested: Count
    started: Count
    median_wait_seconds: int | None
    p90_wait_seconds: int | None


class PostFigures(Out):
    submitted: Count
    published: Count
    median_review_seconds: int | None


class MessageFigures(Out):
    threads: Count
    median_first_reply_seconds: int | None
    answered_within_target_pct: float | None
    answered_within_target: Count


class RestrictionFigures(Out):
    total: Count
    warn: Count
    hold_all: Count
    suspend: Count


class AppealFigures(Out):
    made: Count
    upheld: Count
    lifted: Count


class TopicFigure(Out):
    slug: str
    count: Count


class UsageFigures(Out):
    council_code: str
    from_: dt.date = msgspec.field(name="from")  # the first and last local day counted
    to: dt.date
    registrations: Count
    active_users: Count
    logins: Count
    logins_out_of_hours_pct: float | None
    chats: ChatFigures
    posts: PostFigures
    messages: MessageFigures
    restrictions: RestrictionFigures
    appeals: AppealFigures
    topics: list[TopicFigure]
    signposting_clicks: Count
    suppressed_below: int
