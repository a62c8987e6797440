"""The audit log: every staff action (moderation, safeguarding), append-only.

Shared by the domains that record staff actions (``review``, ``safeguarding``), so none of
them has to import another for it. A trigger (see the forums-and-moderation migration)
refuses UPDATE, DELETE and TRUNCATE on the table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, Identity, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base


class AuditLog(Base):
    """Every staff action. Append-only: a trigger (see the migration) raises on UPDATE,
    DELETE and TRUNCATE. ``actor_id`` has no foreign key on purpose: deleting an account
    must never need to rewrite the log."""

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


def write_audit(db: AsyncSession, actor: Any, action: str, target_type: str, target_id: Any, *,
                reason_code: str | None = None, note: str | None = None,
                details: dict[str, Any] | None = None) -> None:
    """Append one row to the audit log, in the caller's transaction (``actor``: the signed-in
    staff member, with ``id`` and ``role``)."""
    db.add(AuditLog(at=utcnow(), actor_id=actor.id, actor_role=actor.role, action=action,
                    target_type=target_type, target_id=None if target_id is None else str(target_id),
                    reason_code=reason_code, note=note, details=details))
