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

from backend.accounts.models import User
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

    @classmethod
    def from_model(cls, user: User) -> CurrentUser:
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            council_code=user.council_code,
            birth_month=user.birth_month,
            birth_year=user.birth_year,
            extended_eligibility=user.extended_eligibility,
            display_name=user.display_name,
        )

    def as_public(self) -> dict[str, object]:
        return {"id": str(self.id), "username": self.username, "role": self.role, "council_code": self.council_code}


_COLUMNS = (
    User.id, User.username, User.role, User.council_code, User.birth_month,
    User.birth_year, User.extended_eligibility, User.display_name,
)


def forget_user(user_id: uuid.UUID) -> None:
    """Nothing to forget: the user is read on every request (kept for callers)."""


def forget_all_users() -> None:
    """Nothing to forget: the user is read on every request (kept for callers)."""


async def load_current_user(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> CurrentUser | None:
    """The user, read on every request (one short Core query): a deleted account or a
    changed role takes effect at once on every worker, with no cache to outlive it."""
    async with sessionmaker() as db:
        row = (await db.execute(select(*_COLUMNS).where(User.id == user_id))).first()
    return CurrentUser(*row) if row else None


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
