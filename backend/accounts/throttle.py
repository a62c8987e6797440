"""Slowing password (and recovery code) guessing down without locking the owner out.

- Per account: the first ``ACCOUNT_FREE_FAILURES`` failures in a window cost nothing;
  each later one makes the next try wait longer (4 s, 8 s, 16 s ... never more than
  ``ACCOUNT_MAX_DELAY``). Usernames are public, so a stranger can never lock the owner
  out for more than that.
- Per address: ``ADDRESS_FAILURE_LIMIT`` failures in a window lock that address (an IPv6
  address by its /64) for ``ADDRESS_LOCKOUT``: the guesser's own address, not the owner's.
- A device that signed in to the account before (it carries a signed device token) skips
  the account's delay and the address lock: the owner on their own phone gets through.
  Its failures count against that device, with the address's limit.
- The recovery code has keys of its own, so a delayed log-in never blocks recovery.

Keys are fixed-size hashes (a long or odd address or name cannot overflow the column),
and when the counts cannot be read or written the attempt is refused (never let through
uncounted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.models import LoginThrottle
from backend.after_commit import sessionmaker_of
from backend.errors import Throttled, Unavailable

WINDOW = dt.timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 4
ACCOUNT_MAX_DELAY = dt.timedelta(seconds=60)
ADDRESS_FAILURE_LIMIT = 20
ADDRESS_LOCKOUT = dt.timedelta(minutes=15)
DEVICE_COOKIE = "waymark_device"
DEVICE_TOKENS_KEPT = 4


def _hashed(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"


def account_key(login_name: str, purpose: str = "login") -> str:
    """The throttle key of an account's log-in (``purpose="login"``) or recovery."""
    return _hashed(f"{purpose}-account", login_name.strip().lower())


def address_key(address: str | None) -> str | None:
    """The key of a client address: IPv4 as is, IPv6 by its /64 (one household or phone
    has a whole /64), anything unparseable hashed as written."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _hashed("address", address)
    if ip.version == 6:
        return _hashed("address", str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return _hashed("address", str(ip))


def device_key(token: str) -> str:
    return _hashed("device", token)


# --- device tokens ------------------------------------------------------------------------


def device_token(secret: str, login_name: str) -> str:
    """A token this device gets when it signs in to an account: an HMAC of the name, so
    it says nothing readable and cannot be made for another account."""
    mac = hmac.new(secret.encode(), f"device:{login_name.strip().lower()}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def device_tokens(cookie: str | None) -> list[str]:
    return [t for t in (cookie or "").split(".") if len(t) == 32][:DEVICE_TOKENS_KEPT]


def known_device(secret: str, cookie: str | None, login_name: str) -> str | None:
    """The device's token for this account when it signed in to it before, else None."""
    expected = device_token(secret, login_name)
    return next((t for t in device_tokens(cookie) if hmac.compare_digest(t, expected)), None)


def remembered(secret: str, cookie: str | None, login_name: str) -> str:
    """The device cookie's new value: this account's token first, a few others kept."""
    token = device_token(secret, login_name)
    return ".".join([token, *[t for t in device_tokens(cookie) if t != token]][:DEVICE_TOKENS_KEPT])


# --- counting -------------------------------------------------------------------------------


@contextmanager
def _fail_closed() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise Unavailable("We can't check that right now. Please try again in a minute.", retry_after=60) from exc


def _too_many(wait: int) -> Throttled:
    words = f"{wait} seconds" if wait < 120 else f"{wait // 60} minutes"
    return Throttled(f"Too many tries. Please wait {words} and try again.", code="too_many_tries", retry_after=wait)


async def check(db: AsyncSession, keys: list[str], now: dt.datetime) -> None:
    """Refuse (``Throttled``, with the wait) while any of ``keys`` must wait."""
    with _fail_closed():
        rows = (await db.execute(select(LoginThrottle.locked_until).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now))).scalars().all()
    if rows:
        raise _too_many(int((max(rows) - now).total_seconds()) + 1)


async def _count(db: AsyncSession, key: str, now: dt.datetime) -> int:
    """Add one failure to ``key``'s window (a fresh window when the old one is over) in
    one statement, so parallel attempts on several workers count correctly."""
    table = LoginThrottle.__table__
    window_over = table.c.window_started_at < now - WINDOW
    stmt = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
        "failures": case((window_over, 1), else_=table.c.failures + 1),
        "window_started_at": case((window_over, now), else_=table.c.window_started_at),
    }).returning(table.c.failures)
    return (await db.execute(stmt)).scalar_one()


async def _lock(db: AsyncSession, key: str, until: dt.datetime) -> None:
    await db.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=until))


def account_delay(failures: int) -> dt.timedelta | None:
    """How long the account waits after ``failures`` failures in a window."""
    if failures <= ACCOUNT_FREE_FAILURES:
        return None
    doublings = min(failures - ACCOUNT_FREE_FAILURES + 1, 16)  # past the cap anyway: no huge numbers
    return min(dt.timedelta(seconds=2 ** doublings), ACCOUNT_MAX_DELAY)


async def count_failure(db: AsyncSession, *, account: str, address: str | None, device: str | None,
                        now: dt.datetime) -> None:
    """Count one failed try in a transaction of its own, committed at once: the request
    itself fails afterwards and its own transaction rolls back (the one place a refusal
    must still leave something stored)."""
    with _fail_closed():
        async with sessionmaker_of(db)() as own:
            if device:  # a known device: its own count, and the address's; the owner's delay is untouched
                if await _count(own, device, now) >= ADDRESS_FAILURE_LIMIT:
                    await _lock(own, device, now + ADDRESS_LOCKOUT)
            elif (delay := account_delay(await _count(own, account, now))) is not None:
                await _lock(own, account, now + delay)
            if address and await _count(own, address, now) >= ADDRESS_FAILURE_LIMIT:
                await _lock(own, address, now + ADDRESS_LOCKOUT)
            await own.commit()


async def forget(db: AsyncSession, *keys: str) -> None:
    """A success (or a deleted account) clears its keys."""
    await db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))


async def purge_expired(db: AsyncSession, now: dt.datetime) -> int:
    """Delete rows whose window and lock are both over (run on a schedule)."""
    result = await db.execute(delete(LoginThrottle).where(
        LoginThrottle.window_started_at < now - WINDOW,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now)))
    return result.rowcount or 0
