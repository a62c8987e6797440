"""Safeguarding alerts and the items each one covers.

An alert is about one author. It has the ``kind`` and ``source_id`` of its first item (a
forum post, a message thread or a chat session), the highest level and every category
found in its items, and who raised it (``created_by``; null: raised automatically). One
author's automatic alerts within an hour are one alert: every later item is added to it
(``safeguarding_alert_item``). Items keep no text, only a reference to where the words are.
"""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base
from moderation import LEVELS

ALERT_KINDS = ("post", "message_thread", "chat")
ALERT_STATUSES = ("open", "acknowledged")
ALERT_LEVELS = LEVELS  # the moderation engine's levels, lowest first


class SafeguardingAlert(Base):
    """Counsellors asked to look at one young person now."""

    __tablename__ = "safeguarding_alert"
    __table_args__ = (
        CheckConstraint(f"status IN {ALERT_STATUSES!r}", name="status_known"),
        CheckConstraint(f"kind IN {ALERT_KINDS!r}", name="kind_known"),
        CheckConstraint(f"level IN {ALERT_LEVELS!r}", name="level_known"),
        Index("ix_safeguarding_alert_open", "created_at", postgresql_where=text("status = 'open'")),
        Index("ix_safeguarding_alert_created", "created_at"),
        # finding the author's open automatic alert to add a repeat to
        Index("ix_safeguarding_alert_author_open", "author_id", "created_at",
              postgresql_where=text("status = 'open' AND created_by IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(10), default="none")
    categories: Mapped[list[str]] = mapped_column(JsonB, default=list)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledge_note: Mapped[str | None] = mapped_column(Text)


class SafeguardingAlertItem(Base):
    """One post, message or chat message an alert covers: where it is, never what it says.
    ``reference`` points inside the source when one source has many items (a chat
    message's ``seq``)."""

    __tablename__ = "safeguarding_alert_item"
    __table_args__ = (
        CheckConstraint(f"kind IN {ALERT_KINDS!r}", name="kind_known"),
        CheckConstraint(f"level IN {ALERT_LEVELS!r}", name="level_known"),
        Index("ix_safeguarding_alert_item_source", "kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("safeguarding_alert.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    reference: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(10), default="none")
    categories: Mapped[list[str]] = mapped_column(JsonB, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
