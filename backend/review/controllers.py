"""Moderation over HTTP: thin handlers around backend.review.services."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import ValidationException
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import kind_validation_problem
from backend.review import services
from backend.review.schemas import (
    FIELD_HELP,
    AuditList,
    DecisionIn,
    DecisionOut,
    ForumSettingsIn,
    ForumSettingsOut,
    QueueItem,
    QueueList,
    ReasonTemplate,
    WatchedWordIn,
    WatchedWordList,
    WatchedWordOut,
)
from backend.schema_rules import typed
from backend.security import requires_admin, requires_moderator

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000)]

class ModerationController(Controller):
    path = "/api/v1/moderation"
    tags = ["moderation"]
    guards = [requires_moderator]
    exception_handlers = {ValidationException: kind_validation_problem(FIELD_HELP)}

    @get("/queue", summary="The review queue, most urgent first (risk level, then oldest)",
         description="Items are posts waiting for review (kind thread or reply: pending or held) and published "
                     "posts with open reports (kind report). Each item also has spans (why the engine flagged "
                     "it: start/end in its field, title or body), reports, claimed_by and thread_id.")
    async def queue(self, db_session: DB, limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
                    offset: Offset = 0) -> QueueList:
        return typed(QueueList, await services.queue_items(db_session, limit=limit, offset=offset))

    @post("/items/{item_id:uuid}/claim", status_code=HTTP_200_OK,
          summary="Claim an item for 10 minutes (409 if another moderator holds it)")
    async def claim(self, request: Request, db_session: DB, item_id: uuid.UUID) -> QueueItem:
        return typed(QueueItem, await services.claim_item(db_session, request.scope["user"], item_id))

    @delete("/items/{item_id:uuid}/claim", status_code=HTTP_204_NO_CONTENT, summary="Release a claim")
    async def release(self, request: Request, db_session: DB, item_id: uuid.UUID) -> None:
        await services.release_item(db_session, request.scope["user"], item_id)

    @post("/items/{item_id:uuid}/decision", status_code=HTTP_200_OK,
          summary="approve (optionally with edited_title / edited_body), reject (with a reason_code), or "
                  "escalate to the counsellors")
    async def decide(self, request: Request, db_session: DB, item_id: uuid.UUID, data: DecisionIn) -> DecisionOut:
        return typed(DecisionOut, await services.decide_item(
            db_session, request.scope["user"], item_id, action=data.action, reason_code=data.reason_code,
            note=(data.note or "").strip() or None, edited_title=data.edited_title, edited_body=data.edited_body))

    @get("/reasons", summary="Reason templates: what the author reads when a post is rejected")
    async def reasons(self) -> list[ReasonTemplate]:
        return typed(list[ReasonTemplate], services.reason_templates())

    @get("/audit", guards=[requires_admin], summary="The audit log, newest first")
    async def audit(self, db_session: DB, limit: Annotated[int, Parameter(ge=1, le=500)] = 100, offset: Offset = 0,
                    action: Annotated[str | None, Parameter(max_length=40)] = None,
                    target_id: Annotated[str | None, Parameter(max_length=80)] = None) -> AuditList:
        return typed(AuditList, await services.list_audit(db_session, limit=limit, offset=offset, action=action,
                                                          target_id=target_id))

    @get("/watched-words", guards=[requires_admin], summary="Watched words")
    async def watched_words(self, db_session: DB) -> WatchedWordList:
        return typed(WatchedWordList, await services.list_watched_words(db_session))

    @post("/watched-words", guards=[requires_admin], status_code=HTTP_201_CREATED,
          summary="Watch a word (block: never published; hold: needs a moderator; flag: marked, low)",
          description="`*` matches any letters (\"scam*\"). Adding a word already watched changes its action. "
                      "The engine uses it from the next post, in every worker.")
    async def add_watched_word(self, request: Request, db_session: DB, data: WatchedWordIn) -> WatchedWordOut:
        return typed(WatchedWordOut, await services.add_watched_word(db_session, request.scope["user"], data.word,
                                                                     data.action))

    @delete("/watched-words/{word_id:uuid}", guards=[requires_admin], status_code=HTTP_204_NO_CONTENT,
            summary="Stop watching a word")
    async def remove_watched_word(self, request: Request, db_session: DB, word_id: uuid.UUID) -> None:
        await services.remove_watched_word(db_session, request.scope["user"], word_id)

    @get("/settings", guards=[requires_admin], summary="Forum policy: auto-publish (off by default)")
    async def settings(self, db_session: DB) -> ForumSettingsOut:
        return typed(ForumSettingsOut, services.settings_out(await services.forum_settings(db_session)))

    @put("/settings", guards=[requires_admin], status_code=HTTP_200_OK,
         summary="Change the forum policy",
         description="auto_publish: publish clean posts without review when the author has at least "
                     "auto_publish_min_approved (1..100) approved posts, nothing was flagged and nobody reported "
                     "their posts in the last 7 days.")
    async def change_settings(self, request: Request, db_session: DB, data: ForumSettingsIn) -> ForumSettingsOut:
        return typed(ForumSettingsOut, await services.change_forum_settings(
            db_session, request.scope["user"], auto_publish=data.auto_publish,
            auto_publish_min_approved=data.auto_publish_min_approved))
