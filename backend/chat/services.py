"""The rules of talking to a counsellor: opening hours, the queue, taking a chat,
storing messages (each stored once, numbered without gaps) and ending a chat.

Every change other workers must hear about is announced with ``pg_notify`` inside the
same transaction, so PostgreSQL delivers it only once the change is committed. The
announcement carries ids only; listeners read what they need from the tables.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.after_commit import on_commit, sessionmaker_of
from backend.chat.models import ChatRequest, ChatSession, CounsellorAvailability
from backend.chat.opening import closed_status
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.events import EVENTS_CHANNEL, announce, event_payload
from backend.push.services import push_after_commit
from backend.safeguarding.services import raise_safeguarding_alert
from backend.weekly_hours import WeeklyHours

MAX_MESSAGE_CHARS = 4000
DEFAULT_HANDLE_SECONDS = 20 * 60


def long_wait_seconds() -> int:
    from backend.settings import get_settings

    return get_settings().chat_long_wait_seconds

# Used when the signposting directory cannot answer: the national 24/7 lines.
FALLBACK_CRISIS_LINES = [
    {"name": "Childline", "phone": "0800 1111", "hours": "24 hours, every day",
     "description": "Free and confidential for anyone under 19."},
    {"name": "Shout", "sms": "85258", "hours": "24 hours, every day", "description": "Text SHOUT to 85258."},
    {"name": "Samaritans", "phone": "116 123", "hours": "24 hours, every day", "description": "Free, any time."},
    {"name": "NHS 111", "phone": "111", "hours": "24 hours, every day",
     "description": "Choose the mental health option (option 2)."},
    {"name": "Emergency services", "phone": "999", "hours": "24 hours, every day",
     "description": "If you or someone else is in danger now."},
]


async def crisis_lines_for(db: AsyncSession, user: CurrentUser | None) -> list[dict[str, Any]]:
    from backend.signposting.services import crisis_lines_for_user

    lines = await crisis_lines_for_user(db, user)
    return lines or FALLBACK_CRISIS_LINES


# --- waiting-time estimates ----------------------------------------------------------------


@dataclass
class Capacity:
    slots: int  # sum of max_concurrent of available counsellors
    busy: int  # chats those counsellors are in now
    handle_seconds: int  # typical length of a chat lately

    def wait_for(self, position: int) -> int:
        """Seconds until the person at ``position`` (1 = next) is likely to be taken."""
        free = max(0, self.slots - self.busy)
        if position <= free:
            return 60
        if self.slots == 0:
            return position * self.handle_seconds
        return math.ceil((position - free) / self.slots) * self.handle_seconds


async def current_capacity(db: AsyncSession) -> Capacity:
    available = select(CounsellorAvailability.counsellor_id, CounsellorAvailability.max_concurrent).where(
        CounsellorAvailability.status == "available").subquery()
    slots = (await db.execute(select(func.coalesce(func.sum(available.c.max_concurrent), 0)))).scalar_one()
    busy = (await db.execute(select(func.count()).select_from(ChatSession).where(
        ChatSession.ended_at.is_(None), ChatSession.counsellor_id.in_(select(available.c.counsellor_id))))).scalar_one()
    since = utcnow() - dt.timedelta(days=7)
    median = (await db.execute(select(func.percentile_cont(0.5).within_group(
        func.extract("epoch", ChatSession.ended_at - ChatSession.started_at))).where(
        ChatSession.ended_at.is_not(None), ChatSession.started_at > since))).scalar_one()
    handle = int(min(max(median or DEFAULT_HANDLE_SECONDS, 5 * 60), 60 * 60))
    return Capacity(slots=int(slots), busy=int(busy), handle_seconds=handle)


def queue_order() -> tuple[Any, ...]:
    """The queue's order: chats handed back by a counsellor at the front, then urgent
    requests, then the longest waiting."""
    return (ChatRequest.requeued_at.is_(None), ChatRequest.urgent.desc(),
            func.coalesce(ChatRequest.requeued_at, ChatRequest.created_at), ChatRequest.id)


async def queue_positions(db: AsyncSession) -> dict[uuid.UUID, tuple[int, dt.datetime]]:
    """Every waiting request's place (see ``queue_order``)."""
    rows = await db.execute(select(ChatRequest.id, ChatRequest.created_at).where(ChatRequest.status == "waiting")
                            .order_by(*queue_order()))
    return {rid: (i + 1, created) for i, (rid, created) in enumerate(rows.all())}


