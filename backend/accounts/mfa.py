"""Staff multi-factor authentication: TOTP (RFC 6238, 30-second steps, 6 digits) with pyotp.

Set-up stores a pending secret and answers it with an ``otpauth://`` URI and a QR code (SVG,
drawn by segno); a correct code confirms it. A code is accepted within one step either side
of now, and only for a time step later than the last one accepted, so no code works twice.
"""

from __future__ import annotations

import datetime as dt
import hmac
import io
import uuid

import pyotp
import segno
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.models import StaffMfa, User
from backend.errors import Conflict, Forbidden

ISSUER = "Waymark"
DRIFT_STEPS = 1  # accept the code of the step before and after now (clocks drift)


def matching_counter(secret: str, code: str, at: dt.datetime, last_counter: int) -> int | None:
    """The time step whose code ``code`` is, within DRIFT_STEPS of ``at`` and later than
    ``last_counter``; None when the code is wrong or already used. Pure: the clock is ``at``."""
    code = "".join(ch for ch in code if not ch.isspace())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > last_counter:
            found = step
    return found


def otpauth_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an SVG document (dark on light, with its quiet zone)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, dark="#111", light="#fff", xmldecl=False,
                                     title="QR code for your authenticator app")
    return buffer.getvalue().decode()


async def _row(db: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> StaffMfa | None:
    stmt = select(StaffMfa).where(StaffMfa.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await db.execute(stmt)).scalars().first()


async def begin_mfa_setup(db: AsyncSession, user_id: uuid.UUID) -> dict[str, str]:
    """A new secret waiting for its first code (an enabled one stays in use until then)."""
    user = await db.get(User, user_id)
    if user is None or user.role == "young_person":
        raise Forbidden("Two-step log-in is for staff accounts.")
    secret = pyotp.random_base32()
    row = await _row(db, user_id, for_update=True)
    if row is None:
        db.add(StaffMfa(user_id=user_id, pending_secret=secret, last_counter=0))
    else:
        row.pending_secret = secret
    uri = otpauth_uri(secret, user.email or user.username)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg(uri)}


async def confirm_mfa(db: AsyncSession, user_id: uuid.UUID, code: str, now: dt.datetime) -> bool:
    """Turn the pending secret on when ``code`` fits it. False for a wrong code."""
    row = await _row(db, user_id, for_update=True)
    if row is None or not row.pending_secret:
        raise Conflict("Please start setting up two-step log-in first.", code="mfa_not_started")
    step = matching_counter(row.pending_secret, code, now, 0)
    if step is None:
        return False
    row.secret, row.pending_secret, row.enabled_at, row.last_counter = row.pending_secret, None, now, step
    return True


async def check_login_code(db: AsyncSession, user_id: uuid.UUID, code: str | None, now: dt.datetime) -> bool:
    """True when the account has no second factor, or ``code`` is a fresh right one (its
    step is then recorded in the same statement, so two racing log-ins cannot share it)."""
    row = await _row(db, user_id)
    if row is None or row.secret is None or row.enabled_at is None:
        return True
    if not code:
        return False
    step = matching_counter(row.secret, code, now, row.last_counter)
    if step is None:
        return False
    taken = await db.execute(update(StaffMfa).where(StaffMfa.user_id == user_id, StaffMfa.last_counter < step)
                             .values(last_counter=step).returning(StaffMfa.user_id))
    return taken.first() is not None


async def remove_mfa(db: AsyncSession, user_id: uuid.UUID) -> None:
    row = await _row(db, user_id, for_update=True)
    if row is not None:
        await db.delete(row)


async def mfa_enabled_ids(db: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    rows = await db.execute(select(StaffMfa.user_id).where(StaffMfa.user_id.in_(user_ids),
                                                           StaffMfa.enabled_at.is_not(None)))
    return set(rows.scalars().all())
