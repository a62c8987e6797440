from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from backend.schema_rules import NOT_BLANK, Out, stated

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
