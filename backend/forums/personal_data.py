"""A person's forum data: what their export holds, and what goes when they delete their account.
Registered with the accounts domain by backend.forums.services."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.forums.models import Post, Reaction, Report, Thread


async def export_forum_data(db: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    threads = (await db.execute(select(Thread).where(Thread.author_id == user_id).order_by(Thread.created_at))
               ).scalars().all()
    posts = (await db.execute(select(Post).where(Post.author_id == user_id).order_by(Post.created_at))).scalars().all()
    reactions = (await db.execute(select(Reaction).where(Reaction.user_id == user_id).order_by(Reaction.created_at))
                 ).scalars().all()
    reports = (await db.execute(select(Report).where(Report.reporter_id == user_id).order_by(Report.created_at))
               ).scalars().all()
    return {
        "threads": [{"id": str(t.id), "board": t.board_slug, "title": t.title, "status": t.status,
                     "created_at": t.created_at.isoformat()} for t in threads],
        "posts": [{"id": str(p.id), "thread_id": str(p.thread_id), "body": p.body, "status": p.status,
                   "created_at": p.created_at.isoformat(), "moderator_message": p.moderator_message,
                   "edited_by_moderator": p.edited_by_moderator} for p in posts],
        "reactions": [{"post_id": str(r.post_id), "kind": r.kind, "created_at": r.created_at.isoformat()}
                      for r in reactions],
        "reports": [{"id": str(r.id), "post_id": str(r.post_id), "reason": r.reason, "status": r.status,
                     "created_at": r.created_at.isoformat()} for r in reports],
        "about": "When you delete your account, your reactions and reports are deleted. Your posts stay on the "
                 "boards so other people's replies still make sense, shown as \"Former member\" with no link "
                 "to you.",
    }


async def delete_unpublished_posts(db: AsyncSession, user_id: uuid.UUID) -> None:
    """When an account is deleted: its posts no one else has seen (pending or rejected) go,
    threads with them. A post held because of risk stays, without identity, for the
    human who must still look at it."""
    gone = ("pending", "rejected")
    await db.execute(delete(Thread).where(Thread.author_id == user_id, Thread.status.in_(gone)))
    await db.execute(delete(Post).where(Post.author_id == user_id, Post.status.in_(gone)))


