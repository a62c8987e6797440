from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from backend.schema_rules import NOT_BLANK, Out, stated


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
