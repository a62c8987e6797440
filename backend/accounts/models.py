"""Accounts: young people (anonymous) and staff, and the server-side sessions."""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.base import UUIDPrimaryKey
from advanced_alchemy.extensions.litestar.session import SessionModelMixin
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base

ROLES = ("young_person", "counsellor", "supervisor", "moderator", "council_admin", "admin")
STAFF_ROLES = ("counsellor", "supervisor", "moderator", "council_admin", "admin")
EXTENDED_ELIGIBILITY = ("care_leaver", "ehcp")


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
    # Staff only: an admin can switch an account off; a temporary password must be changed first.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # A temporary password stops working after this (OWASP ASVS: initial secrets expire soon).
    temporary_password_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class WebSession(SessionModelMixin, Base):
    """Server-side session rows (Litestar's session middleware, advanced-alchemy backend)."""

    __tablename__ = "web_session"


class StaffMfa(Base):
    """A staff member's TOTP (RFC 6238) second factor. ``pending_secret`` is set up but not yet
    confirmed; ``secret`` is in use once confirmed. ``last_counter`` is the time step of the
    last code accepted, so a code cannot be used twice within its window."""

    __tablename__ = "staff_mfa"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(64), default=None)
    pending_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    enabled_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_counter: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))


class LoginThrottle(Base):
    """Failed log-in counts per account and per address, shared by every worker."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


__all__ = ["ROLES", "STAFF_ROLES", "EXTENDED_ELIGIBILITY", "User", "WebSession", "LoginThrottle", "StaffMfa", "uuid"]
