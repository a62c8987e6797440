"""The rules of messages to the team: a young person writes at any hour (also when the
live chat is closed) and the counselling team replies later, within the deployment's
reply target (``WAYMARK_MESSAGES_REPLY_HOURS``).

Every message is assessed by the moderation engine on arrival; risk raises the thread's
risk (the inbox shows the most urgent first) and, for risk to life or danger from others,
a safeguarding alert. Subjects and bodies are encrypted at rest, bound to their thread and
record (not to the author, so a thread outlives its author's deleted account without any
identity). Nothing here logs a subject, a body or an account.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat.services import crisis_lines_for
from backend.clock import utcnow
from backend.errors import Conflict, Failed, Invalid, NotFound
from backend.events import announce
from backend.journal.crypto import DecryptionError, get_keyring
from backend.journal.rotation import EncryptedColumn
from backend.messages.models import MessageThread, TeamMessage
from backend.push.services import push_after_commit
from backend.safeguarding.services import raise_safeguarding_alert, register_source
from backend.security import COUNSELLING_ROLES
from backend.settings import get_settings
from moderation import LEVELS, level_rank

log = logging.getLogger("waymark.messages")

MAX_BODY_CHARS = 4000
MAX_SUBJECT_CHARS = 140
# What each encrypted column is called in the associated data (binds a ciphertext to it).
SUBJECT = "message_thread.subject"
BODY = "message_thread_message.body"
# Both encrypted columns, bound to their thread (``waymark rotate-encryption`` re-encrypts them).
ENCRYPTED_COLUMNS = (
    EncryptedColumn(MessageThread, "subject", SUBJECT, owner="id", record="id"),
    EncryptedColumn(TeamMessage, "body", BODY, owner="thread_id"),
)

SUPPORT_MESSAGE = (
    "Thank you for telling us. It sounds like things are really hard right now, and you don't have to "
    "cope with this on your own. Someone from our team will read your message. If you need to talk now, "
    "you can call or text one of these lines, any time, or talk to a counsellor when the chat is open."
)


def reply_target() -> dt.timedelta:
    return dt.timedelta(hours=get_settings().messages_reply_hours)


# --- text: checked, assessed, sealed ---------------------------------------------------------


def checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("A message can't be empty. Write a few words and try again.", code="empty")
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(f"A message can be up to {MAX_BODY_CHARS:,} characters. Could you shorten it, "
                      "or send it in two parts?", code="too_long")
    return body


def checked_subject(subject: str | None) -> str | None:
    subject = (subject or "").strip() or None
    if subject is not None and len(subject) > MAX_SUBJECT_CHARS:
        raise Invalid(f"A subject can be up to {MAX_SUBJECT_CHARS} characters.", code="too_long")
    return subject


async def assess(text: str) -> Any:
    """The moderation engine's verdict on a message (the chat's context: a young person may
    tell the team personal details; risk still counts)."""
    from moderation import assess as assess_text

    return await asyncio.to_thread(assess_text, text, {"kind": "chat"})


def _seal(text: str, kind: str, thread_id: uuid.UUID, record_id: uuid.UUID) -> str:
    return get_keyring().encrypt(text, kind=kind, owner=thread_id, record=record_id)


def _open(stored: str | None, kind: str, thread_id: uuid.UUID, record_id: uuid.UUID) -> str | None:
    if stored is None:
        return None
    try:
        return get_keyring().decrypt(stored, kind=kind, owner=thread_id, record=record_id)
    except DecryptionError as exc:
        log.error("a stored %s could not be decrypted (%s)", kind, exc)
        raise Failed("This conversation couldn't be opened just now. Please try again later.",
                     code="unreadable") from exc


def subject_of(thread: MessageThread) -> str | None:
    return _open(thread.subject, SUBJECT, thread.id, thread.id)


# --- safeguarding ----------------------------------------------------------------------------


async def raise_alert(db: AsyncSession, thread: MessageThread, author_id: uuid.UUID, verdict: Any) -> None:
    """A message suggesting risk to life or danger from others: a human must know at once.

    The one place messages raise a safeguarding alert (one author's repeats within an hour
    join one alert; committed with the message). The thread's risk also puts it first in
    every counsellor's inbox and a ``message_thread`` frame with ``urgent`` goes to every
    counsellor's console on commit."""
    await announce(db, k="thread", i=thread.id, urgent=True)
    await raise_safeguarding_alert(db, kind="message_thread", source_id=thread.id, author_id=author_id,
                                   verdict=verdict)


