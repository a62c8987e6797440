"""Messages to the team over HTTP (thin: the rules are in services.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import Dependency
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from backend.messages import history, services
from backend.messages.schemas import (
    ClaimOut,
    CloseOut,
    History,
    Inbox,
    MessageIn,
    MessagePosted,
    MyThreads,
    ThreadIn,
    ThreadOut,
    ThreadStarted,
)
from backend.schema_rules import typed
from backend.security import COUNSELLING_ROLES, requires_counsellor, requires_role, requires_young_person

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
requires_thread_reader = requires_role("young_person", *COUNSELLING_ROLES)


class MessagesController(Controller):
    path = "/api/v1/messages"
    tags = ["messages"]

    @post("/threads", guards=[requires_young_person], status_code=HTTP_201_CREATED,
          summary="Write to the counselling team (any hour; a reply comes later)")
    async def start(self, request: Request, db_session: DB, data: ThreadIn) -> ThreadStarted:
        return typed(ThreadStarted, await services.start_thread(db_session, request.scope["user"], subject=data.subject,
                                                                body=data.body, client_id=data.client_id))

    @get("/threads", guards=[requires_young_person], summary="My messages to the team, newest first")
    async def mine(self, request: Request, db_session: DB) -> MyThreads:
        items = await services.threads_of(db_session, request.scope["user"])
        return typed(MyThreads, {"items": items, "total": len(items)})

    @get("/threads/{thread_id:uuid}", guards=[requires_thread_reader], summary="A conversation (marks it read)")
    async def read(self, request: Request, db_session: DB, thread_id: uuid.UUID) -> ThreadOut:
        return typed(ThreadOut, await services.read_thread(db_session, request.scope["user"], thread_id))

    @post("/threads/{thread_id:uuid}/messages", guards=[requires_thread_reader], status_code=HTTP_201_CREATED,
          summary="Add a message, or reply as the team")
    async def post_message(self, request: Request, db_session: DB, thread_id: uuid.UUID,
                           data: MessageIn) -> MessagePosted:
        return typed(MessagePosted, await services.post_message(db_session, request.scope["user"], thread_id,
                                                                body=data.body, client_id=data.client_id))

    @get("/inbox", guards=[requires_counsellor], summary="Threads awaiting a reply: most urgent first, then oldest")
    async def inbox(self, db_session: DB) -> Inbox:
        items = await services.inbox(db_session)
        return typed(Inbox, {"items": items, "total": len(items)})

    @post("/threads/{thread_id:uuid}/claim", guards=[requires_counsellor], status_code=HTTP_200_OK)
    async def claim(self, request: Request, db_session: DB, thread_id: uuid.UUID) -> ClaimOut:
        return typed(ClaimOut, await services.claim_thread(db_session, request.scope["user"], thread_id))

    @post("/threads/{thread_id:uuid}/close", guards=[requires_counsellor], status_code=HTTP_200_OK)
    async def close(self, request: Request, db_session: DB, thread_id: uuid.UUID) -> CloseOut:
        return typed(CloseOut, await services.close_thread(db_session, request.scope["user"], thread_id))


class ChatHistoryController(Controller):
    """Continuity beside a chat: the same young person's earlier chats and message threads."""

    path = "/api/v1/chat/sessions"
    tags = ["chat"]

    @get("/{session_id:uuid}/history", guards=[requires_counsellor],
         summary="The young person's earlier chats and message threads, newest first")
    async def history(self, request: Request, db_session: DB, session_id: uuid.UUID) -> History:
        items = await history.history_for_chat(db_session, request.scope["user"], session_id)
        return typed(History, {"items": items, "total": len(items)})
