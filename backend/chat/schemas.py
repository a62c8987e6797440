from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec


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


class TransferIn(msgspec.Struct):
    note: Annotated[str, msgspec.Meta(max_length=100_000)] = ""
    to_counsellor_id: uuid.UUID | None = None


class SavedReplyIn(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=10_000)] = ""
    body: Annotated[str, msgspec.Meta(max_length=100_000)] = ""
    shared: bool | None = None


class WhisperIn(msgspec.Struct):
    body: Annotated[str, msgspec.Meta(max_length=100_000)] = ""