async def support_block(db: AsyncSession, user: CurrentUser) -> dict[str, Any]:
    return {"message": SUPPORT_MESSAGE, "crisis_lines": await crisis_lines_for(db, user),
            "can_talk_to_counsellor": True}


# --- the young person's side -----------------------------------------------------------------


def reply_expected_by(thread: MessageThread) -> str | None:
    return (thread.awaiting_since + reply_target()).isoformat() if thread.awaiting_since else None


def _raise_risk(thread: MessageThread, verdict: Any) -> None:
    if level_rank(verdict.level) > level_rank(thread.risk_level):
        thread.risk_level = verdict.level
    known = list(thread.risk_categories or [])
    thread.risk_categories = known + [c for c in verdict.categories if c not in known]


async def start_thread(db: AsyncSession, user: CurrentUser, *, subject: str | None, body: str,
                       client_id: uuid.UUID | None) -> dict[str, Any]:
    """Write to the team. The same ``client_id`` twice stores one thread and answers it."""
    subject, body = checked_subject(subject), checked_body(body)
    if client_id is not None and (existing := await _thread_by_client_id(db, user.id, client_id)) is not None:
        return {"id": str(existing.id), "status": existing.status, "reply_expected_by": reply_expected_by(existing)}
    verdict = await assess(f"{subject}\n\n{body}" if subject else body)
    now, thread_id, message_id = utcnow(), uuid.uuid4(), uuid.uuid4()
    stored = await db.execute(insert(MessageThread).values(
        id=thread_id, young_person_id=user.id, council_code=user.council_code, status="awaiting_reply",
        subject=_seal(subject, SUBJECT, thread_id, thread_id) if subject else None,
        risk_level=verdict.level, risk_categories=list(verdict.categories), client_id=client_id,
        created_at=now, updated_at=now, awaiting_since=now,
    ).on_conflict_do_nothing().returning(MessageThread.id))
    if stored.scalar_one_or_none() is None:  # a retry from another device raced us
        existing = await _thread_by_client_id(db, user.id, client_id)
        return {"id": str(existing.id), "status": existing.status, "reply_expected_by": reply_expected_by(existing)}
    db.add(TeamMessage(id=message_id, thread_id=thread_id, sender="young_person", author_id=user.id,
                       body=_seal(body, BODY, thread_id, message_id), risk_level=verdict.level, sent_at=now))
    thread = await db.get(MessageThread, thread_id)
    await db.flush()
    answer: dict[str, Any] = {"id": str(thread_id), "status": "awaiting_reply",
                              "reply_expected_by": reply_expected_by(thread), "message_id": str(message_id)}
    if verdict.needs_support:
        answer["support"] = await support_block(db, user)
    if verdict.needs_alert:
        await raise_alert(db, thread, user.id, verdict)
    else:
        await announce(db, k="thread", i=thread_id)
    return answer


async def _thread_by_client_id(db: AsyncSession, user_id: uuid.UUID, client_id: uuid.UUID | None) -> MessageThread | None:
    return (await db.execute(select(MessageThread).where(
        MessageThread.young_person_id == user_id, MessageThread.client_id == client_id))).scalars().first()


def _unread(thread: MessageThread) -> bool:
    return thread.last_reply_at is not None and (thread.read_at is None or thread.last_reply_at > thread.read_at)


async def threads_of(db: AsyncSession, user: CurrentUser) -> list[dict[str, Any]]:
    rows = (await db.execute(select(MessageThread).where(MessageThread.young_person_id == user.id)
                             .order_by(MessageThread.updated_at.desc()))).scalars().all()
    return [{"id": str(t.id), "subject": subject_of(t), "status": t.status, "updated_at": t.updated_at.isoformat(),
             "unread": _unread(t), "reply_expected_by": reply_expected_by(t)} for t in rows]


async def thread_for(db: AsyncSession, user: CurrentUser, thread_id: uuid.UUID, *, lock: bool = False) -> MessageThread:
    """The thread, if ``user`` may see it (its young person; any counsellor or supervisor);
    404 for anyone else (its existence is private)."""
    stmt = select(MessageThread).where(MessageThread.id == thread_id)
    thread = (await db.execute(stmt.with_for_update() if lock else stmt)).scalars().first()
    if thread is None or (user.role not in COUNSELLING_ROLES and thread.young_person_id != user.id):
        raise NotFound("We couldn't find that conversation. It may have been removed.")
    return thread


