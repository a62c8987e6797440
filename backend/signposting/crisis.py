"""Crisis lines: the council's own (``council.crisis_lines``) first, then the national ones
in their content order; a line with nothing to tap (no phone, text number or website) is
left out."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.models import Council
from backend.signposting.models import DirectoryService
from backend.signposting.schemas import CrisisLine


def _crisis_line(line: dict[str, Any], national: bool) -> CrisisLine | None:
    phone, sms, url = (line.get(k) or None for k in ("phone", "sms", "url"))
    if not (phone or sms or url):
        return None  # nothing to tap: a line with no number or website helps nobody in a crisis
    return CrisisLine(
        name=line["name"],
        hours=line.get("hours") or None,
        description=line.get("description") or None,
        national=national,
        phone=phone or msgspec.UNSET,
        sms=sms or msgspec.UNSET,
        url=url or msgspec.UNSET,
    )


def order_crisis_lines(
    council_lines: list[dict[str, Any]], national_lines: list[dict[str, Any]]
) -> list[CrisisLine]:
    """The council's own lines first (in their order), then the national ones (already in
    their order); lines with nothing to tap are left out."""
    out = [_crisis_line(line, national=False) for line in council_lines]
    out += [_crisis_line(line, national=True) for line in national_lines]
    return [line for line in out if line is not None]


async def crisis_lines_for(db: AsyncSession, council_code: str | None) -> list[CrisisLine]:
    """The crisis lines to show: with a council, its own lines first; then the national
    ones (Childline, Shout, Samaritans, NHS 111, 999, then others)."""
    council_lines: list[dict[str, Any]] = []
    if council_code:
        council = await db.get(Council, council_code)
        council_lines = list(council.crisis_lines or []) if council else []
    stmt = (
        select(DirectoryService)
        .where(
            DirectoryService.council_code.is_(None),
            DirectoryService.crisis_line.is_(True),
            DirectoryService.status == "active",
        )
        .order_by(DirectoryService.position.asc().nulls_last(), DirectoryService.name)
    )
    national = [
        {key: getattr(row, key) for key in ("name", "phone", "sms", "url", "hours", "description")}
        for row in (await db.execute(stmt)).scalars().all()
    ]
    return order_crisis_lines(council_lines, national)


async def crisis_lines_for_user(db: AsyncSession, user: Any | None) -> list[dict[str, Any]]:
    """The crisis lines for a signed-in user (or None), as plain JSON-ready dicts (for the
    chat's "closed" answer and its WebSocket frames)."""
    lines = await crisis_lines_for(db, getattr(user, "council_code", None) if user else None)
    return [msgspec.to_builtins(line) for line in lines]
