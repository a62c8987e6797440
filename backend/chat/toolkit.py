"""The counsellor's toolkit: who is on, handing a chat over (to a named counsellor or back
to the front of the queue), the supervisor's live board and whispers.

A transfer keeps the chat: the same session, its ``seq`` unbroken. The young person stays
connected and is told (``transferred``, with the new counsellor's first name or null while
queued); the handover note goes to the next counsellor only. Every change is announced
with ``pg_notify`` (ids only), delivered on commit.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat.models import ChatRequest, ChatSession, ChatTransfer, ChatWhisper, CounsellorAvailability
from backend.chat.services import active_count, first_name, route_after_commit
from backend.clock import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.events import announce
from backend.security import COUNSELLING_ROLES

MAX_NOTE_CHARS = 4000
MAX_WHISPER_CHARS = 1000


def open_chats_per_counsellor() -> Any:
    """A subquery: each counsellor's open chats."""
    return (select(ChatSession.counsellor_id.label("counsellor_id"), func.count().label("n"))
            .where(ChatSession.ended_at.is_(None), ChatSession.counsellor_id.is_not(None))
            .group_by(ChatSession.counsellor_id).subquery())


async def list_counsellors(db: AsyncSession) -> list[dict[str, Any]]:
    busy = open_chats_per_counsellor()
    rows = (await db.execute(
        select(User.id, User.display_name, CounsellorAvailability.status, CounsellorAvailability.max_concurrent,
               func.coalesce(busy.c.n, 0))
        .outerjoin(CounsellorAvailability, CounsellorAvailability.counsellor_id == User.id)
        .outerjoin(busy, busy.c.counsellor_id == User.id)
        .where(User.role.in_(COUNSELLING_ROLES))
        .order_by(CounsellorAvailability.status, User.display_name))).all()
    return [{"id": str(uid), "name": name or "Counsellor", "status": status or "away", "active_chats": int(n),
             "max_concurrent": limit or 3} for uid, name, status, limit, n in rows]


async def session_for_staff(db: AsyncSession, session_id: uuid.UUID, user: CurrentUser, *,
                            lock: bool = False) -> ChatSession:
    """The chat, for its counsellor or any supervisor; 404 for anyone else."""
    stmt = select(ChatSession).where(ChatSession.id == session_id)
    chat = (await db.execute(stmt.with_for_update() if lock else stmt)).scalars().first()
    if chat is None or (chat.counsellor_id != user.id and user.role != "supervisor"):
        raise NotFound("There is no such chat.")
    return chat