def queue_frame(request_id: uuid.UUID, position: int, created_at: dt.datetime, capacity: Capacity,
                crisis_lines: list[dict[str, Any]] | None = None,
                closing: dict[str, Any] | None = None) -> dict[str, Any]:
    waited = int((utcnow() - created_at).total_seconds())
    frame: dict[str, Any] = {"type": "queue", "request_id": str(request_id), "position": position,
                             "estimated_wait_seconds": capacity.wait_for(position), "waited_seconds": waited}
    if waited >= long_wait_seconds():
        frame["long_wait"] = True
        frame["message"] = ("Thank you for waiting. It may still be a little while: you're number "
                            f"{position}. You can stay in the queue, and if you need to talk now, these lines are open.")
        if crisis_lines is not None:
            frame["crisis_lines"] = crisis_lines
    if closing is not None:  # the chat has closed while they wait: say so kindly (see chat/opening.py)
        frame.update(closing)
        if crisis_lines is not None:
            frame["crisis_lines"] = crisis_lines
    return frame


# --- opening hours ----------------------------------------------------------------------------


async def chat_status(db: AsyncSession, hours: WeeklyHours, user: CurrentUser | None) -> dict[str, Any]:
    now = utcnow()
    lines = await crisis_lines_for(db, user)
    if (closed := await closed_status(db, now)) is not None:  # the weekly hours or a closure
        return {**closed, "crisis_lines": lines}
    waiting = len(await queue_positions(db))
    from backend.chat.routing import counsellors_status

    return {"open": True, "crisis_lines": lines, "waiting": waiting, **await counsellors_status(db, waiting)}


# --- the young person's side --------------------------------------------------------------


async def _open_request(db: AsyncSession, user_id: uuid.UUID) -> ChatRequest | None:
    return (await db.execute(select(ChatRequest).where(
        ChatRequest.young_person_id == user_id, ChatRequest.status.in_(("waiting", "active"))))).scalars().first()


async def describe_request(db: AsyncSession, req: ChatRequest) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": str(req.id), "status": req.status, "topic": req.topic, "urgent": req.urgent,
                              "created_at": req.created_at.isoformat()}
    if req.status == "waiting":
        position = (await queue_positions(db)).get(req.id, (1, req.created_at))[0]
        answer.update(position=position, estimated_wait_seconds=(await current_capacity(db)).wait_for(position))
        if req.session_id:  # handed back to the queue: the chat (and its messages) carry on
            answer.update(session_id=str(req.session_id), counsellor=None)
    elif req.session_id:
        chat = await db.get(ChatSession, req.session_id)
        counsellor = await db.get(User, chat.counsellor_id) if chat and chat.counsellor_id else None
        answer.update(session_id=str(req.session_id), counsellor=first_name(counsellor),
                      last_seq=chat.last_seq if chat else 0)
    return answer


