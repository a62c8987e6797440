"""Councils: the list (rarely changes, so cached per process for a minute) and loading
them from content/councils/*.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.after_commit import on_commit
from backend.councils.models import Council
from backend.councils.schemas import CouncilOut
from backend.short_memory import ShortMemory

_CACHE_SECONDS = 60.0
_cache: ShortMemory[str, Any] = ShortMemory(maxsize=2, ttl=_CACHE_SECONDS)  # "list", "json"


async def list_councils(sessionmaker: async_sessionmaker[AsyncSession]) -> list[CouncilOut]:
    """Every council (cached per process for a minute: a cache hit opens no database session)."""
    if (cached := _cache.get("list")) is not None:
        return cached
    async with sessionmaker() as db:
        rows = (await db.execute(select(Council).order_by(Council.name))).scalars().all()
    result = [CouncilOut(code=c.code, name=c.name, min_age=c.min_age, max_age=c.max_age,
                         extended_max_age=c.extended_max_age) for c in rows]
    _cache["list"] = result
    return result


async def councils_json(sessionmaker: async_sessionmaker[AsyncSession]) -> bytes:
    """The council list encoded once per cache period."""
    if (cached := _cache.get("json")) is not None:
        return cached
    encoded = _cache["json"] = msgspec.json.encode(await list_councils(sessionmaker))
    return encoded


def forget_cached_councils() -> None:
    _cache.clear()


CRISIS_LINE_FIELDS = ("name", "phone", "sms", "url", "hours", "description", "min_age", "max_age")


def crisis_line_fields(line: dict[str, Any]) -> dict[str, Any]:
    """The public part of a crisis line (notes and sources stay in content/)."""
    return {key: line.get(key) for key in CRISIS_LINE_FIELDS}


def read_council_files(directory: Path) -> list[dict[str, Any]]:
    councils = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        councils.append({
            "code": data["code"], "name": data["name"], "short_name": data.get("short_name") or data["name"],
            "min_age": int(data["min_age"]), "max_age": int(data["max_age"]),
            "extended_max_age": int(data.get("extended_max_age") or data["max_age"]),
            "crisis_lines": [crisis_line_fields(line) for line in data.get("crisis_lines") or []],
        })
    return councils


async def upsert_councils(db: AsyncSession, councils: list[dict[str, Any]]) -> int:
    """Create or update councils from content; returns how many changed."""
    changed = 0
    for values in councils:
        existing = await db.get(Council, values["code"])
        if existing and existing.managed_in_app:  # an admin's name and ages win over content/
            if existing.crisis_lines != values["crisis_lines"]:
                existing.crisis_lines = values["crisis_lines"]
                changed += 1
            continue
        if existing and all(getattr(existing, k) == v for k, v in values.items()):
            continue
        stmt = insert(Council).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=[Council.code], set_={k: v for k, v in values.items() if k != "code"})
        await db.execute(stmt)
        changed += 1
    on_commit(db, forget_cached_councils)
    return changed
