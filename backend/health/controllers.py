from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get
from litestar.exceptions import ServiceUnavailableException
from litestar.params import Dependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class LiveOut(msgspec.Struct):
    status: Literal["live"]


class ReadyOut(msgspec.Struct):
    status: Literal["ready"]
    moderation_rules: Literal["compiled", "compiling"]


class HealthController(Controller):
    path = "/health"
    include_in_schema = False
    opt = {"skip_rate_limiting": True}

    @get("/live")
    async def live(self) -> LiveOut:
        return LiveOut(status="live")

    @get("/ready")
    async def ready(self, db_session: Annotated[AsyncSession, Dependency(skip_validation=True)]) -> ReadyOut:
        try:
            await db_session.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            raise ServiceUnavailableException("The database is not answering yet.") from exc
        from moderation import default_rules_compiled

        # "compiling": assessing may still compile a rule on first use (slower, never wrong).
        return ReadyOut(status="ready", moderation_rules="compiled" if default_rules_compiled() else "compiling")
