"""Moderation: what comes in. Every string has a length limit: oversize input is a 400."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.forums.schemas import BODY_MAX, TITLE_MAX

NOTE_MAX = 2000

FIELD_HELP = {
    "action": "action must be approve, reject or escalate.",
    "reason_code": "reason_code must be one of the codes from GET /api/v1/moderation/reasons.",
    "note": f"A note can be up to {NOTE_MAX} characters.",
    "edited_title": f"A title can be up to {TITLE_MAX} characters.",
    "edited_body": f"A post can be up to {BODY_MAX:,} characters.",
    "word": "A watched word needs 1 to 60 characters.",
    "auto_publish": "auto_publish must be true or false.",
    "auto_publish_min_approved": "auto_publish_min_approved must be a whole number from 1 to 100.",
}


class DecisionIn(msgspec.Struct):
    action: Literal["approve", "reject", "escalate"]
    reason_code: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None
    edited_title: Annotated[str, msgspec.Meta(max_length=TITLE_MAX)] | None = None
    edited_body: Annotated[str, msgspec.Meta(max_length=BODY_MAX)] | None = None


class WatchedWordIn(msgspec.Struct):
    word: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    action: Literal["block", "hold", "flag"] = "hold"


class ForumSettingsIn(msgspec.Struct):
    auto_publish: bool | None = None
    auto_publish_min_approved: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
