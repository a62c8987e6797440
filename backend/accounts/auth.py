"""Who is asking: loads the signed-in user for each HTTP request and WebSocket.

A plain ASGI middleware after the session middleware: when the session names a user, one
short query loads them; a deleted account simply reads as signed out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import ASGIApp, Receive, Scope, Scopes, Send
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.accounts.models import StaffMfa, User
from backend.errors import Problem
from backend.security import session_user_id


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


async def load_current_user(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> CurrentUser | None:
    """The user, read on every request (one short Core query): a deleted account or a
    changed role takes effect at once on every worker, with no cache to outlive it."""
    async with sessionmaker() as db:
        row = (await db.execute(select(*_COLUMNS).outerjoin(StaffMfa, StaffMfa.user_id == User.id)
                                .where(User.id == user_id))).first()
    user = CurrentUser(*(row[:-1]), mfa_enabled=bool(row[-1])) if row else None
    if user is not None and user.disabled:  # a switched-off account reads as signed out
        user = None
    return user


class CurrentUserMiddleware(AbstractMiddleware):
    scopes: Scopes = {ScopeType.HTTP, ScopeType.WEBSOCKET}
    exclude = ["^/health", "^/metrics", "^/schema"]

    def __init__(self, app: ASGIApp, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(app)
        self.sessionmaker = sessionmaker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = None
        if "session" in scope:
            uid = session_user_id(ASGIConnection(scope))
            if uid is not None:
                user = await load_current_user(self.sessionmaker, uid)
                if user is None:  # the account is gone: forget the session
                    ASGIConnection(scope).clear_session()
        scope["user"] = user
        await self.app(scope, receive, send)


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


async def requires_first_steps(connection: ASGIConnection, _: object) -> None:
    """An app-wide guard: a temporary password, or missing staff MFA, blocks everything else."""
    settings = connection.app.state.settings
    step = first_step_required(connection.scope.get("user"), connection.scope["path"], settings.staff_mfa_required)
    if step is not None:
        raise Problem(403, _FIRST_STEP_DETAIL[step], code=step)