def _checked_text(text: str, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(f"Please write a {what}.", code="empty")
    if len(text) > limit:
        raise Invalid(f"A {what} can be up to {limit:,} characters.", code="too_long")
    return text


async def transfer_chat(db: AsyncSession, user: CurrentUser, session_id: uuid.UUID, *,
                        to_counsellor_id: uuid.UUID | None, note: str) -> dict[str, Any]:
    note = _checked_text(note, MAX_NOTE_CHARS, "handover note for the next counsellor")
    chat = await session_for_staff(db, session_id, user, lock=True)
    if chat.ended_at is not None:
        raise Conflict("This chat has ended.", code="ended")
    if chat.counsellor_id is None:
        raise Conflict("This chat is waiting in the queue for the next counsellor.", code="queued")
    now, previous = utcnow(), chat.counsellor_id
    if to_counsellor_id is not None:
        if to_counsellor_id == previous:
            raise Conflict("This chat is already theirs.", code="same_counsellor")
        await _check_can_take(db, to_counsellor_id)
        chat.counsellor_id = to_counsellor_id
        await db.execute(update(CounsellorAvailability).where(CounsellorAvailability.counsellor_id == to_counsellor_id)
                         .values(routed_at=now))
    else:  # back to the front of the queue, the same chat
        chat.counsellor_id = None
        await db.execute(update(ChatRequest).where(ChatRequest.id == chat.request_id)
                         .values(status="waiting", requeued_at=now))
        await announce(db, k="queue")
    db.add(ChatTransfer(id=uuid.uuid4(), session_id=chat.id, from_counsellor_id=user.id,
                        to_counsellor_id=to_counsellor_id, note=note, created_at=now))
    await db.flush()
    await announce(db, k="transferred", s=chat.id, c=to_counsellor_id, f=previous)
    route_after_commit(db)
    return {"session_id": str(chat.id), "to_counsellor_id": str(to_counsellor_id) if to_counsellor_id else None,
            "status": "active" if to_counsellor_id else "waiting"}


async def _check_can_take(db: AsyncSession, counsellor_id: uuid.UUID) -> None:
    """409 unless this counsellor is available and under their limit (their row locked)."""
    availability = await db.get(CounsellorAvailability, counsellor_id, with_for_update=True)
    target = await db.get(User, counsellor_id)
    if target is None or target.role not in COUNSELLING_ROLES:
        raise NotFound("There is no such counsellor.")
    if availability is None or availability.status != "available":
        raise Conflict(f"{first_name(target)} is away just now. Choose someone else, or hand the chat back "
                       "to the queue.", code="away")
    if await active_count(db, counsellor_id) >= availability.max_concurrent:
        raise Conflict(f"{first_name(target)} is at their limit of {availability.max_concurrent} chats. "
                       "Choose someone else, or hand the chat back to the queue.", code="at_limit")


async def handover_for(db: AsyncSession, session_id: uuid.UUID, counsellor_id: uuid.UUID | None) -> dict[str, Any] | None:
    """The newest handover note meant for this counsellor (or for whoever took the chat
    from the queue), with who wrote it."""
    row = (await db.execute(select(ChatTransfer, User.display_name)
                            .outerjoin(User, User.id == ChatTransfer.from_counsellor_id)
                            .where(ChatTransfer.session_id == session_id)
                            .order_by(ChatTransfer.created_at.desc()).limit(1))).first()
    if row is None or row[0].to_counsellor_id not in (None, counsellor_id):
        return None
    transfer, name = row
    return {"note": transfer.note, "from": (name or "").split()[0] if name else None,
            "at": transfer.created_at.isoformat()}


async def claim_handover(db: AsyncSession, session_id: uuid.UUID, counsellor_id: uuid.UUID) -> None:
    """A counsellor took a chat handed back to the queue: the note is now theirs alone."""
    newest = (select(ChatTransfer.id).where(ChatTransfer.session_id == session_id)
              .order_by(ChatTransfer.created_at.desc()).limit(1).scalar_subquery())
    await db.execute(update(ChatTransfer).where(ChatTransfer.id == newest, ChatTransfer.to_counsellor_id.is_(None))
                     .values(to_counsellor_id=counsellor_id))


async def live_board(db: AsyncSession) -> list[dict[str, Any]]:
    rows = (await db.execute(select(ChatSession, User.display_name)
                             .outerjoin(User, User.id == ChatSession.counsellor_id)
                             .where(ChatSession.ended_at.is_(None))
                             .order_by(ChatSession.at_risk.desc(), ChatSession.started_at))).all()
    return [{"session_id": str(s.id), "counsellor": (name or "Counsellor") if s.counsellor_id else None,
             "counsellor_id": str(s.counsellor_id) if s.counsellor_id else None,
             "started_at": s.started_at.isoformat(), "risk_level": s.risk_level, "at_risk": s.at_risk,
             "last_message_at": s.last_message_at.isoformat() if s.last_message_at else None,
             "council_code": s.council_code, "last_seq": s.last_seq} for s, name in rows]


async def whisper(db: AsyncSession, supervisor: CurrentUser, session_id: uuid.UUID, body: str) -> dict[str, Any]:
    body = _checked_text(body, MAX_WHISPER_CHARS, "whisper")
    chat = await session_for_staff(db, session_id, supervisor)
    if chat.ended_at is not None:
        raise Conflict("This chat has ended.", code="ended")
    if chat.counsellor_id is None:
        raise Conflict("This chat is waiting for a counsellor: there is nobody to whisper to yet.", code="queued")
    row = ChatWhisper(id=uuid.uuid4(), session_id=chat.id, supervisor_id=supervisor.id, body=body,
                      created_at=utcnow())
    db.add(row)
    await db.flush()
    await announce(db, k="whisper", s=chat.id, w=row.id)
    return {"id": str(row.id), "session_id": str(chat.id), "created_at": row.created_at.isoformat()}


async def whisper_frame(db: AsyncSession, whisper_id: uuid.UUID) -> tuple[uuid.UUID | None, dict[str, Any]] | None:
    """The ``whisper`` frame and the counsellor it is for (read by the hub: NOTIFY carries ids only)."""
    row = (await db.execute(select(ChatWhisper, User.display_name, ChatSession.counsellor_id)
                            .join(ChatSession, ChatSession.id == ChatWhisper.session_id)
                            .outerjoin(User, User.id == ChatWhisper.supervisor_id)
                            .where(ChatWhisper.id == whisper_id))).first()
    if row is None:
        return None
    w, name, counsellor_id = row
    return counsellor_id, {"type": "whisper", "session_id": str(w.session_id), "body": w.body,
                           "from": (name or "Supervisor").split()[0], "id": str(w.id), "sent_at": w.created_at.isoformat()}
