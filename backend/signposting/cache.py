"""The per-worker caches of the directory. Young people and feed readers ask for a council's
services far more often than officers change them, so the active rows (and the encoded
answers made from them) are kept for a short while, bounded (``backend.short_memory``).

A change is forgotten **after its commit** (``forget_after_commit``, through
``backend.after_commit.on_commit``): forgetting before the
commit would let a read in the same worker cache the old rows again. Other workers see a
change within ``DIRECTORY_CACHE_SECONDS``.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import brotli
from litestar import Request
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.after_commit import on_commit
from backend.councils.models import Council
from backend.encoded_json import EncodedJSON
from backend.short_memory import ShortMemory
from backend.signposting.models import DirectoryService

DIRECTORY_CACHE_SECONDS = 30.0
_rows: ShortMemory[str | None, list[DirectoryService]] = ShortMemory(maxsize=256, ttl=DIRECTORY_CACHE_SECONDS)
_answers: ShortMemory[Hashable, bytes] = ShortMemory(maxsize=4096, ttl=DIRECTORY_CACHE_SECONDS)


ALL = "*"  # forget every council's entries (a national service or content changed)


def forget_directory_cache(council_code: str | None = ALL) -> None:
    """Forget what is cached about one council's directory (its rows and every answer made
    from them), or about every council."""
    if council_code == ALL:
        _rows.clear()
        _answers.clear()
        return
    _rows.pop(council_code, None)
    for key in [k for k in list(_answers.keys()) if council_code in _key_councils(k)]:
        _answers.pop(key, None)


def _key_councils(key: Hashable) -> set[str | None]:
    """The council codes an answer's key names (its audience's, or the feed's)."""
    parts = key if isinstance(key, tuple) else (key,)
    return {getattr(p, "council_code", p) for p in parts if isinstance(p, str) or hasattr(p, "council_code")}


def forget_after_commit(db: AsyncSession, council_code: str | None = ALL) -> None:
    """Forget the caches of ``council_code`` (a national service: every council's) once this
    session's transaction has committed, never before: a read in between would cache the
    old rows again."""
    code = ALL if council_code is None else council_code
    on_commit(db, lambda: forget_directory_cache(code))


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


_councils: ShortMemory[str, bool] = ShortMemory(maxsize=512, ttl=300)


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


_compressed: ShortMemory[tuple[bytes, str], bytes] = ShortMemory(maxsize=512, ttl=DIRECTORY_CACHE_SECONDS)
COMPRESS_FROM = 1024  # bytes: smaller answers travel as they are


def compressed(body: bytes, encoding: str) -> bytes:
    """``body`` compressed with ``br`` or ``gzip``, once per cached answer (a cached answer is
    the same bytes object each time, so its hash is computed once)."""
    key = (body, encoding)
    hit = _compressed.get(key)
    if hit is None:
        hit = brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, compresslevel=6)
        _compressed[key] = hit
    return hit


def precompressed_json(request: Request, body: bytes) -> EncodedJSON:
    """An answer already encoded (and cached) as JSON, compressed once per cached answer
    when the reader accepts brotli or gzip and it is 1 KB or more. For routes with the
    ``precompressed`` opt, which the app's own compression (it would compress the same
    bytes again on every request) skips."""
    accepted = request.headers.get("accept-encoding", "")
    encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else None
    if encoding is None or len(body) < COMPRESS_FROM:
        return EncodedJSON(body, headers={"Vary": "Accept-Encoding"})
    return EncodedJSON(compressed(body, encoding), headers={"Content-Encoding": encoding, "Vary": "Accept-Encoding"})