async def read_thread(db: AsyncSession, user: CurrentUser, thread_id: uuid.UUID) -> dict[str, Any]:
    thread = await thread_for(db, user, thread_id)
    if user.id == thread.young_person_id:
        thread.read_at = utcnow()
    rows = (await db.execute(select(TeamMessage, User.display_name).outerjoin(User, User.id == TeamMessage.author_id)
                             .where(TeamMessage.thread_id == thread.id).order_by(TeamMessage.sent_at, TeamMessage.id))).all()
    messages = []
    for m, name in rows:
        item: dict[str, Any] = {"id": str(m.id), "sender": m.sender, "body": _open(m.body, BODY, thread.id, m.id),
                                "sent_at": m.sent_at.isoformat()}
        if m.sender == "counsellor":
            item["author_name"] = first_name_of(name)
        elif user.role in COUNSELLING_ROLES and m.risk_level != "none":
            item["risk_level"] = m.risk_level  # for the team only, never the young person's own devices
        messages.append(item)
    answer: dict[str, Any] = {"id": str(thread.id), "subject": subject_of(thread), "status": thread.status,
                              "reply_expected_by": reply_expected_by(thread), "created_at": thread.created_at.isoformat(),
                              "messages": messages}
    if user.role in COUNSELLING_ROLES:
        author = await db.get(User, thread.young_person_id) if thread.young_person_id else None
        answer.update(risk={"level": thread.risk_level, "categories": list(thread.risk_categories or [])},
                      council_code=thread.council_code, claimed_by=str(thread.claimed_by) if thread.claimed_by else None,
                      young_person=author.username if author else None)  # the same pseudonym the chat shows
    return answer


def first_name_of(display_name: str | None) -> str:
    name = (display_name or "").strip()
    return name.split()[0] if name else "The team"


async def post_message(db: AsyncSession, user: CurrentUser, thread_id: uuid.UUID, *, body: str,
                       client_id: uuid.UUID | None) -> dict[str, Any]:
    """A young person's message or a counsellor's reply. The same ``client_id`` twice
    stores one message; a closed thread takes no more (409). A reply is pushed to the young
    person's devices after the commit (if they opted in)."""
    body = checked_body(body)
    thread = await thread_for(db, user, thread_id, lock=True)
    if client_id is not None:
        existing = (await db.execute(select(TeamMessage).where(
            TeamMessage.thread_id == thread.id, TeamMessage.client_id == client_id))).scalars().first()
        if existing is not None:
            return _message_answer(thread, existing)
    if thread.status == "closed":
        raise Conflict("This conversation has been closed. You can start a new message to the team at any time.",
                       code="closed")
    counsellor = user.id != thread.young_person_id
    if counsellor and thread.claimed_by not in (None, user.id) and user.role != "supervisor":
        raise Conflict("Another counsellor is answering this conversation.", code="claimed")
    verdict = None if counsellor else await assess(body)
    now, message_id = utcnow(), uuid.uuid4()
    message = TeamMessage(id=message_id, thread_id=thread.id, sender="counsellor" if counsellor else "young_person",
                          author_id=user.id, body=_seal(body, BODY, thread.id, message_id), client_id=client_id,
                          risk_level=verdict.level if verdict else "none", sent_at=now)
    db.add(message)
    thread.updated_at = now
    answer = _message_answer(thread, message)
    if counsellor:
        thread.status, thread.awaiting_since, thread.last_reply_at = "replied", None, now
        thread.first_reply_at = thread.first_reply_at or now
        thread.claimed_by, thread.claimed_at = thread.claimed_by or user.id, thread.claimed_at or now
        push_after_commit(db, thread.young_person_id, "message_reply")
        await announce(db, k="thread", i=thread.id)
    else:
        thread.status, thread.awaiting_since = "awaiting_reply", thread.awaiting_since or now
        _raise_risk(thread, verdict)
        if verdict.needs_support:
            answer["support"] = await support_block(db, user)
        if verdict.needs_alert:
            await raise_alert(db, thread, user.id, verdict)
        else:
            await announce(db, k="thread", i=thread.id)
    await db.flush()
    answer.update(status=thread.status, reply_expected_by=reply_expected_by(thread))
    return answer


