"""Saved replies: a counsellor's own, and shared ones for the whole team. Anyone may keep
their own; only a supervisor or an admin may share one or change a shared one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import CurrentUser
from backend.chat.models import ChatSavedReply
from backend.clock import utcnow
from backend.errors import Forbidden, Invalid, NotFound

SHARING_ROLES = ("supervisor", "admin")
MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 4000


def _out(r: ChatSavedReply, user: CurrentUser) -> dict[str, Any]:
    return {"id": str(r.id), "title": r.title, "body": r.body, "shared": r.shared, "own": r.owner_id == user.id,
            "updated_at": r.updated_at.isoformat()}


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise Invalid("A saved reply needs a title and some words.", code="empty")
    if len(title) > MAX_TITLE_CHARS or len(body) > MAX_BODY_CHARS:
        raise Invalid(f"A saved reply's title can be up to {MAX_TITLE_CHARS} characters and its words up to "
                      f"{MAX_BODY_CHARS:,}.", code="too_long")
    return title, body


async def list_replies(db: AsyncSession, user: CurrentUser) -> list[dict[str, Any]]:
    rows = (await db.execute(select(ChatSavedReply).where(or_(ChatSavedReply.owner_id == user.id,
                                                              ChatSavedReply.shared.is_(True)))
                             .order_by(ChatSavedReply.shared, ChatSavedReply.title))).scalars().all()
    return [_out(r, user) for r in rows]


def _check_may_share(user: CurrentUser) -> None:
    if user.role not in SHARING_ROLES:
        raise Forbidden("Only a supervisor can share a saved reply with the team. You can keep it as your own.",
                        code="not_allowed")


async def save_reply(db: AsyncSession, user: CurrentUser, *, title: str, body: str, shared: bool) -> dict[str, Any]:
    title, body = _checked(title, body)
    if shared:
        _check_may_share(user)
    now = utcnow()
    row = ChatSavedReply(id=uuid.uuid4(), owner_id=user.id, title=title, body=body, shared=shared,
                         created_at=now, updated_at=now)
    db.add(row)
    await db.flush()
    return _out(row, user)


async def _reply_for_change(db: AsyncSession, user: CurrentUser, reply_id: uuid.UUID) -> ChatSavedReply:
    """A reply this person may change: their own, or a shared one for a supervisor or admin.
    Someone else's own reply does not exist for them (404); a shared one is 403."""
    row = await db.get(ChatSavedReply, reply_id)
    if row is None or (row.owner_id != user.id and not row.shared):
        raise NotFound("There is no such saved reply.")
    if row.shared and user.role not in SHARING_ROLES:
        raise Forbidden("Only a supervisor can change a shared reply.", code="not_allowed")
    return row


async def update_reply(db: AsyncSession, user: CurrentUser, reply_id: uuid.UUID, *, title: str, body: str,
                       shared: bool | None) -> dict[str, Any]:
    row = await _reply_for_change(db, user, reply_id)
    row.title, row.body = _checked(title, body)
    if shared is not None and shared != row.shared:
        _check_may_share(user)
        row.shared = shared
    row.updated_at = utcnow()
    return _out(row, user)


async def delete_reply(db: AsyncSession, user: CurrentUser, reply_id: uuid.UUID) -> None:
    await db.delete(await _reply_for_change(db, user, reply_id))
