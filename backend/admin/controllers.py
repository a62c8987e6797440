"""The admin console over HTTP: thin handlers around backend.admin.services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import ValidationException
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.admin import services
from backend.admin.schemas import (
    FIELD_HELP,
    AdminBoard,
    AdminBoards,
    BoardChangeIn,
    BoardIn,
    ChatHoursOut,
    ClosureIn,
    ClosureOut,
    CouncilChangeIn,
    CouncilIn,
    CouncilOut,
    StaffAdded,
    StaffChangeIn,
    StaffIn,
    StaffList,
    StaffOut,
    StaffReset,
    WeeklyIn,
)
from backend.errors import Invalid, kind_validation_problem
from backend.review.schemas import AuditList
from backend.review.services import list_audit
from backend.schema_rules import typed
from backend.security import requires_admin

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]


class AdminController(Controller):
    path = "/api/v1/admin"
    tags = ["admin"]
    guards = [requires_admin]
    exception_handlers = {ValidationException: kind_validation_problem(FIELD_HELP)}

    # staff

    @get("/staff", summary="Staff accounts with role, council, MFA and last log-in")
    async def staff(self, db_session: DB) -> StaffList:
        return typed(StaffList, await services.list_staff(db_session))

    @post("/staff", status_code=HTTP_201_CREATED,
          summary="Add a staff member: answers a temporary password, shown once, changed at first log-in")
    async def add_staff(self, request: Request, db_session: DB, data: StaffIn) -> StaffAdded:
        return typed(StaffAdded, await services.add_staff(db_session, request.scope["user"], data))

    @put("/staff/{staff_id:uuid}", status_code=HTTP_200_OK,
         summary="Change a staff member's name, role, council or switch them off (their sessions end at once)")
    async def change_staff(self, request: Request, db_session: DB, staff_id: uuid.UUID,
                           data: StaffChangeIn) -> StaffOut:
        return typed(StaffOut, await services.change_staff(db_session, request.scope["user"], staff_id, data))

    @post("/staff/{staff_id:uuid}/reset", status_code=HTTP_200_OK,
          summary="A new temporary password; their sessions end and their two-step log-in is removed")
    async def reset_staff(self, request: Request, db_session: DB, staff_id: uuid.UUID) -> StaffReset:
        return typed(StaffReset, await services.reset_staff(db_session, request.scope["user"], staff_id))

    # chat hours and closures

    @get("/chat-hours", summary="The weekly hours (WAYMARK_CHAT_HOURS syntax), closures, next opening and closing")
    async def chat_hours(self, db_session: DB) -> ChatHoursOut:
        return typed(ChatHoursOut, await services.chat_hours(db_session))

    @put("/chat-hours", status_code=HTTP_200_OK,
         summary="Set the weekly hours: they replace WAYMARK_CHAT_HOURS at once (400 bad_schedule if unreadable)")
    async def set_chat_hours(self, request: Request, db_session: DB, data: WeeklyIn) -> ChatHoursOut:
        return typed(ChatHoursOut, await services.set_weekly_hours(db_session, request.scope["user"], data.weekly))

    @delete("/chat-hours", status_code=HTTP_200_OK, summary="Go back to the WAYMARK_CHAT_HOURS default")
    async def reset_chat_hours(self, request: Request, db_session: DB) -> ChatHoursOut:
        return typed(ChatHoursOut, await services.use_default_hours(db_session, request.scope["user"]))

    @post("/chat-hours/closures", status_code=HTTP_201_CREATED,
          summary="Close the chat for a holiday or training day, with the message young people see")
    async def add_closure(self, request: Request, db_session: DB, data: ClosureIn) -> ClosureOut:
        return typed(ClosureOut, await services.add_closure(db_session, request.scope["user"], data))

    @delete("/chat-hours/closures/{closure_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Remove a closure")
    async def remove_closure(self, request: Request, db_session: DB, closure_id: uuid.UUID) -> None:
        await services.remove_closure(db_session, request.scope["user"], closure_id)

    # boards

    @get("/boards", summary="Every board, retired ones too")
    async def boards(self, db_session: DB) -> AdminBoards:
        return typed(AdminBoards, await services.list_boards(db_session))

    @post("/boards", status_code=HTTP_201_CREATED, summary="Add a board")
    async def add_board(self, request: Request, db_session: DB, data: BoardIn) -> AdminBoard:
        return typed(AdminBoard, await services.add_board(db_session, request.scope["user"], data))

    @put("/boards/{slug:str}", status_code=HTTP_200_OK,
         summary="Edit a board, or retire it (read-only: threads kept, left out of the board list)")
    async def change_board(self, request: Request, db_session: DB, slug: str, data: BoardChangeIn) -> AdminBoard:
        return typed(AdminBoard, await services.change_board(db_session, request.scope["user"], slug, data))

    # councils

    @post("/councils", status_code=HTTP_201_CREATED, summary="Add a council with its age ranges")
    async def add_council(self, request: Request, db_session: DB, data: CouncilIn) -> CouncilOut:
        return typed(CouncilOut, await services.add_council(db_session, request.scope["user"], data))

    @put("/councils/{code:str}", status_code=HTTP_200_OK, summary="Change a council's name or age ranges")
    async def change_council(self, request: Request, db_session: DB, code: str,
                             data: CouncilChangeIn) -> CouncilOut:
        return typed(CouncilOut, await services.change_council(db_session, request.scope["user"], code, data))

    # the audit log

    @get("/audit", summary="The audit log, newest first, filtered by action, actor and time",
         description="action: an action (staff.create) or a prefix ending in a dot (staff.); actor: an account id "
                     "or part of an e-mail or username; from/to: ISO 8601 times (to is exclusive).")
    async def audit(self, db_session: DB, action: str | None = None, actor: str | None = None,
                    since: Annotated[dt.datetime | None, Parameter(query="from")] = None,
                    until: Annotated[dt.datetime | None, Parameter(query="to")] = None,
                    limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
                    offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0) -> AuditList:
        if since and until and until <= since:
            raise Invalid("'to' must be after 'from'.", code="bad_range", field="to")
        return typed(AuditList, await list_audit(db_session, limit=limit, offset=offset, action=action or None,
                                                 actor=actor or None, since=services.as_utc(since) if since else None,
                                                 until=services.as_utc(until) if until else None))
