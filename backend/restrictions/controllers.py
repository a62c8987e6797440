"""Acting on an account over HTTP: thin handlers around backend.restrictions.services."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, Request, delete, get, post
from litestar.exceptions import ValidationException
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import kind_validation_problem
from backend.restrictions import services
from backend.restrictions.schemas import (
    FIELD_HELP,
    AppealDecided,
    AppealDecisionIn,
    AppealIn,
    AppealMade,
    AppealsForStaff,
    AuthorPage,
    MyAppeals,
    MyRestrictions,
    RestrictionIn,
    RestrictionMade,
)
from backend.schema_rules import typed
from backend.security import requires_moderator, requires_young_person

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]


def _clean(note: str | None) -> str | None:
    return (note or "").strip() or None


class AccountModerationController(Controller):
    path = "/api/v1/moderation"
    tags = ["moderation"]
    guards = [requires_moderator]
    exception_handlers = {ValidationException: kind_validation_problem(FIELD_HELP)}

    @get("/users/{user_id:uuid}", summary="The author page: their posts, reports and restrictions",
         description="posts.held counts posts waiting for review or held; reports counts reports made against "
                     "their posts; lifted and expired restrictions stay listed with lifted_at. Also "
                     "recent_posts and recent_reports (up to 20 each, newest first).")
    async def author(self, db_session: DB, user_id: uuid.UUID) -> AuthorPage:
        return typed(AuthorPage, await services.author_page(db_session, user_id))

    @post("/users/{user_id:uuid}/restrictions", status_code=HTTP_201_CREATED,
          summary="Warn, hold every post for review, or suspend (until a date, or until lifted)",
          description="kind: warn (shown once), hold_all (every post held for review) or suspend (no posts, "
                      "replies, reactions or reports). reason_code: an account reason from /moderation/reasons. "
                      "note: private to staff. until: in the future, or left out. Staff accounts 403.")
    async def restrict(self, request: Request, db_session: DB, user_id: uuid.UUID, data: RestrictionIn
                       ) -> RestrictionMade:
        return typed(RestrictionMade, await services.restrict_account(
            db_session, request.scope["user"], user_id, kind=data.kind, reason_code=data.reason_code,
            note=_clean(data.note), until=data.until))

    @delete("/users/{user_id:uuid}/restrictions/{restriction_id:uuid}", status_code=HTTP_204_NO_CONTENT,
            summary="Lift a restriction (409 when it is no longer in force)")
    async def lift(self, request: Request, db_session: DB, user_id: uuid.UUID, restriction_id: uuid.UUID) -> None:
        await services.lift_restriction(db_session, request.scope["user"], user_id, restriction_id)

    @get("/appeals", summary="Appeals against restrictions, oldest first",
         description="can_decide is false for the moderator who made the restriction.")
    async def appeals(self, request: Request, db_session: DB, status: Literal["open", "upheld", "lifted", "all"] = "open",
                      limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
                      offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0) -> AppealsForStaff:
        return typed(AppealsForStaff, await services.list_appeals(
            db_session, request.scope["user"], None if status == "all" else status, limit=limit, offset=offset))

    @post("/appeals/{appeal_id:uuid}/decision", status_code=HTTP_200_OK,
          summary="Decide an appeal: uphold or lift (403 for the moderator who restricted)")
    async def decide(self, request: Request, db_session: DB, appeal_id: uuid.UUID, data: AppealDecisionIn
                     ) -> AppealDecided:
        return typed(AppealDecided, await services.decide_appeal(db_session, request.scope["user"], appeal_id,
                                                                 action=data.action, note=_clean(data.note)))


class MyRestrictionsController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [requires_young_person]
    exception_handlers = {ValidationException: kind_validation_problem(FIELD_HELP)}

    @get("/restrictions", summary="My restrictions in force, in kind words (never a moderator's note)")
    async def mine(self, request: Request, db_session: DB) -> MyRestrictions:
        return typed(MyRestrictions, await services.my_restrictions(db_session, request.scope["user"]))

    @post("/restrictions/{restriction_id:uuid}/seen", status_code=HTTP_204_NO_CONTENT,
          summary="I've read it (a warning is shown once)")
    async def seen(self, request: Request, db_session: DB, restriction_id: uuid.UUID) -> None:
        await services.mark_seen(db_session, request.scope["user"], restriction_id)

    @post("/restrictions/{restriction_id:uuid}/appeal", status_code=HTTP_201_CREATED,
          summary="Appeal once (409 after); another moderator decides")
    async def appeal(self, request: Request, db_session: DB, restriction_id: uuid.UUID, data: AppealIn
                     ) -> AppealMade:
        return typed(AppealMade, await services.appeal_restriction(db_session, request.scope["user"], restriction_id,
                                                                   data.text))

    @get("/appeals", summary="My appeals and what was decided, newest first")
    async def my_appeals(self, request: Request, db_session: DB) -> MyAppeals:
        return typed(MyAppeals, await services.my_appeals(db_session, request.scope["user"]))
