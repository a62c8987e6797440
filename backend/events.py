"""Announcements between workers: one PostgreSQL NOTIFY channel, ids only.

``announce`` queues a notification inside the caller's transaction; PostgreSQL delivers it
only when that transaction commits (and never if it rolls back), so a listener never hears
of a change it cannot yet read. Every domain announces through here; the chat hub
(``backend/chat/hub.py``) listens and tells the sockets.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

EVENTS_CHANNEL = "waymark_events"  # the one NOTIFY channel: names never grow with use


def event_payload(**event: Any) -> str:
    """A NOTIFY payload: the event's short keys and ids (never bodies), as JSON."""
    return json.dumps({k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in event.items()})


async def announce(db: AsyncSession, **event: Any) -> None:
    """Queue a notification for every worker; PostgreSQL sends it when the transaction commits."""
    payload = event_payload(**event)
    await db.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": EVENTS_CHANNEL, "payload": payload})
