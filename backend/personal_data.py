"""GET /api/v1/me/export: everything Waymark holds about a young person, typed.

Each domain registers its exporter with ``backend.accounts.services.register_exporter``
(see docs/backend-conventions.md) and its section's struct is named here, where the app is
put together: the accounts domain cannot import the others (they import it). A section
someone registers but does not name here fails the export loudly (an unknown field), so no
record is ever silently left out."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, get
from litestar.params import Dependency
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.schemas import ExportedAccount
from backend.accounts.services import export_personal_data
from backend.chat.schemas import ExportedChat, ExportedChatRequest
from backend.forums.schemas import ForumExport
from backend.journal.schemas import GoalOut, JournalEntryOut, MoodOut
from backend.messages.schemas import ExportedMessageThread
from backend.push.schemas import ExportedSubscription
from backend.restrictions.schemas import ExportedRestriction
from backend.schema_rules import typed
from backend.security import requires_login, requires_young_person

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]


class PersonalData(msgspec.Struct, forbid_unknown_fields=True):
    account: ExportedAccount
    exported_at: str
    about: str
    moods: list[MoodOut]
    journal_entries: list[JournalEntryOut]
    goals: list[GoalOut]
    forums: ForumExport
    restrictions: list[ExportedRestriction]
    chats: list[ExportedChat]
    chat_requests: list[ExportedChatRequest]
    push_subscriptions: list[ExportedSubscription]
    message_threads: list[ExportedMessageThread]


class PersonalDataController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [requires_login]

    @get("/export", guards=[requires_young_person], summary="Everything Waymark holds about me")
    async def export(self, request: Request, db_session: DB) -> PersonalData:
        return typed(PersonalData, await export_personal_data(db_session, request.scope["user"].id))
