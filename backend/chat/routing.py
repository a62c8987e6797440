"""Who takes the next chat, and what the young person is told about it.

``WAYMARK_CHAT_ROUTING=auto``: a waiting request goes to the available counsellor with the
fewest open chats under their limit (ties: the one given a chat longest ago), handed-back
chats and urgent requests first. Routing runs after each change that can free or need a
place (a request, availability, an end, a hand-back) and on the hub's sweep; one router
runs at a time (a transaction advisory lock), so nobody is ever given more than their
limit. Manual taking works alongside it.

The status a young person sees is honest: counsellors are "online" only while one is
available, and the estimate comes from the capacity that is really there.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.chat import services
from backend.chat.models import ChatRequest, CounsellorAvailability
from backend.chat.toolkit import open_chats_per_counsellor
from backend.settings import get_settings

log = logging.getLogger("waymark.chat")
ROUTING_LOCK = 0x5761_7901  # pg_advisory_xact_lock key: one router at a time across workers

NOBODY_AVAILABLE = (
    "Our counsellors are all busy or away just now, so we can't say how long it would take. "
    "If you need to talk to someone now, these lines are open any time. You can also send a message "
    "to the team and a counsellor will reply."
)


def auto_routing() -> bool:
    return get_settings().chat_routing == "auto"


async def least_busy_counsellor(db: AsyncSession) -> uuid.UUID | None:
    busy = open_chats_per_counsellor()
    open_now = func.coalesce(busy.c.n, 0)
    row = (await db.execute(
        select(CounsellorAvailability.counsellor_id)
        .outerjoin(busy, busy.c.counsellor_id == CounsellorAvailability.counsellor_id)
        .where(CounsellorAvailability.status == "available", open_now < CounsellorAvailability.max_concurrent)
        .order_by(open_now, CounsellorAvailability.routed_at.asc().nulls_first(), CounsellorAvailability.updated_at)
        .limit(1))).first()
    return row[0] if row else None


async def route_waiting(db: AsyncSession) -> list[dict[str, Any]]:
    """Give every waiting request a counsellor while someone has room (in ``db``'s transaction)."""
    await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTING_LOCK})
    assigned, rechecked = [], set()
    while True:
        req = (await db.execute(select(ChatRequest).where(ChatRequest.status == "waiting")
                                .order_by(*services.queue_order()).limit(1)
                                .with_for_update(skip_locked=True))).scalars().first()
        if req is None:
            break
        counsellor_id = await least_busy_counsellor(db)
        if counsellor_id is None:
            break
        availability = await db.get(CounsellorAvailability, counsellor_id, with_for_update=True, populate_existing=True)
        # Under their row's lock, count again: a manual take may have given them a chat since.
        if (availability.status != "available"
                or await services.active_count(db, counsellor_id) >= availability.max_concurrent):
            if counsellor_id in rechecked:
                break
            rechecked.add(counsellor_id)
            continue
        assigned.append(await services.assign_request(db, req, counsellor_id, availability))
    return assigned


async def route_now(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Route in a transaction of its own (after the change that called for it is committed);
    the young people given a counsellor hear of it after this commit (if they opted in)."""
    if not auto_routing():
        return 0
    async with sessionmaker() as db:
        assigned = await route_waiting(db)
        await db.commit()
    return len(assigned)


async def counsellors_status(db: AsyncSession, waiting: int) -> dict[str, Any]:
    """For the chat's status within opening hours: whether anyone is available, and a wait
    estimate only from the capacity that is there (none, and kind words, when nobody is)."""
    capacity = await services.current_capacity(db)
    if capacity.slots == 0:
        return {"counsellors_online": False, "estimated_wait_seconds": None, "message": NOBODY_AVAILABLE,
                "can_message_team": True}
    return {"counsellors_online": True, "estimated_wait_seconds": capacity.wait_for(waiting + 1),
            "can_message_team": True}