async def request_chat(db: AsyncSession, hours: WeeklyHours, user: CurrentUser, *, topic: str | None,
                       urgent: bool) -> dict[str, Any]:
    if (closed := await closed_status(db, utcnow())) is not None:
        raise Conflict(closed["message"], code="closed", crisis_lines=await crisis_lines_for(db, user),
                       opens_at=closed["opens_at"])
    if await _open_request(db, user.id) is not None:
        raise Conflict("You're already in the queue or in a chat.", code="already_open")
    stmt = insert(ChatRequest).values(
        id=uuid.uuid4(), young_person_id=user.id, council_code=user.council_code, topic=(topic or None),
        urgent=urgent, status="waiting", created_at=utcnow(),
    ).on_conflict_do_nothing().returning(ChatRequest.id)
    new_id = (await db.execute(stmt)).scalar_one_or_none()
    if new_id is None:  # a double tap raced us to the partial unique index
        raise Conflict("You're already in the queue or in a chat.", code="already_open")
    from backend.reports.services import record_usage_event

    record_usage_event(db, "chat_requested", council_code=user.council_code, birth_year=user.birth_year,
                       birth_month=user.birth_month)
    await announce(db, k="queue")
    route_after_commit(db)
    req = await db.get(ChatRequest, new_id)
    return await describe_request(db, req)


def route_after_commit(db: AsyncSession) -> None:
    """With automatic routing, route the queue once this change (a request, a freed place,
    a hand-back) is committed, in a transaction of its own."""
    from backend.chat import routing  # routing builds on this module

    if routing.auto_routing():
        sessionmaker = sessionmaker_of(db)
        on_commit(db, lambda: routing.route_now(sessionmaker))


async def current_request(db: AsyncSession, user: CurrentUser) -> dict[str, Any]:
    req = await _open_request(db, user.id)
    if req is None:
        raise NotFound("You're not in the queue or a chat right now.")
    return await describe_request(db, req)


async def leave_chat(db: AsyncSession, user: CurrentUser) -> None:
    """One tap: leave the queue, or end the chat you're in."""
    req = await _open_request(db, user.id)
    if req is None:
        raise NotFound("You're not in the queue or a chat right now.")
    now = utcnow()
    route_after_commit(db)
    if req.status == "waiting" and req.session_id is None:
        req.status, req.closed_at = "left", now
        await announce(db, k="queue")
        return
    req.status, req.closed_at = "ended", now
    if req.session_id:
        await db.execute(update(ChatSession).where(ChatSession.id == req.session_id, ChatSession.ended_at.is_(None))
                         .values(ended_at=now, ended_by="young_person"))
        await announce(db, k="ended", s=req.session_id, by="young_person")


# --- the counsellor's side ----------------------------------------------------------------


def first_name(user: User | None) -> str | None:
    if user is None:
        return None
    name = (user.display_name or "").strip()
    return name.split()[0] if name else "Your counsellor"


async def set_availability(db: AsyncSession, counsellor: CurrentUser, status: str, max_concurrent: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {"counsellor_id": counsellor.id, "status": status, "updated_at": utcnow()}
    if max_concurrent is not None:
        values["max_concurrent"] = max_concurrent
    stmt = insert(CounsellorAvailability).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[CounsellorAvailability.counsellor_id],
                                      set_={k: v for k, v in values.items() if k != "counsellor_id"})
    await db.execute(stmt)
    await announce(db, k="queue")
    route_after_commit(db)
    return await availability_of(db, counsellor)


async def availability_of(db: AsyncSession, counsellor: CurrentUser) -> dict[str, Any]:
    row = await db.get(CounsellorAvailability, counsellor.id, populate_existing=True)
    return {"status": row.status if row else "away", "max_concurrent": row.max_concurrent if row else 3,
            "active_chats": await active_count(db, counsellor.id)}


async def active_count(db: AsyncSession, counsellor_id: uuid.UUID) -> int:
    return (await db.execute(select(func.count()).select_from(ChatSession).where(
        ChatSession.counsellor_id == counsellor_id, ChatSession.ended_at.is_(None)))).scalar_one()


# A counsellor sees an account's restriction beside the chat (never to refuse a chat).
# backend/restrictions registers the lookup: young person ids -> {id: restriction summary}.
_restriction_lookup: list[Callable[[AsyncSession, list[uuid.UUID]], Awaitable[dict[uuid.UUID, Any]]]] = []


def register_restriction_lookup(lookup: Callable[[AsyncSession, list[uuid.UUID]], Awaitable[dict[uuid.UUID, Any]]]
                                ) -> None:
    _restriction_lookup[:] = [lookup]


