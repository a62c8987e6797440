"""Anonymous usage events for the commissioning figures. No user id, no exact time:
the council, an age band, the local date and hour, and what happened."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Identity, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.database import Base


class UsageEvent(Base):
    __tablename__ = "usage_event"
    __table_args__ = (Index("ix_usage_event_council_date", "council_code", "local_date"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # signup, login, ...
    council_code: Mapped[str | None] = mapped_column(String(9))
    age_band: Mapped[str | None] = mapped_column(String(8))
    local_date: Mapped[dt.date] = mapped_column(Date)
    local_hour: Mapped[int] = mapped_column(SmallInteger)
    local_weekday: Mapped[int] = mapped_column(SmallInteger)  # Monday 0
    topic: Mapped[str | None] = mapped_column(String(40), default=None)
