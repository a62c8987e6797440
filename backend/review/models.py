"""Moderation: forum settings, watched words, the append-only audit log, and
safeguarding alerts (a moderator escalating a post to the counsellors).

The queue itself is the ``forum_post`` table (pending and held posts, and published
posts with open reports); claims live on the post row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.database import Base

WATCHED_ACTIONS = ("block", "hold", "flag")
ALERT_STATUSES = ("open", "acknowledged")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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


class AuditLog(Base):
    """Every staff action in moderation. Append-only: a trigger (see the migration) raises
    on UPDATE, DELETE and TRUNCATE. ``actor_id`` has no foreign key on purpose: deleting
    an account must never need to rewrite the log."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, server_default=func.now())
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[str | None] = mapped_column(String(80))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonB)


class SafeguardingAlert(Base):
    """A moderator asking the counsellors to look at a post now."""

    __tablename__ = "safeguarding_alert"
    __table_args__ = (
        CheckConstraint(f"status IN {ALERT_STATUSES!r}", name="status_known"),
        Index("ix_safeguarding_alert_open", "created_at", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