async def restrictions_of(db: AsyncSession, young_person_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    for lookup in _restriction_lookup:
        return await lookup(db, young_person_ids)
    return {}


async def list_queue(db: AsyncSession) -> list[dict[str, Any]]:
    now = utcnow()
    rows = (await db.execute(select(ChatRequest, User.username).outerjoin(User, User.id == ChatRequest.young_person_id)
                             .where(ChatRequest.status == "waiting").order_by(*queue_order()))).all()
    restricted = await restrictions_of(db, [r.young_person_id for r, _ in rows])
    # `username`: the same pseudonym safeguarding alerts and the chat show the counsellor.
    return [{"id": str(r.id), "waited_seconds": int((now - r.created_at).total_seconds()), "urgent": r.urgent,
             "topic": r.topic, "council_code": r.council_code, "transferred": r.requeued_at is not None,
             "username": username, "restriction": restricted.get(r.young_person_id)} for r, username in rows]


async def take_request(db: AsyncSession, counsellor: CurrentUser, request_id: uuid.UUID | None) -> dict[str, str]:
    """Take a chosen request, or the next one. Row locks make two takes of one request
    impossible: the second finds it no longer waiting (409)."""
    availability = await db.get(CounsellorAvailability, counsellor.id, with_for_update=True)
    if availability is None or availability.status != "available":
        raise Conflict("Set yourself as available before taking a chat.", code="away")
    if await active_count(db, counsellor.id) >= availability.max_concurrent:
        raise Conflict(f"You're at your limit of {availability.max_concurrent} chats.", code="at_limit")
    if request_id is None:
        stmt = (select(ChatRequest).where(ChatRequest.status == "waiting")
                .order_by(*queue_order()).limit(1).with_for_update(skip_locked=True))
        req = (await db.execute(stmt)).scalars().first()
        if req is None:
            raise NotFound("Nobody is waiting right now.", code="queue_empty")
    else:
        req = (await db.execute(select(ChatRequest).where(ChatRequest.id == request_id).with_for_update())).scalars().first()
        if req is None:
            raise NotFound("There is no such request.")
        if req.status != "waiting":
            raise Conflict("Someone else has taken this chat, or the young person has left.", code="taken")
    return await assign_request(db, req, counsellor.id, availability)


async def assign_request(db: AsyncSession, req: ChatRequest, counsellor_id: uuid.UUID,
                         availability: CounsellorAvailability) -> dict[str, Any]:
    """Give a waiting request (locked) to a counsellor (their availability row locked). A
    chat handed back to the queue continues: the same session, its seq unbroken. The young
    person's devices hear of it (if they opted in) after the commit."""
    now = utcnow()
    push_after_commit(db, req.young_person_id, "counsellor_ready")
    availability.routed_at = now
    if req.session_id is not None:  # handed back by a counsellor: the same chat continues
        chat = await db.get(ChatSession, req.session_id, with_for_update=True)
        chat.counsellor_id = counsellor_id
        req.status = "active"
        from backend.chat.toolkit import claim_handover

        await claim_handover(db, chat.id, counsellor_id)
        await db.flush()
        await announce(db, k="transferred", s=chat.id, c=counsellor_id)
        await announce(db, k="queue")
        return {"session_id": str(chat.id), "request_id": str(req.id)}
    chat = ChatSession(id=uuid.uuid4(), request_id=req.id, young_person_id=req.young_person_id,
                          counsellor_id=counsellor_id, council_code=req.council_code, started_at=now,
                          at_risk=req.urgent)
    db.add(chat)
    req.status, req.taken_at, req.session_id = "active", now, chat.id
    await db.flush()
    from backend.reports.services import record_usage_event

    record_usage_event(db, "chat_started", council_code=req.council_code)
    await announce(db, k="assigned", r=req.id, s=chat.id)
    await announce(db, k="queue")
    return {"session_id": str(chat.id), "request_id": str(req.id)}


async def session_for(db: AsyncSession, session_id: uuid.UUID, user: CurrentUser) -> ChatSession:
    """The chat, if ``user`` is one of its two people; otherwise 404 (its existence is private)."""
    chat = await db.get(ChatSession, session_id)
    if chat is None or user.id not in (chat.young_person_id, chat.counsellor_id):
        raise NotFound("There is no such chat.")
    return chat


def sender_role(chat: ChatSession, user: CurrentUser) -> str:
    return "counsellor" if user.id == chat.counsellor_id else "young_person"


def message_for(message: dict[str, Any], *, counsellor: bool) -> dict[str, Any]:
    """A message as one of its two people may see it: the moderation engine's ``risk``
    is for the counsellor only, never the young person's own devices."""
    if counsellor or "risk" not in message:
        return message
    return {k: v for k, v in message.items() if k != "risk"}


def message_out(session_id: uuid.UUID, m: Mapping[str, Any]) -> dict[str, Any]:
    """A stored message as both people see it (``m``: a row of ``chat_message``)."""
    out: dict[str, Any] = {"session_id": str(session_id), "seq": m["seq"], "sender": m["sender"], "body": m["body"],
                           "sent_at": m["sent_at"].isoformat(),
                           "client_id": str(m["client_id"]) if m["client_id"] else None}
    if m["attachment"]:
        out["service"] = m["attachment"]
    if m["risk_level"] not in ("none", None):
        out["risk"] = m["risk_level"]
    return out


# The chat's hot path talks to asyncpg directly (one round trip to store a message, one to
# read a chat's new messages): the HTTP handlers pass their session's own connection
# (``driver_connection``), the WebSocket handlers one from the chat hub's small pool.
MESSAGES_AFTER_SQL = ("SELECT seq, sender, body, sent_at, client_id, risk_level, attachment FROM chat_message "
                      "WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
# chat_store_message (migration a3c1f0e2b7d4): lock the chat, check the sender is one of
# its two people, find a repeated client_id, refuse an ended chat, number, store, mark the
# chat at risk on an urgent message, and NOTIFY (ids only) on commit.
STORE_MESSAGE_SQL = ("SELECT outcome, seq, sender, body, sent_at, client_id, risk_level, attachment "
                     "FROM chat_store_message($1, $2, $3, $4, $5, $6::jsonb, $7)")
# pg_notify returns void, which fetchval reads as None: ``IS NULL`` makes a found chat
# answer false and only a missing one answer no row (None).
TYPING_SQL = ("SELECT pg_notify($1, $2) IS NULL FROM chat_session "
              "WHERE id = $3 AND ended_at IS NULL AND $4 IN (young_person_id, counsellor_id)")


async def driver_connection(db: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under ``db``, inside ``db``'s transaction."""
    connection = await db.connection()
    return (await connection.get_raw_connection()).driver_connection


async def messages_after(conn: asyncpg.Connection, session_id: uuid.UUID, after_seq: int,
                         limit: int = 500) -> list[dict[str, Any]]:
    rows = await conn.fetch(MESSAGES_AFTER_SQL, session_id, after_seq, limit)
    return [message_out(session_id, row) for row in rows]


INLINE_ASSESS_CHARS = 600


def moderation_rules_compiled() -> bool:
    from moderation import default_rules_compiled

    return default_rules_compiled()


def assess_chat_message(body: str) -> Any:
    """The moderation engine's verdict on a chat message (chat context: a young person may
    tell their counsellor personal details; risk still counts)."""
    from moderation import assess

    return assess(body, {"kind": "chat"})


def risk_of(verdict: Any) -> str:
    """The level stored with a message ("none" when it was not assessed)."""
    return verdict.level if verdict is not None else "none"


def needs_alert(verdict: Any) -> bool:
    """Risk to life or danger from others: a safeguarding alert (``store_and_alert``)."""
    return verdict is not None and verdict.needs_alert


async def checked_message(user: CurrentUser, body: str, shared_service: dict[str, Any] | None) -> tuple[str, Any]:
    """The body as it will be stored, and the engine's verdict on it (None: not assessed,
    as for a counsellor's message); 400 when it can't be sent."""
    body = body.strip()
    if not body and not shared_service:
        raise Invalid("A message can't be empty.", code="empty")
    if len(body) > MAX_MESSAGE_CHARS:
        raise Invalid(f"A message can be up to {MAX_MESSAGE_CHARS} characters.", code="too_long")
    # Before the chat's row lock is taken. On the event loop only once every rule is
    # compiled and the message is short (about 0.2 ms); otherwise in a thread, as a rule
    # may compile on first use (up to a second) and a long message takes longer. The
    # thread costs a message about 1 ms at p50 and more at p99 (the GIL hand-over).
    if user.role != "young_person" or not body:
        return body, None
    if len(body) <= INLINE_ASSESS_CHARS and moderation_rules_compiled():
        return body, assess_chat_message(body)
    return body, await asyncio.to_thread(assess_chat_message, body)


async def send_message(db: AsyncSession, session_id: uuid.UUID, user: CurrentUser, *, body: str,
                       client_id: uuid.UUID | None, shared_service: dict[str, Any] | None = None
                       ) -> tuple[dict[str, Any], bool]:
    """Check, assess and store one message in ``db``'s transaction (raising a safeguarding
    alert when it needs one); see ``store_checked_message``."""
    body, verdict = await checked_message(user, body, shared_service)
    if needs_alert(verdict):
        return await store_and_alert(db, session_id, user, body=body, verdict=verdict, client_id=client_id,
                                     shared_service=shared_service)
    return await store_checked_message(await driver_connection(db), session_id, user, body=body,
                                       risk=risk_of(verdict), client_id=client_id, shared_service=shared_service)


async def store_and_alert(db: AsyncSession, session_id: uuid.UUID, user: CurrentUser, *, body: str, verdict: Any,
                          client_id: uuid.UUID | None, shared_service: dict[str, Any] | None
                          ) -> tuple[dict[str, Any], bool]:
    """A young person's message that suggests risk to life or danger from others: stored,
    its chat marked at risk for the counsellor and a safeguarding alert raised (or added
    to the young person's open one), all in ``db``'s transaction. A repeated
    ``client_id`` raises nothing again."""
    conn = await driver_connection(db)
    message, new = await store_checked_message(conn, session_id, user, body=body, risk=risk_of(verdict),
                                               client_id=client_id, shared_service=shared_service)
    if new:
        await conn.execute("UPDATE chat_session SET at_risk = true WHERE id = $1", session_id)
        await raise_safeguarding_alert(db, kind="chat", source_id=session_id, author_id=user.id, verdict=verdict,
                                       reference=f"seq {message['seq']}")
    return message, new


async def store_checked_message(conn: asyncpg.Connection, session_id: uuid.UUID, user: CurrentUser, *, body: str,
                                risk: str, client_id: uuid.UUID | None, shared_service: dict[str, Any] | None
                                ) -> tuple[dict[str, Any], bool]:
    """Store one message (as ``checked_message`` answered it) with the chat's next ``seq``
    and announce it; answer the message as both people see it and whether it is new. The
    same ``client_id`` twice stores one message: the second call answers the first. On a
    connection in autocommit the message is committed when this returns; inside a
    transaction, at its commit (and the announcement goes out then)."""
    row = await conn.fetchrow(STORE_MESSAGE_SQL, session_id, user.id, client_id, body, risk,
                              json.dumps(shared_service) if shared_service else None, utcnow())
    if row["outcome"] == "not_found":
        raise NotFound("There is no such chat.")
    if row["outcome"] == "ended":
        raise Conflict("This chat has ended.", code="ended")
    return message_out(session_id, row), row["outcome"] == "stored"


async def announce_typing(conn: asyncpg.Connection, session_id: uuid.UUID, user: CurrentUser) -> None:
    """Tell the other person's devices that ``user`` is typing (404 unless one of the two)."""
    payload = event_payload(k="typing", s=session_id, u=user.id)
    if await conn.fetchval(TYPING_SQL, EVENTS_CHANNEL, payload, session_id, user.id) is None:
        raise NotFound("There is no such chat.")


async def end_session(db: AsyncSession, session_id: uuid.UUID, counsellor: CurrentUser, *, notes: str | None,
                      risk_level: str | None) -> dict[str, Any]:
    chat = await session_for(db, session_id, counsellor)
    if chat.counsellor_id != counsellor.id:
        raise Forbidden("Only the counsellor can end a chat this way.")
    now = utcnow()
    if chat.ended_at is None:
        chat.ended_at, chat.ended_by = now, "counsellor"
        await db.execute(update(ChatRequest).where(ChatRequest.id == chat.request_id)
                         .values(status="ended", closed_at=now))
        await announce(db, k="ended", s=chat.id, by="counsellor")
    route_after_commit(db)
    if notes is not None:
        chat.notes = notes
    if risk_level is not None:
        chat.risk_level = risk_level
    return {"session_id": str(chat.id), "ended_at": chat.ended_at.isoformat(), "risk_level": chat.risk_level,
            "at_risk": chat.at_risk}


async def counsellor_sessions(db: AsyncSession, counsellor: CurrentUser) -> list[dict[str, Any]]:
    rows = (await db.execute(select(ChatSession, ChatRequest, User.username)
                             .join(ChatRequest, ChatRequest.id == ChatSession.request_id)
                             .outerjoin(User, User.id == ChatRequest.young_person_id)
                             .where(ChatSession.counsellor_id == counsellor.id, ChatSession.ended_at.is_(None))
                             .order_by(ChatSession.started_at))).all()
    from backend.chat.toolkit import handover_for

    restricted = await restrictions_of(db, [s.young_person_id for s, _, _ in rows])
    return [{"session_id": str(s.id), "request_id": str(r.id), "topic": r.topic, "urgent": r.urgent,
             "council_code": s.council_code, "started_at": s.started_at.isoformat(), "at_risk": s.at_risk,
             "last_seq": s.last_seq, "handover": await handover_for(db, s.id, counsellor.id), "username": username,
             "restriction": restricted.get(s.young_person_id)}
            for s, r, username in rows]


async def export_chats(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    sessions = (await db.execute(select(ChatSession).where(ChatSession.young_person_id == user_id)
                                 .order_by(ChatSession.started_at))).scalars().all()
    out = []
    conn = await driver_connection(db)
    for s in sessions:
        messages = await messages_after(conn, s.id, 0, limit=100_000)
        out.append({"session_id": str(s.id), "started_at": s.started_at.isoformat(),
                    "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                    "messages": [{k: m[k] for k in ("seq", "sender", "body", "sent_at")} for m in messages]})
    return out


async def export_chat_requests(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Requests to talk that are still waiting (a chat that started is under "chats")."""
    rows = (await db.execute(select(ChatRequest).where(ChatRequest.young_person_id == user_id,
                                                       ChatRequest.status == "waiting")
                             .order_by(ChatRequest.created_at))).scalars().all()
    return [{"id": str(r.id), "status": r.status, "topic": r.topic, "urgent": r.urgent,
             "created_at": r.created_at.isoformat()} for r in rows]


async def leave_queue_for_deleted_account(db: AsyncSession, user_id: uuid.UUID) -> None:
    """When an account is deleted its waiting request leaves the queue at once (as if
    they left); the row stays for the figures, without identity."""
    await db.execute(update(ChatRequest).where(ChatRequest.young_person_id == user_id, ChatRequest.status == "waiting")
                     .values(status="left", closed_at=utcnow()))


def _register() -> None:
    from backend.accounts.services import register_deleter, register_exporter

    register_exporter("chats", export_chats)
    register_exporter("chat_requests", export_chat_requests)
    register_deleter("chat", leave_queue_for_deleted_account)


_register()
__all__ = ["and_"]
