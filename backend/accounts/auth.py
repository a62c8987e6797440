"""Who is asking: loads the signed-in user for each HTTP request and WebSocket.

A plain ASGI middleware after the session middleware: when the session names a user, one
short query loads them; a deleted account simply reads as signed out.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.base import SessionMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.accounts.models import StaffMfa, User
from backend.errors import Forbidden
from backend.security import caching_enabled, forgetting, note_forgetting, session_user_id, single_flight
from backend.short_memory import ShortMemory


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: uuid.UUID
    username: str
    role: str
    council_code: str | None
    birth_month: int | None
    birth_year: int | None
    extended_eligibility: str | None
    display_name: str | None
    disabled: bool = False
    password_change_required: bool = False
    mfa_enabled: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role != "young_person"


_COLUMNS = (
    User.id, User.username, User.role, User.council_code, User.birth_month,
    User.birth_year, User.extended_eligibility, User.display_name, User.disabled, User.password_change_required,
    StaffMfa.enabled_at.is_not(None),
)


# Who is signed in, kept per worker only while the worker hears the notices that make it
# forget (backend.accounts.sessions: ``waymark_user_changed`` from a trigger on every change
# to what is kept, and the sign-out notices); USER_CACHE_SECONDS is only a backstop.
USER_CACHE_SECONDS = 60.0
_USERS: ShortMemory[uuid.UUID, CurrentUser | None] = ShortMemory(maxsize=50_000, ttl=USER_CACHE_SECONDS)
_MISSING = object()
_READS: dict[uuid.UUID, asyncio.Future] = {}


def forget_user(user_id: uuid.UUID) -> None:
    """Forget one person at once in this worker (their account changed or was deleted)."""
    note_forgetting()
    _USERS.pop(user_id, None)
    _READS.pop(user_id, None)  # a read under way may be stale: later requests read anew


def forget_all_users() -> None:
    """Forget everyone (a notice may have been missed)."""
    note_forgetting()
    _USERS.clear()
    _READS.clear()


# The one statement of "who is asking", compiled once (asyncpg's $1 style) and sent as a
# prepared statement on a connection of the reader's own pool: no ORM session, no
# BEGIN/ROLLBACK around it. It was the largest part of a signed-in request (bench/README.md).
_WHO_SQL = str(select(*_COLUMNS).outerjoin(StaffMfa, StaffMfa.user_id == User.id)
               .where(User.id == bindparam("uid")).compile(dialect=asyncpg_dialect()))
WHO_POOL_SIZE = 4  # connections per worker; one short query each per signed-in request


async def _keep_as_is(_conn: Any) -> None:
    """Give a connection back without asyncpg's reset query (UNLISTEN *, RESET ALL, ...): it
    only ever runs one read-only statement, outside any transaction."""


class UserReader:
    """Reads the signed-in user with one prepared statement on a small asyncpg pool of its
    own (opened on first use in the worker's event loop), and keeps them while the worker
    hears change notices: a deleted, switched-off or changed account is forgotten by every
    worker as soon as its change commits."""

    def __init__(self, dsn: str, pool_size: int = WHO_POOL_SIZE) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self._pool: Any = None
        self._opening: asyncio.Lock | None = None

    async def _get_pool(self) -> Any:
        if self._pool is None:
            self._opening = self._opening or asyncio.Lock()
            async with self._opening:
                if self._pool is None:
                    import asyncpg

                    self._pool = await asyncpg.create_pool(self.dsn, min_size=0, max_size=self.pool_size,
                                                           reset=_keep_as_is, command_timeout=10,
                                                           max_inactive_connection_lifetime=300)
        return self._pool

    async def load(self, user_id: uuid.UUID) -> CurrentUser | None:
        keep = caching_enabled()
        if keep and (hit := _USERS.get(user_id, _MISSING)) is not _MISSING:
            return hit  # type: ignore[return-value]
        return await single_flight(_READS, user_id, lambda: self._read_and_keep(user_id, keep))

    async def _read_and_keep(self, user_id: uuid.UUID, keep: bool) -> CurrentUser | None:
        forgets = forgetting()
        user = await self.read(user_id)
        if keep and caching_enabled() and forgets == forgetting():  # nothing forgotten meanwhile
            _USERS[user_id] = user  # bounded: the oldest go first when it is full
        return user

    async def read(self, user_id: uuid.UUID) -> CurrentUser | None:
        pool = await self._get_pool()
        async with pool.acquire(timeout=10) as conn:
            row = await conn.fetchrow(_WHO_SQL, user_id)
        if row is None or row["disabled"]:  # gone, or switched off: reads as signed out
            return None
        return CurrentUser(user_id, *row[1:-1], mfa_enabled=bool(row[-1]))

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()


async def load_current_user(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> CurrentUser | None:
    """The user through the ORM (for code that has a sessionmaker but no UserReader)."""
    async with sessionmaker() as db:
        row = (await db.execute(select(*_COLUMNS).outerjoin(StaffMfa, StaffMfa.user_id == User.id)
                                .where(User.id == user_id))).first()
    user = CurrentUser(*(row[:-1]), mfa_enabled=bool(row[-1])) if row else None
    if user is not None and user.disabled:  # a switched-off account reads as signed out
        user = None
    return user


class SessionUserMiddleware(SessionMiddleware):
    """Litestar's session middleware (the session from its cookie, written back on the
    answer), which then also says who is asking: ``scope["user"]`` (None when anonymous).
    While a temporary password or missing staff MFA is in the way, it refuses every call but
    the first steps (this check was an app-wide guard: Litestar copies the route handler for
    each guard on every request). One layer instead of two: each layer costs every request."""

    def __init__(self, app: ASGIApp, backend: Any, reader: UserReader, mfa_required: bool = False) -> None:
        super().__init__(app, backend)
        self.reader = reader
        self.mfa_required = mfa_required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection = ASGIConnection(scope, receive=receive, send=send)
        scope["session"] = session = await self.backend.load_from_connection(connection)
        connection._connection_state.session_id = self.backend.get_session_id(connection)
        user = None
        if session and (uid := session_user_id(connection)) is not None:
            user = await self.reader.load(uid)
            if user is None:  # the account is gone: forget the session
                connection.clear_session()
            elif step := first_step_required(user, scope["path"], self.mfa_required):
                raise Forbidden(_FIRST_STEP_DETAIL[step], code=step)
        scope["user"] = user
        await self.app(scope, receive, self.create_send_wrapper(connection))


# --- what an account must do first ----------------------------------------------------------

# While a temporary password is in use, only these calls answer; every other one is 403.
PASSWORD_CHANGE_PATHS = frozenset({"/api/v1/me/password", "/api/v1/auth/logout", "/api/v1/auth/login"})
# With WAYMARK_STAFF_MFA=required, a staff member without TOTP may only set it up.
MFA_SETUP_PATHS = PASSWORD_CHANGE_PATHS | {"/api/v1/auth/mfa/setup", "/api/v1/auth/mfa/confirm"}


def first_step_required(user: CurrentUser | None, path: str, mfa_required: bool) -> str | None:
    """``password_change_required`` or ``mfa_setup_required`` when this call must wait for it."""
    if user is None or not path.startswith("/api/"):
        return None
    if user.password_change_required and path.rstrip("/") not in PASSWORD_CHANGE_PATHS:
        return "password_change_required"
    if mfa_required and user.is_staff and not user.mfa_enabled and path.rstrip("/") not in MFA_SETUP_PATHS:
        return "mfa_setup_required"
    return None


_FIRST_STEP_DETAIL = {
    "password_change_required": "Please choose a new password first: you logged in with a temporary one.",
    "mfa_setup_required": "Please set up two-step log-in first (an authenticator app on your phone).",
}
