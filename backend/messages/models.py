"""Messages to the team: a young person's thread with the counselling team (not live).

Subjects and bodies are stored encrypted (AES-256-GCM, ``backend/journal/crypto.py``),
bound to the thread and the record, so they outlive the deletion of their author's
account without anything that names them."""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.base import UUIDPrimaryKey
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base

THREAD_STATUSES = ("awaiting_reply", "replied", "closed")


class MessageThread(UUIDPrimaryKey, Base):
    __tablename__ = "message_thread"
    __table_args__ = (
        CheckConstraint(f"status IN {THREAD_STATUSES!r}", name="status_known"),
        Index("uq_message_thread_client_id", "young_person_id", "client_id", unique=True,
              postgresql_where=text("client_id IS NOT NULL")),
        Index("ix_message_thread_awaiting", "awaiting_since", postgresql_where=text("status = 'awaiting_reply'")),
    )

    young_person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    council_code: Mapped[str | None] = mapped_column(String(9))
    subject: Mapped[str | None] = mapped_column(Text)  # encrypted
    status: Mapped[str] = mapped_column(String(16), default="awaiting_reply")
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    risk_categories: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # The oldest young person's message not yet answered (null when none is waiting).
    awaiting_since: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_reply_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))  # the young person opened it
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class TeamMessage(UUIDPrimaryKey, Base):
    __tablename__ = "message_thread_message"
    __table_args__ = (
        CheckConstraint("sender IN ('young_person', 'counsellor')", name="sender_known"),
        Index("uq_message_thread_message_client_id", "thread_id", "client_id", unique=True,
              postgresql_where=text("client_id IS NOT NULL")),
        Index("ix_message_thread_message_thread", "thread_id", "sent_at"),
    )

    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # encrypted
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
