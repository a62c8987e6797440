"""Accounts: young people (anonymous) and staff, and the server-side sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.base import UUIDPrimaryKey
from advanced_alchemy.extensions.litestar.session import SessionModelMixin
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.database import Base

ROLES = ("young_person", "counsellor", "supervisor", "moderator", "council_admin", "admin")
STAFF_ROLES = ("counsellor", "supervisor", "moderator", "council_admin", "admin")
EXTENDED_ELIGIBILITY = ("care_leaver", "ehcp")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class User(UUIDPrimaryKey, Base):
    """One person. A young person is known only by a username, month and year of birth
    and council; staff also have a work e-mail and a first name."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="birth_month_range"),
        Index("uq_user_account_username_key", text("lower(username)"), unique=True),
        Index("uq_user_account_email_key", text("lower(email)"), unique=True, postgresql_where=text("email IS NOT NULL")),
        Index("uq_user_account_username_skeleton", "username_skeleton", unique=True,
              postgresql_where=text("username_skeleton IS NOT NULL")),
    )

    username: Mapped[str] = mapped_column(String(64))
    # What the name looks like at a glance (backend.accounts.rules.username_skeleton): a
    # young person's name is unique by it, so no one can pass for someone else.
    username_skeleton: Mapped[str | None] = mapped_column(String(64), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    display_name: Mapped[str | None] = mapped_column(String(40), default=None)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    recovery_code_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    council_code: Mapped[str | None] = mapped_column(ForeignKey("council.code"), default=None, index=True)
    birth_month: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    extended_eligibility: Mapped[str | None] = mapped_column(String(20), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, server_default=func.now())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class WebSession(SessionModelMixin, Base):
    """Server-side session rows (Litestar's session middleware, advanced-alchemy backend)."""

    __tablename__ = "web_session"


class LoginThrottle(Base):
    """Failed log-in counts per account and per address, shared by every worker."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


__all__ = ["ROLES", "STAFF_ROLES", "EXTENDED_ELIGIBILITY", "User", "WebSession", "LoginThrottle", "uuid"]
