"""Moderation: forum settings and watched words. (The audit log is ``backend.audit``;
safeguarding alerts are the ``safeguarding`` domain's.)

The queue itself is the ``forum_post`` table (pending and held posts, and published
posts with open reports); claims live on the post row.
"""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.audit import AuditLog
from backend.clock import utcnow
from backend.database import Base

WATCHED_ACTIONS = ("block", "hold", "flag")


class ForumSettings(Base):
    """One row (id 1): the admin's forum policy. ``watched_words_version`` grows with every
    watched-word change so each worker knows when to rebuild its compiled rules."""

    __tablename__ = "forum_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("auto_publish_min_approved BETWEEN 1 AND 100", name="min_approved_range"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    auto_publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    auto_publish_min_approved: Mapped[int] = mapped_column(SmallInteger, default=5, server_default=text("5"))
    watched_words_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())


class WatchedWordRow(Base):
    __tablename__ = "watched_word"
    __table_args__ = (
        CheckConstraint(f"action IN {WATCHED_ACTIONS!r}", name="action_known"),
        Index("uq_watched_word_word", text("lower(word)"), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    word: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


__all__ = ["AuditLog", "ForumSettings", "WatchedWordRow", "WATCHED_ACTIONS"]
