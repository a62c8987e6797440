"""Continuity: beside a chat, the same young person's earlier chats and messages to the
team, with the counsellors' notes and risk (as Childline's counsellors read the notes of
earlier sessions). For that chat's counsellor and supervisors only."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat.models import ChatSession
from backend.errors import NotFound
from backend.messages.models import MessageThread
from backend.messages.services import first_name_of, subject_of


async def history_for_chat(db: AsyncSession, user: CurrentUser, session_id: uuid.UUID) -> list[dict[str, Any]]:
    chat = await db.get(ChatSession, session_id)
    if chat is None or (chat.counsellor_id != user.id and user.role != "supervisor"):
        raise NotFound("There is no such chat.")
    if chat.young_person_id is None:
        return []
    counsellor = aliased(User)
    chats = (await db.execute(select(ChatSession, counsellor.display_name)
                              .outerjoin(counsellor, counsellor.id == ChatSession.counsellor_id)
                              .where(ChatSession.young_person_id == chat.young_person_id,
                                     ChatSession.id != chat.id))).all()
    threads = (await db.execute(select(MessageThread, counsellor.display_name)
                                .outerjoin(counsellor, counsellor.id == MessageThread.claimed_by)
                                .where(MessageThread.young_person_id == chat.young_person_id))).all()
    items = [{"kind": "chat", "id": str(s.id), "started_at": s.started_at, "ended_at": s.ended_at,
              "counsellor": first_name_of(name) if s.counsellor_id else None, "notes": s.notes,
              "risk_level": s.risk_level or ("urgent" if s.at_risk else None), "at_risk": s.at_risk}
             for s, name in chats]
    items += [{"kind": "message_thread", "id": str(t.id), "started_at": t.created_at, "ended_at": t.closed_at,
               "counsellor": first_name_of(name) if t.claimed_by else None, "notes": None,
               "risk_level": t.risk_level, "subject": subject_of(t), "status": t.status}
              for t, name in threads]
    items.sort(key=lambda i: i["started_at"], reverse=True)
    for item in items:
        item["started_at"] = item["started_at"].isoformat()
        item["ended_at"] = item["ended_at"].isoformat() if item["ended_at"] else None
    return items
