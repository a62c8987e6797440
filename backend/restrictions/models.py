"""Restrictions on an account and their appeals.

A restriction is in force until it is lifted (``lifted_at``), until ``until`` passes, and
for a warning until the young person has seen it (``seen_at``). Rows are never deleted
while the account exists: lifted and expired ones stay on the moderator's author page.
"""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base

KINDS = ("warn", "hold_all", "suspend")
APPEAL_STATUSES = ("open", "upheld", "lifted")


class AccountRestriction(Base):
    __tablename__ = "account_restriction"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)  # private to staff, never shown to the young person
    until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    lifted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    lifted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    seen_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))  # a warning, once read


class RestrictionAppeal(Base):
    """One per restriction (the unique restriction_id makes a second one impossible)."""

    __tablename__ = "restriction_appeal"
    __table_args__ = (
        CheckConstraint(f"status IN {APPEAL_STATUSES!r}", name="status_known"),
        Index("ix_restriction_appeal_open", "created_at", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    restriction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("account_restriction.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(Text)  # private to staff
