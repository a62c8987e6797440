"""Safeguarding alerts: what comes in (every string has a length limit: oversize input is a 400) and goes out."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from backend.schema_rules import Out

NOTE_MAX = 2000


class AcknowledgeIn(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


# --- out ------------------------------------------------------------------------------------


class Risk(Out):
    level: str
    categories: list[str]


class _Source(Out):
    """What the alert is about, read from its source (an item stores no text): a post's
    fields, or a message thread's."""

    post_id: str | UnsetType = UNSET
    thread_id: str | UnsetType = UNSET
    thread_title: str | UnsetType = UNSET
    board: str | UnsetType = UNSET
    body: str | UnsetType = UNSET
    post_created_at: str | UnsetType = UNSET
    post_status: str | UnsetType = UNSET
    subject: str | None | UnsetType = UNSET
    thread_created_at: str | UnsetType = UNSET


class AlertItem(_Source, kw_only=True):
    kind: Literal["post", "message_thread", "chat"]
    source_id: str
    reference: str | None
    level: str
    categories: list[str]
    created_at: str
    status: str | UnsetType = UNSET  # a message thread's
    council_code: str | None | UnsetType = UNSET  # a message thread's


class Alert(_Source, kw_only=True):
    id: str
    kind: Literal["post", "message_thread", "chat"]
    source_id: str
    status: Literal["open", "acknowledged"]
    level: str
    categories: list[str]
    risk: Risk
    author: str
    username: str | None
    council_code: str | None
    note: str | None
    automatic: bool
    escalated_by: str | None
    items: list[AlertItem]
    item_count: int
    created_at: str
    updated_at: str
    acknowledged_at: str | None
    acknowledge_note: str | None


class Alerts(Out):
    items: list[Alert]
    total: int
