"""Acting on an account: what comes in. Every string has a length limit (oversize is a 400)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.review.reasons import ACCOUNT_REASONS_BY_CODE
from backend.schema_rules import NOT_BLANK, Out

NOTE_MAX = 2000
APPEAL_MAX = 2000

FIELD_HELP = {
    "kind": "kind must be warn, hold_all or suspend.",
    "reason_code": "reason_code must be one of the account reasons from GET /api/v1/moderation/reasons.",
    "note": f"A note can be up to {NOTE_MAX} characters.",
    "until": "until must be a date and time in ISO 8601, like 2026-12-24T18:00:00Z, or left out.",
    "text": f"Please write your appeal in up to {APPEAL_MAX:,} characters.",
    "action": "action must be uphold or lift.",
}


AccountReason = Literal[tuple(ACCOUNT_REASONS_BY_CODE)]  # type: ignore[valid-type]  # the codes, as an enum


class RestrictionIn(msgspec.Struct):
    kind: Literal["warn", "hold_all", "suspend"]
    reason_code: AccountReason
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None
    until: dt.datetime | None = None


class AppealIn(msgspec.Struct):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=APPEAL_MAX), NOT_BLANK]


class AppealDecisionIn(msgspec.Struct):
    action: Literal["uphold", "lift"]
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


# --- the person's own export (GET /api/v1/me/export, "restrictions") ------------------------


class ExportedAppeal(Out):
    text: str
    status: Literal["open", "upheld", "lifted"]
    created_at: str


class ExportedRestriction(Out):
    """In the words they read (never a staff note)."""

    id: str
    kind: Literal["warn", "hold_all", "suspend"]
    message: str
    until: str | None
    created_at: str
    status: str
    appeal: ExportedAppeal | None


# --- out ------------------------------------------------------------------------------------

Kind = Literal["warn", "hold_all", "suspend"]
AppealStatus = Literal["open", "upheld", "lifted"]
RestrictionStatus = Literal["in_force", "lifted", "expired", "seen"]


class AppealForStaff(Out):
    id: str
    text: str
    status: AppealStatus
    created_at: str
    decided_at: str | None
    decided_by: str | None
    note: str | None


class RestrictionForStaff(Out):
    id: str
    kind: Kind
    reason_code: str
    reason: str | None
    note: str | None
    until: str | None
    created_at: str
    created_by: str | None
    created_by_id: str | None
    status: str
    in_force: bool
    lifted_at: str | None
    lifted_by: str | None
    seen_at: str | None
    message: str
    appeal: AppealForStaff | None


class PostCounts(Out):
    published: int
    held: int
    rejected: int


class RecentReport(Out):
    id: str
    post_id: str
    thread_id: str
    reason: str
    status: str
    risk_level: str
    created_at: str


class PostRisk(Out):
    level: str
    categories: list[str]


class RecentPost(Out):
    id: str
    thread_id: str
    title: str | None
    board: str
    body: str
    status: str
    reason_code: str | None
    risk: PostRisk
    created_at: str


class AuthorPage(Out):
    id: str
    username: str
    role: str
    council_code: str | None
    created_at: str
    posts: PostCounts
    reports: int
    recent_reports: list[RecentReport]
    recent_posts: list[RecentPost]
    restrictions: list[RestrictionForStaff]


class RestrictionMade(Out):
    id: str
    kind: Kind
    until: str | None
    reason_code: str
    user_id: str
    created_at: str
    status: str
    message: str


class AppealForStaffListed(AppealForStaff):
    user_id: str
    username: str
    restriction: RestrictionForStaff
    can_decide: bool


class AppealsForStaff(Out):
    items: list[AppealForStaffListed]
    total: int


class AppealDecided(Out):
    id: str
    restriction_id: str
    status: AppealStatus
    decided_at: str
    lifted_at: str | None


class MyAppealBrief(Out):
    id: str
    status: AppealStatus
    created_at: str
    message: str


class MyRestriction(Out):
    id: str
    kind: Kind
    message: str
    until: str | None
    can_appeal: bool
    created_at: str
    appeal: MyAppealBrief | None


class MyRestrictions(Out):
    items: list[MyRestriction]
    total: int


class AppealMade(Out):
    id: str
    restriction_id: str
    status: AppealStatus
    created_at: str
    message: str


class MyAppeal(Out):
    id: str
    restriction_id: str
    kind: Kind
    status: AppealStatus
    message: str
    created_at: str
    decided_at: str | None


class MyAppeals(Out):
    items: list[MyAppeal]
    total: int
