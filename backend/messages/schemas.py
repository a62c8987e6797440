from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

# Generous outer limits; the kind rules (empty, too long) are in services.py.
Text = Annotated[str, msgspec.Meta(max_length=100_000)]


class ThreadIn(msgspec.Struct):
    body: Text = ""
    subject: Text | None = None
    client_id: uuid.UUID | None = None


class MessageIn(msgspec.Struct):
    body: Text = ""
    client_id: uuid.UUID | None = None
