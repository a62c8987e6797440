"""The rules of local signposting that read the directory for young people and counsellors.

- Which services a young person sees (``visibility``): their council's active services that
  fit their age, then national ones; open now first within each group.
- ``open_now`` (``hours``) from the weekly schedules in Europe/London time.
- Crisis lines (``crisis``), a council's own directory (``directory``), Open Referral UK
  import and export (``oruk``), loading ``content/`` (``content``), the per-worker caches
  (``cache``), what a service must be (``validation``) and its one row mapping (``rows``)
  each have their own module in this package.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import london_now, utcnow
from backend.councils.models import Council
from backend.errors import NotFound
from backend.reports.services import record_usage_event
from backend.signposting.cache import active_rows, cached_answer
from backend.signposting.crisis import crisis_lines_for_user, order_crisis_lines
from backend.signposting.models import DirectoryService
from backend.signposting.visibility import Audience, has_contact, items_for, service_item, topic_and_thrive

__all__ = [
    "any_active_service",
    "audience_for_counsellor",
    "crisis_lines_for_user",
    "order_crisis_lines",
    "record_signpost_click",
    "shared_service",
    "services_answer_json",
    "visible_service",
]


async def audience_for_counsellor(
    db: AsyncSession, council_code: str | None, age: int | None, extended: bool
) -> Audience:
    if council_code is not None and await db.get(Council, council_code) is None:
        raise NotFound("We don't know that council.", code="unknown_council")
    return Audience(council_code=council_code, age=age, extended=extended)


async def services_answer_json(
    sessionmaker: Any, audience: Audience, *, topic: str | None, thrive: str | None, open_now: bool
) -> bytes:
    """The encoded ``{items, total}`` for an audience, from the per-worker cache (no database
    session on a hit). "Open now" changes at most on the minute, so an answer is kept until
    the minute turns (and never past the row cache)."""
    topic, thrive = topic_and_thrive(topic, thrive)
    at = utcnow()
    minute = int(at.timestamp()) // 60  # London's minutes turn with UTC's (its offset is whole hours)

    async def make() -> bytes:
        rows = await active_rows(sessionmaker, audience.council_code)
        items = items_for(rows, audience, topic=topic, thrive=thrive, open_now=open_now, now=london_now(at))
        return msgspec.json.encode({"items": items, "total": len(items)})

    return await cached_answer(("services", audience, topic, thrive, open_now, minute), make)


async def _active(db: AsyncSession, service_id: str) -> DirectoryService | None:
    """An active service someone can contact, or None."""
    row = await db.get(DirectoryService, service_id) if 0 < len(service_id) <= 100 else None
    return row if row is not None and row.status == "active" and has_contact(row) else None


async def visible_service(db: AsyncSession, service_id: str, council_code: str | None) -> DirectoryService:
    """An active service of this council, or a national one; otherwise 404."""
    row = await _active(db, service_id)
    if row is None or (row.council_code is not None and row.council_code != council_code):
        raise NotFound("We couldn't find that service.", code="unknown_service")
    return row


async def any_active_service(db: AsyncSession, service_id: str) -> DirectoryService:
    """An active service of any council, or a national one (a counsellor sharing it); otherwise 404."""
    row = await _active(db, service_id)
    if row is None:
        raise NotFound("We couldn't find that service.", code="unknown_service")
    return row


async def record_signpost_click(db: AsyncSession, *, service_id: str, council_code: str | None) -> None:
    """Count a tap on a service's contact, anonymously: the council and the service's first
    topic, never who tapped or which service."""
    row = await visible_service(db, service_id, council_code)
    record_usage_event(db, "signpost_click", council_code=council_code, topic=(row.topics or [None])[0])


async def shared_service(db: AsyncSession, service_id: str) -> dict[str, Any] | None:
    """A shared service: an active service someone can contact, as a counsellor shares it into
    a chat (plain JSON, kept with the message), or None. No ``open_now``: it outlives the moment it
    was shared."""
    row = await _active(db, service_id)
    if row is None:
        return None
    shared = msgspec.to_builtins(service_item(row, london_now()))
    shared.pop("open_now", None)
    shared.pop("hours_note", None)
    return shared
