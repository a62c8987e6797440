"""Safeguarding alerts over HTTP: thin handlers around backend.safeguarding.services."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.ext.asyncio import AsyncSession

from backend.safeguarding import services
from backend.safeguarding.schemas import AcknowledgeIn, Alert, Alerts
from backend.schema_rules import typed
from backend.security import requires_role

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]

# Reading: everyone who may need to act on risk. Acknowledging ("I am on it"): counsellors.
requires_alert_reader = requires_role("counsellor", "supervisor", "moderator", "admin")
requires_alert_handler = requires_role("counsellor", "supervisor", "admin")


class SafeguardingController(Controller):
    path = "/api/v1/safeguarding"
    tags = ["safeguarding"]

    @get("/alerts", guards=[requires_alert_reader],
         summary="Safeguarding alerts (from posts, message threads and chats), newest first",
         description="status: open (default), acknowledged or all. Each alert is about one author: kind and "
                     "source_id of its first item, level and categories (the highest and all found), author (the "
                     "pseudonymous username), council_code, note, automatic, status, and items: every post, "
                     "thread or chat message it covers (kind, source_id, reference, level, categories, "
                     "created_at). One author's automatic alerts within an hour are one alert. An alert about a "
                     "post, and each post item, also has post_id, thread_id, thread_title, board, body, "
                     "post_created_at and post_status (read from the post: an item stores no text).")
    async def alerts(self, db_session: DB, status: Annotated[str, Parameter(max_length=20, schema_extra={"enum": ["open", "acknowledged", "all"]})] = "open",
                     limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
                     offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0) -> Alerts:
        return typed(Alerts, await services.list_alerts(db_session, status, limit=limit, offset=offset))

    @post("/alerts/{alert_id:uuid}/acknowledge", guards=[requires_alert_handler], status_code=HTTP_200_OK,
          summary="Acknowledge an alert (409 when someone already has)")
    async def acknowledge(self, request: Request, db_session: DB, alert_id: uuid.UUID,
                          data: AcknowledgeIn | None = None) -> Alert:
        note = ((data.note or "").strip() or None) if data else None
        return typed(Alert, await services.acknowledge_alert(db_session, request.scope["user"], alert_id, note))
