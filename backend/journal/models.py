"""The mood journal: daily check-ins, private journal entries, personal goals and their
ratings. Private to the young person: no staff role reads these tables.

Free text (a journal body, a mood note, a goal title) is stored encrypted
(backend/journal/crypto.py); scores, feeling slugs and times are plain because the
charts and the ordering need them. Every row names its owner with ON DELETE CASCADE,
so deleting the account deletes the journal.
"""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.base import UUIDPrimaryKey
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base


class MoodCheckin(UUIDPrimaryKey, Base):
    __tablename__ = "mood_checkin"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        UniqueConstraint("user_id", "client_id", name="uq_mood_checkin_user_client"),
        Index("ix_mood_checkin_user_recorded", "user_id", "recorded_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(SmallInteger)
    feelings: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list, server_default=text("'{}'"))
    note: Mapped[str | None] = mapped_column(Text, default=None)  # encrypted
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )
    client_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class JournalEntry(UUIDPrimaryKey, Base):
    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id", name="uq_journal_entry_user_client"),
        Index("ix_journal_entry_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # encrypted
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    client_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class Goal(UUIDPrimaryKey, Base):
    __tablename__ = "goal"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id", name="uq_goal_user_client"),
        Index("ix_goal_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)  # encrypted
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )
    client_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class GoalRating(UUIDPrimaryKey, Base):
    """How close to the goal the young person feels, 0 (not at all) to 10 (reached)."""

    __tablename__ = "goal_rating"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        UniqueConstraint("user_id", "client_id", name="uq_goal_rating_user_client"),
        Index("ix_goal_rating_goal_rated", "goal_id", "rated_at"),
    )

    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(SmallInteger)
    rated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )
    client_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
