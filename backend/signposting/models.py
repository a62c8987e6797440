"""Local signposting: each council's directory of services, shaped like Open Referral UK /
HSDS 3.0 (a service with its organisation, contacts, eligibility, taxonomy terms, one
location and weekly schedules). National services have no council (``council_code`` NULL).

A row loaded from ``content/`` is ``managed_by = "content"`` and a re-import keeps it in
step with the file; once a council officer edits it in the console (or imports it, or
retires it) it is ``managed_by = "council"`` and a re-import never touches it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import Base

THRIVE = ("thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support")
STATUSES = ("active", "inactive")
MANAGED_BY = ("content", "council")


class DirectoryService(Base):
    """One service (HSDS ``service``), with its organisation, contacts and eligibility."""

    __tablename__ = "directory_service"
    __table_args__ = (
        CheckConstraint(f"thrive IN {THRIVE!r}", name="thrive_known"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        CheckConstraint(f"managed_by IN {MANAGED_BY!r}", name="managed_by_known"),
        CheckConstraint("min_age >= 0 AND min_age <= max_age AND max_age <= 30", name="ages_ordered"),
        CheckConstraint(
            "extended_max_age IS NULL OR (extended_max_age >= max_age AND extended_max_age <= 30)",
            name="extended_age_ordered",
        ),
        Index("ix_directory_service_council_status", "council_code", "status"),
        Index("ix_directory_service_topics", "topics", postgresql_using="gin"),
    )

    # The HSDS id: a content slug ("portsmouth-kooth") or whatever the council's system uses (often a UUID).
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    council_code: Mapped[str | None] = mapped_column(
        ForeignKey("council.code", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str | None] = mapped_column(String(200), default=None)
    thrive: Mapped[str] = mapped_column(String(30))
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    # Eligibility (HSDS minimum_age / maximum_age / eligibility_description); extended_max_age is
    # the upper age for care leavers and young people with an EHCP, when the service says so.
    min_age: Mapped[int] = mapped_column(SmallInteger)
    max_age: Mapped[int] = mapped_column(SmallInteger)
    extended_max_age: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    eligibility: Mapped[str | None] = mapped_column(String(1000), default=None)
    self_referral: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # Contacts (HSDS phones / email / url). Never invented: empty unless a source gives them.
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    sms: Mapped[str | None] = mapped_column(String(30), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    hours: Mapped[str | None] = mapped_column(String(200), default=None)  # opening times in words
    # One location (HSDS location + address): {name, address_1, city, postal_code}.
    location: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    status: Mapped[str] = mapped_column(String(10), default="active")
    crisis_line: Mapped[bool] = mapped_column(Boolean, default=False)
    # Order among national crisis lines (Childline, Shout, Samaritans, NHS 111, 999, ...).
    position: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    contact_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(2000), default=None)
    source: Mapped[str | None] = mapped_column(Text, default=None)
    managed_by: Mapped[str] = mapped_column(String(10), default="council")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )
    last_modified: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, server_default=func.now()
    )

    schedules: Mapped[list[DirectorySchedule]] = relationship(
        back_populates="service",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="DirectorySchedule.position",
    )

    @property
    def national(self) -> bool:
        return self.council_code is None


class DirectorySchedule(Base):
    """A weekly opening (HSDS ``schedule`` with ``freq: WEEKLY``): on these days, from
    ``opens_at`` to ``closes_at`` ("HH:MM", Europe/London; "24:00" is the end of the day)."""

    __tablename__ = "directory_schedule"
    __table_args__ = (CheckConstraint("opens_at < closes_at", name="opens_before_closes"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("directory_service.id", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    days: Mapped[list[str]] = mapped_column(ARRAY(String(3)))
    opens_at: Mapped[str] = mapped_column(String(5))
    closes_at: Mapped[str] = mapped_column(String(5))

    service: Mapped[DirectoryService] = relationship(back_populates="schedules")


__all__ = ["MANAGED_BY", "STATUSES", "THRIVE", "DirectorySchedule", "DirectoryService"]
