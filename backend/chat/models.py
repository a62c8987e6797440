"""Talk to a counsellor: requests in the queue, chat sessions, messages, availability."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.base import UUIDPrimaryKey
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
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base
from moderation import LEVELS

REQUEST_STATUSES = ("waiting", "active", "ended", "left")
RISK_LEVELS = LEVELS  # the moderation engine's levels, lowest first


class ChatRequest(UUIDPrimaryKey, Base):
    """A young person asking to talk. When their account is deleted the request stays
    (the service's figures and safeguarding need it) without their identity."""

    __tablename__ = "chat_request"
    __table_args__ = (
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="status_known"),
        Index("uq_chat_request_one_open", "young_person_id", unique=True,
              postgresql_where=text("status IN ('waiting', 'active')")),
        Index("ix_chat_request_waiting", "urgent", "created_at", postgresql_where=text("status = 'waiting'")),
    )

    young_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    council_code: Mapped[str | None] = mapped_column(String(9))
    topic: Mapped[str | None] = mapped_column(String(140))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    taken_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    session_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Set when a counsellor hands the chat back to the queue: it goes to the front.
    requeued_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ChatSession(UUIDPrimaryKey, Base):
    __tablename__ = "chat_session"
    __table_args__ = (
        Index("ix_chat_session_counsellor_open", "counsellor_id", postgresql_where=text("ended_at IS NULL")),
    )

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_request.id", ondelete="CASCADE"), unique=True)
    young_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    counsellor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    council_code: Mapped[str | None] = mapped_column(String(9))
    started_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    ended_by: Mapped[str | None] = mapped_column(String(20))
    last_seq: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_message_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # Set when any message in the chat suggests risk to life; such a chat is never closed by timeout.
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    risk_level: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)  # the counsellor's private case notes


class ChatMessage(Base):
    __tablename__ = "chat_message"
    __table_args__ = (
        UniqueConstraint("session_id", "seq", name="uq_chat_message_seq"),
        Index("uq_chat_message_client_id", "session_id", "client_id", unique=True,
              postgresql_where=text("client_id IS NOT NULL")),
        CheckConstraint("sender IN ('young_person', 'counsellor', 'system')", name="sender_known"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_session.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, server_default=func.now())
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    # a shared service (the column keeps its first name, ``attachment``; the wire calls it ``service``)
    shared_service: Mapped[dict[str, Any] | None] = mapped_column("attachment", JsonB)


class CounsellorAvailability(Base):
    __tablename__ = "counsellor_availability"

    counsellor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="away")
    max_concurrent: Mapped[int] = mapped_column(SmallInteger, default=3)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    # When this counsellor was last given a chat (routing's tie-break: the longest idle first).
    routed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ChatTransfer(UUIDPrimaryKey, Base):
    """A chat handed from one counsellor to another (or back to the queue), with the
    handover note for the next counsellor only."""

    __tablename__ = "chat_transfer"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_session.id", ondelete="CASCADE"), index=True)
    from_counsellor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    to_counsellor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class ChatWhisper(UUIDPrimaryKey, Base):
    """A supervisor's word to the counsellor of a chat; never shown to the young person."""

    __tablename__ = "chat_whisper"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chat_session.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class ChatSavedReply(UUIDPrimaryKey, Base):
    """A saved reply: a counsellor's own, or shared with the team (set by a supervisor or admin)."""

    __tablename__ = "chat_saved_reply"

    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)


class ChatSchedule(Base):
    """One row (id 1) when an admin has set the weekly hours in the console: it replaces
    WAYMARK_CHAT_HOURS (same syntax) until removed."""

    __tablename__ = "chat_schedule"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    weekly: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class ChatClosure(Base):
    """A holiday or training day: the chat is closed from ``starts_at`` to ``ends_at``
    whatever the weekly hours say, and young people see ``message``."""

    __tablename__ = "chat_closure"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="ends_after_start"),
        Index("ix_chat_closure_ends_at", "ends_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    ends_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
