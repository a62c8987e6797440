from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from backend.schema_rules import NOT_BLANK, Out, stated
from backend.signposting.schemas import CrisisLineCard


class ChatRequestIn(msgspec.Struct):
    topic: Annotated[str, msgspec.Meta(max_length=140)] | None = None
    urgent: bool = False


class AvailabilityIn(msgspec.Struct):
    status: Literal["available", "away"]
    max_concurrent: Annotated[int, msgspec.Meta(ge=1, le=10)] | None = None


class TakeIn(msgspec.Struct):
    request_id: uuid.UUID | None = None


class MessageIn(msgspec.Struct):
    body: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    client_id: uuid.UUID | None = None
    service_id: Annotated[str, msgspec.Meta(max_length=120)] | None = None


class EndIn(msgspec.Struct):
    notes: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None
    risk_level: Literal["none", "low", "medium", "high", "urgent"] | None = None


# Required words (the services strip them and word the refusal); the document states the
# services' limits, the decoder only a generous outer one.
class TransferIn(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(max_length=100_000), NOT_BLANK, stated(max_length=4000)]
    to_counsellor_id: uuid.UUID | None = None


class SavedReplyIn(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=10_000), NOT_BLANK, stated(max_length=120)]
    body: Annotated[str, msgspec.Meta(max_length=100_000), NOT_BLANK, stated(max_length=4000)]
    shared: bool | None = None


class WhisperIn(msgspec.Struct):
    body: Annotated[str, msgspec.Meta(max_length=100_000), NOT_BLANK, stated(max_length=1000)]


# --- the person's own export (GET /api/v1/me/export, "chats" and "chat_requests") --------


class ExportedChatMessage(Out):
    seq: int
    sender: Literal["young_person", "counsellor"]
    body: str
    sent_at: str


class ExportedChat(Out):
    session_id: str
    started_at: str
    ended_at: str | None
    messages: list[ExportedChatMessage]


class ExportedChatRequest(Out):
    """A request to talk still waiting (a chat that started is under "chats")."""

    id: str
    status: str
    topic: str | None
    urgent: bool
    created_at: str


# --- out ------------------------------------------------------------------------------------


class ClosureOut(Out):
    starts_at: str
    ends_at: str
    message: str


class ChatStatus(Out):
    """Open: whether counsellors are online and a wait estimate. Closed: when it opens
    (null: not known), kind words, and the closure when one is the reason."""

    open: bool
    crisis_lines: list[CrisisLineCard]
    opens_at: str | None | UnsetType = UNSET
    message: str | UnsetType = UNSET
    closure: ClosureOut | UnsetType = UNSET
    waiting: int | UnsetType = UNSET
    counsellors_online: bool | UnsetType = UNSET
    estimated_wait_seconds: int | None | UnsetType = UNSET
    can_message_team: bool | UnsetType = UNSET


class ChatRequestOut(Out):
    id: str
    status: Literal["waiting", "active"]
    topic: str | None
    urgent: bool
    created_at: str
    position: int | UnsetType = UNSET  # waiting
    estimated_wait_seconds: int | None | UnsetType = UNSET
    session_id: str | UnsetType = UNSET  # in a chat, or handed back to the queue
    counsellor: str | None | UnsetType = UNSET  # their first name; null while queued
    last_seq: int | UnsetType = UNSET


class AvailabilityOut(Out):
    status: Literal["available", "away"]
    max_concurrent: int
    active_chats: int


class RestrictionBeside(Out):
    """An account's restriction, shown to a counsellor beside the chat (with the staff note)."""

    id: str
    kind: Literal["warn", "hold_all", "suspend"]
    reason_code: str
    reason: str | None
    until: str | None
    created_at: str
    note: str | None


class QueueEntry(Out):
    id: str
    waited_seconds: int
    urgent: bool
    topic: str | None
    council_code: str | None
    transferred: bool
    username: str | None
    restriction: RestrictionBeside | None


class QueueEntries(Out):
    items: list[QueueEntry]
    total: int


class TakeOut(Out):
    session_id: str
    request_id: str


class Handover(Out):
    note: str
    from_: str | None = msgspec.field(name="from")
    at: str


class CounsellorSession(Out):
    session_id: str
    request_id: str
    topic: str | None
    urgent: bool
    council_code: str | None
    started_at: str
    at_risk: bool
    last_seq: int
    handover: Handover | None
    username: str | None
    restriction: RestrictionBeside | None


class CounsellorSessions(Out):
    items: list[CounsellorSession]
    total: int


class ChatMessageOut(Out):
    seq: int
    sender: Literal["young_person", "counsellor"]
    body: str
    sent_at: str
    client_id: str | None
    session_id: str | UnsetType = UNSET  # in the answer to a message sent
    # a service card a counsellor shared, as the directory had it then
    service: dict[str, Any] | UnsetType = UNSET
    risk: str | UnsetType = UNSET  # the moderation engine's level: for the counsellor only


class ChatMessages(Out):
    items: list[ChatMessageOut]
    total: int


class EndOut(Out):
    session_id: str
    ended_at: str
    risk_level: str | None
    at_risk: bool


class CounsellorOut(Out):
    id: str
    name: str
    status: Literal["available", "away"]
    active_chats: int
    max_concurrent: int


class Counsellors(Out):
    items: list[CounsellorOut]
    total: int


class TransferOut(Out):
    session_id: str
    to_counsellor_id: str | None
    status: Literal["active", "waiting"]


class SavedReplyOut(Out):
    id: str
    title: str
    body: str
    shared: bool
    own: bool
    updated_at: str


class SavedReplies(Out):
    items: list[SavedReplyOut]
    total: int


class LiveChat(Out):
    session_id: str
    counsellor: str | None
    counsellor_id: str | None
    started_at: str
    risk_level: str | None
    at_risk: bool
    last_message_at: str | None
    council_code: str | None
    last_seq: int


class LiveChats(Out):
    items: list[LiveChat]
    total: int


class WhisperOut(Out):
    id: str
    session_id: str
    created_at: str