def _message_answer(thread: MessageThread, m: TeamMessage) -> dict[str, Any]:
    return {"id": str(m.id), "thread_id": str(thread.id), "sender": m.sender, "sent_at": m.sent_at.isoformat(),
            "client_id": str(m.client_id) if m.client_id else None, "status": thread.status,
            "reply_expected_by": reply_expected_by(thread)}


# --- the team's side -------------------------------------------------------------------------


async def inbox(db: AsyncSession) -> list[dict[str, Any]]:
    """Threads awaiting a reply: the most urgent first, then the oldest (by the time the
    reply is due, which orders exactly as the oldest unanswered message)."""
    rank = case(*((MessageThread.risk_level == level, i) for i, level in enumerate(LEVELS)), else_=0)
    author = aliased(User)
    rows = (await db.execute(select(MessageThread, User.display_name, author.username)
                             .outerjoin(User, User.id == MessageThread.claimed_by)
                             .outerjoin(author, author.id == MessageThread.young_person_id)
                             .where(MessageThread.status == "awaiting_reply")
                             .order_by(rank.desc(), MessageThread.awaiting_since, MessageThread.id))).all()
    now = utcnow()
    return [{"id": str(t.id), "subject": subject_of(t),
             "waited_seconds": int((now - t.awaiting_since).total_seconds()) if t.awaiting_since else 0,
             "reply_expected_by": reply_expected_by(t),
             "risk": {"level": t.risk_level, "categories": list(t.risk_categories or [])},
             "council_code": t.council_code, "claimed_by": str(t.claimed_by) if t.claimed_by else None,
             "claimed_by_name": first_name_of(name) if t.claimed_by else None, "young_person": username}
            for t, name, username in rows]


async def claim_thread(db: AsyncSession, user: CurrentUser, thread_id: uuid.UUID) -> dict[str, Any]:
    thread = await thread_for(db, user, thread_id, lock=True)
    if thread.status == "closed":
        raise Conflict("This conversation has been closed.", code="closed")
    if thread.claimed_by not in (None, user.id):
        raise Conflict("Another counsellor is already answering this conversation.", code="claimed")
    thread.claimed_by, thread.claimed_at = user.id, thread.claimed_at or utcnow()
    await announce(db, k="thread", i=thread.id)
    return {"id": str(thread.id), "status": thread.status, "claimed_by": str(user.id)}


async def close_thread(db: AsyncSession, user: CurrentUser, thread_id: uuid.UUID) -> dict[str, Any]:
    thread = await thread_for(db, user, thread_id, lock=True)
    if thread.status != "closed":
        now = utcnow()
        thread.status, thread.closed_at, thread.awaiting_since, thread.updated_at = "closed", now, None, now
        await announce(db, k="thread", i=thread.id)
    return {"id": str(thread.id), "status": thread.status, "closed_at": thread.closed_at.isoformat()}


# --- the young person's own records ------------------------------------------------------------


async def export_threads(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    threads = (await db.execute(select(MessageThread).where(MessageThread.young_person_id == user_id)
                                .order_by(MessageThread.created_at))).scalars().all()
    out = []
    for t in threads:
        messages = (await db.execute(select(TeamMessage).where(TeamMessage.thread_id == t.id)
                                     .order_by(TeamMessage.sent_at, TeamMessage.id))).scalars().all()
        out.append({"id": str(t.id), "subject": subject_of(t), "status": t.status, "created_at": t.created_at.isoformat(),
                    "messages": [{"sender": m.sender, "body": _open(m.body, BODY, t.id, m.id),
                                  "sent_at": m.sent_at.isoformat()} for m in messages]})
    return out


async def describe_threads(db: AsyncSession, thread_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """What a counsellor needs to find a thread a safeguarding alert is about."""
    rows = (await db.execute(select(MessageThread).where(MessageThread.id.in_(thread_ids)))).scalars().all()
    return {t.id: {"thread_id": str(t.id), "subject": subject_of(t), "status": t.status,
                   "council_code": t.council_code, "thread_created_at": t.created_at.isoformat()} for t in rows}


def _register() -> None:
    from backend.accounts.services import register_exporter

    register_exporter("message_threads", export_threads)
    register_source("message_thread", describe_threads)


_register()
