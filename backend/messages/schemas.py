from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from backend.schema_rules import NOT_BLANK, Out, stated
from backend.signposting.schemas import Support

# Generous outer limits; the kind rules (empty, too long) are in services.py.


# The document states the services' rules: words in the body (4,000 characters at most)
# and a subject of up to 140.
Body = Annotated[str, msgspec.Meta(max_length=100_000), NOT_BLANK, stated(max_length=4000)]


class ThreadIn(msgspec.Struct):
    body: Body
    subject: Annotated[str, msgspec.Meta(max_length=100_000), stated(max_length=140)] | None = None
    client_id: uuid.UUID | None = None


class MessageIn(msgspec.Struct):
    body: Body
    client_id: uuid.UUID | None = None


# --- the person's own export (GET /api/v1/me/export, "message_threads") --------------------


class ExportedTeamMessage(Out):
    sender: Literal["young_person", "counsellor"]
    body: str
    sent_at: str


class ExportedMessageThread(Out):
    id: str
    subject: str | None
    status: Literal["awaiting_reply", "replied", "closed"]
    created_at: str
    messages: list[ExportedTeamMessage]


# --- out ------------------------------------------------------------------------------------

ThreadStatus = Literal["awaiting_reply", "replied", "closed"]
Sender = Literal["young_person", "counsellor"]


class ThreadStarted(Out):
    id: str
    status: ThreadStatus
    reply_expected_by: str | None
    message_id: str | UnsetType = UNSET  # left out when the same client_id came again
    support: Support | UnsetType = UNSET


class MyThread(Out):
    id: str
    subject: str | None
    status: ThreadStatus
    updated_at: str
    unread: bool
    reply_expected_by: str | None


class MyThreads(Out):
    items: list[MyThread]
    total: int


class Risk(Out):
    level: str
    categories: list[str]


class TeamMessageOut(Out):
    id: str
    sender: Sender
    body: str
    sent_at: str
    author_name: str | UnsetType = UNSET  # a counsellor's first name
    risk_level: str | UnsetType = UNSET  # for the team only


class ThreadOut(Out):
    id: str
    subject: str | None
    status: ThreadStatus
    reply_expected_by: str | None
    created_at: str
    messages: list[TeamMessageOut]
    # for the team only
    risk: Risk | UnsetType = UNSET
    council_code: str | None | UnsetType = UNSET
    claimed_by: str | None | UnsetType = UNSET
    young_person: str | None | UnsetType = UNSET


class MessagePosted(Out):
    id: str
    thread_id: str
    sender: Sender
    sent_at: str
    client_id: str | None
    status: ThreadStatus
    reply_expected_by: str | None
    support: Support | UnsetType = UNSET


class InboxThread(Out):
    id: str
    subject: str | None
    waited_seconds: int
    reply_expected_by: str | None
    risk: Risk
    council_code: str | None
    claimed_by: str | None
    claimed_by_name: str | None
    young_person: str | None


class Inbox(Out):
    items: list[InboxThread]
    total: int


class ClaimOut(Out):
    id: str
    status: ThreadStatus
    claimed_by: str


class CloseOut(Out):
    id: str
    status: ThreadStatus
    closed_at: str


class HistoryItem(Out):
    kind: Literal["chat", "message_thread"]
    id: str
    started_at: str
    ended_at: str | None
    counsellor: str | None
    notes: str | None
    risk_level: str | None
    at_risk: bool | UnsetType = UNSET  # a chat
    subject: str | None | UnsetType = UNSET  # a message thread
    status: ThreadStatus | UnsetType = UNSET


class History(Out):
    items: list[HistoryItem]
    total: int
