"""The peer forums over HTTP: thin handlers around backend.forums.services."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.exceptions import ValidationException
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.chat.opening import chat_is_open
from backend.clock import utcnow
from backend.errors import kind_validation_problem
from backend.forums import services
from backend.forums.schemas import (
    FIELD_HELP,
    REACTION_KINDS,
    BoardOut,
    MyPosts,
    PostAnswer,
    ReactionIn,
    ReactionsOut,
    ReplyIn,
    ReportIn,
    ReportOut,
    ThreadIn,
    ThreadList,
    ThreadOut,
)
from backend.schema_rules import typed
from backend.security import requires_login, requires_young_person

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
Limit = Annotated[int, Parameter(ge=1, le=100, description="how many (1..100)")]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000)]


async def chat_open(db: AsyncSession) -> bool:
    """Whether the counsellors' chat is open now (the weekly hours and any closure)."""
    return await chat_is_open(db, utcnow())


class _Forum(Controller):
    tags = ["forums"]
    exception_handlers = {ValidationException: kind_validation_problem(FIELD_HELP)}


class BoardController(_Forum):
    path = "/api/v1/boards"

    @get("", summary="The forum boards", cache=False)
    async def boards(self, db_session: DB) -> list[BoardOut]:
        return typed(list[BoardOut], await services.list_boards(db_session))

    @get("/{slug:str}/threads", guards=[requires_login],
         summary="Published threads of a board, newest activity first")
    async def threads(self, request: Request, db_session: DB, slug: str, limit: Limit = 20,
                      offset: Offset = 0) -> ThreadList:
        return typed(ThreadList, await services.list_threads(db_session, slug, limit=limit, offset=offset,
                                                             reader=request.scope["user"]))

    @post("/{slug:str}/threads", guards=[requires_young_person], status_code=HTTP_202_ACCEPTED,
          summary="Start a thread (assessed, then pre-moderated)",
          description="202 {id, status, thread_id, message, support?}. status: pending (waiting for a moderator), "
                      "held (needs a human; the answer carries support: kind words, crisis lines and a counsellor), "
                      "rejected (message says why, kindly) or published (auto-publish, when the admin turned it "
                      "on). The same client_id twice stores one post. 429 with Retry-After when posting too "
                      "often (new members: 3 an hour).")
    async def start_thread(self, request: Request, db_session: DB, slug: str, data: ThreadIn) -> PostAnswer:
        return typed(PostAnswer, await services.submit_post(
            db_session, request.scope["user"], board_slug=slug, title=data.title, body=data.body,
            client_id=data.client_id, chat_open=await chat_open(db_session)))


class ThreadController(_Forum):
    path = "/api/v1/threads"

    @get("/{thread_id:uuid}", guards=[requires_login],
         summary="A thread: published posts and the reader's own unpublished ones")
    async def thread(self, request: Request, db_session: DB, thread_id: uuid.UUID) -> ThreadOut:
        return typed(ThreadOut, await services.read_thread(db_session, thread_id, request.scope["user"]))

    @post("/{thread_id:uuid}/posts", guards=[requires_young_person], status_code=HTTP_202_ACCEPTED,
          summary="Reply to a published thread (assessed, then pre-moderated)")
    async def reply(self, request: Request, db_session: DB, thread_id: uuid.UUID, data: ReplyIn) -> PostAnswer:
        return typed(PostAnswer, await services.submit_post(
            db_session, request.scope["user"], thread_id=thread_id, body=data.body, client_id=data.client_id,
            chat_open=await chat_open(db_session)))


class PostController(_Forum):
    path = "/api/v1/posts"

    @post("/{post_id:uuid}/reactions", guards=[requires_young_person], status_code=HTTP_201_CREATED,
          summary="React to a post",
          description="kind: " + ", ".join(f"{k} ({v})" for k, v in REACTION_KINDS.items())
          + ". Idempotent. Reactions are never counted: a post shows which kinds were used and which are yours.")
    async def react(self, request: Request, db_session: DB, post_id: uuid.UUID, data: ReactionIn) -> ReactionsOut:
        return typed(ReactionsOut, await services.add_reaction(db_session, request.scope["user"], post_id, data.kind))

    @delete("/{post_id:uuid}/reactions/{kind:str}", guards=[requires_young_person], status_code=HTTP_204_NO_CONTENT,
            summary="Take a reaction back")
    async def unreact(self, request: Request, db_session: DB, post_id: uuid.UUID,
                      kind: Annotated[str, Parameter(schema_extra={"enum": sorted(REACTION_KINDS)})]) -> None:
        await services.remove_reaction(db_session, request.scope["user"], post_id, kind)

    @post("/{post_id:uuid}/reports", guards=[requires_login], status_code=HTTP_201_CREATED,
          summary="Report a post to the moderators")
    async def report(self, request: Request, db_session: DB, post_id: uuid.UUID, data: ReportIn) -> ReportOut:
        return typed(ReportOut, await services.report_post(db_session, request.scope["user"], post_id, data.reason))


class MyPostsController(_Forum):
    path = "/api/v1/me"

    @get("/posts", guards=[requires_young_person],
         summary="My posts in every state, newest first, with the moderator's reason for a rejection")
    async def my_posts(self, request: Request, db_session: DB, limit: Limit = 50, offset: Offset = 0
                       ) -> MyPosts:
        return typed(MyPosts, await services.my_posts(db_session, request.scope["user"].id, limit=limit, offset=offset))
