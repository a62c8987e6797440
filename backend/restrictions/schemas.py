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
