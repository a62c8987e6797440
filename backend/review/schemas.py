"""Moderation: what comes in (every string has a length limit: oversize input is a 400) and goes out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from backend.forums.schemas import BODY_MAX, TITLE_MAX, PostStatus
from backend.schema_rules import Out

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


# --- out ------------------------------------------------------------------------------------

RiskLevel = Literal["none", "low", "medium", "high", "urgent"]


class Risk(Out):
    level: RiskLevel
    categories: list[str]


class RiskSpan(Out):
    """Why the engine flagged it: ``start``/``end`` in its ``field`` (title or body)."""

    start: int
    end: int
    category: str
    rule: str
    field: Literal["title", "body"] | UnsetType = UNSET
    text: str | UnsetType = UNSET


class QueueReport(Out):
    id: str
    reason: str
    risk_level: RiskLevel
    created_at: str


class QueueItem(Out):
    id: str
    kind: Literal["thread", "reply", "report"]
    body: str
    author: str
    author_id: str | None
    suggested_action: str | None  # a repeat offender's post: what backend/restrictions suggests
    board: str
    risk: Risk
    created_at: str
    status: PostStatus
    thread_id: str
    thread_title: str
    spans: list[RiskSpan]
    reports: list[QueueReport]
    claimed_by: str | None
    claimed_at: str | None
    waiting_since: str
    title: str | UnsetType = UNSET  # the first post of a thread


class QueueList(Out):
    items: list[QueueItem]
    total: int


class DecisionOut(Out):
    id: str
    kind: Literal["thread", "reply", "report"]
    thread_id: str
    action: Literal["approve", "reject", "escalate"]
    status: PostStatus
    decided_at: str | None
    edited: bool
    published_now: bool | UnsetType = UNSET
    moderator_message: str | UnsetType = UNSET  # reject: what the author reads
    alert_id: str | UnsetType = UNSET  # escalate: the safeguarding alert
    body: str | UnsetType = UNSET  # published: as it now reads
    title: str | UnsetType = UNSET


class ReasonTemplate(Out):
    code: str
    label: str
    message: str
    applies_to: Literal["post", "account"]


class AuditEntry(Out):
    id: int
    at: str
    actor_id: str | None
    actor: str | None
    actor_role: str | None
    action: str
    target_type: str | None
    target_id: str | None
    reason_code: str | None
    note: str | None
    details: dict[str, Any] | None  # what changed: its keys depend on the action


class AuditList(Out):
    items: list[AuditEntry]
    total: int


class WatchedWordOut(Out):
    id: str
    word: str
    action: Literal["block", "hold", "flag"]
    created_at: str


class WatchedWordList(Out):
    items: list[WatchedWordOut]
    total: int


class ForumSettingsOut(Out):
    auto_publish: bool
    auto_publish_min_approved: int
    updated_at: str | None
