"""The per-worker caches of the directory. Young people and feed readers ask for a council's
services far more often than officers change them, so the active rows (and the encoded
answers made from them) are kept for a short while, bounded (``cachetools``).

A change is forgotten **after its commit** (``forget_after_commit``): forgetting before the
commit would let a read in the same worker cache the old rows again. Other workers see a
change within ``DIRECTORY_CACHE_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from cachetools import TTLCache
from sqlalchemy import event, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.models import Council
from backend.signposting.models import DirectoryService

DIRECTORY_CACHE_SECONDS = 30.0
_rows: TTLCache[str | None, list[DirectoryService]] = TTLCache(maxsize=256, ttl=DIRECTORY_CACHE_SECONDS)
_answers: TTLCache[Hashable, bytes] = TTLCache(maxsize=4096, ttl=DIRECTORY_CACHE_SECONDS)


def forget_directory_cache(*_: Any) -> None:
    _rows.clear()
    _answers.clear()


def forget_after_commit(db: AsyncSession) -> None:
    """Forget the caches once this session's transaction has committed."""
    if not event.contains(db.sync_session, "after_commit", forget_directory_cache):
        event.listen(db.sync_session, "after_commit", forget_directory_cache)


async def active_rows(sessionmaker: Any, council_code: str | None) -> list[DirectoryService]:
    """The active rows of a council and the national ones (national only for None)."""
    hit = _rows.get(council_code)
    if hit is not None:
        return hit
    stmt = select(DirectoryService).where(DirectoryService.status == "active")
    if council_code is None:
        stmt = stmt.where(DirectoryService.council_code.is_(None))
    else:
        stmt = stmt.where(or_(DirectoryService.council_code == council_code, DirectoryService.council_code.is_(None)))
    async with sessionmaker() as db:
        rows = list((await db.execute(stmt)).scalars().all())  # schedules load with them (selectin)
    _rows[council_code] = rows
    return rows


async def cached_answer(key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
    """An encoded answer kept under ``key`` until the caches are forgotten or expire."""
    hit = _answers.get(key)
    if hit is not None:
        return hit
    encoded = await make()
    _answers[key] = encoded
    return encoded


_councils: TTLCache[str, bool] = TTLCache(maxsize=512, ttl=300)


async def known_council(sessionmaker: Any, council_code: str) -> bool:
    """Whether a council of that ONS code exists (remembered for five minutes)."""
    if len(council_code) > 9:
        return False
    hit = _councils.get(council_code)
    if hit is None:
        async with sessionmaker() as db:
            hit = await db.get(Council, council_code) is not None
        _councils[council_code] = hit
    return hit
