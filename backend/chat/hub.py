"""Real-time fan-out of chat events across worker processes.

Each worker keeps one PostgreSQL connection that LISTENs on one channel
(``waymark_events``) and reconnects when it drops. Notifications carry ids only. For a
message, the worker reads every stored message after the last ``seq`` it delivered to
each local socket of the chat's two people, and sends them in order: delivery is
idempotent and gap-free, and a missed notification is made good by the next one, by the
periodic sweep, or by the client's ``resume``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from litestar import WebSocket
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat import services
from backend.chat.models import ChatRequest, ChatSession

log = logging.getLogger("waymark.chat")


@dataclass(eq=False)
class Connection:
    """One open WebSocket of a signed-in person."""

    socket: WebSocket
    user: CurrentUser
    delivered: dict[uuid.UUID, int] = field(default_factory=dict)  # session id -> last seq sent
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: bool = False

    async def send(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            await self.socket.send_json(frame)
        except Exception:  # noqa: BLE001 - a dead socket is cleaned up by its handler
            self.closed = True


class ChatHub:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], dsn: str, sweep_seconds: float = 15.0) -> None:
        self.sessionmaker = sessionmaker
        self.sweep_seconds = sweep_seconds
        self.dsn = dsn
        self.by_user: dict[uuid.UUID, set[Connection]] = defaultdict(set)
        self._participants: dict[uuid.UUID, tuple[uuid.UUID | None, uuid.UUID | None]] = {}
        self._tasks: list[asyncio.Task] = []
        self._pending: set[asyncio.Task] = set()
        self._stopping = asyncio.Event()
        self.listening = asyncio.Event()

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._listen_forever()), asyncio.create_task(self._sweep_forever())]

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks + list(self._pending):
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _listen_forever(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self.dsn)
                lost = asyncio.get_running_loop().create_future()
                conn.add_termination_listener(lambda _c, lost=lost: lost.done() or lost.set_result(None))
                await conn.add_listener(services.EVENTS_CHANNEL, self._on_notify)
                self.listening.set()
                delay = 0.5
                await self.resync_all()  # anything missed while we were not listening
                stop = asyncio.create_task(self._stopping.wait())
                await asyncio.wait({lost, stop}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect on any failure
                log.warning("chat listener lost its connection (%s); reconnecting", type(exc).__name__)
            finally:
                self.listening.clear()
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            if not self._stopping.is_set():
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)

    async def _sweep_forever(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.sweep_seconds)
            with contextlib.suppress(Exception):
                await self.resync_all()

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        task = asyncio.create_task(self.dispatch(json.loads(payload)))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # --- sockets -----------------------------------------------------------------------------

    def add(self, conn: Connection) -> None:
        self.by_user[conn.user.id].add(conn)

    def remove(self, conn: Connection) -> None:
        conn.closed = True
        conns = self.by_user.get(conn.user.id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self.by_user[conn.user.id]  # no entry left behind per user

    def connection_count(self) -> int:
        return sum(len(c) for c in self.by_user.values())

    # --- events ------------------------------------------------------------------------------

    async def dispatch(self, event: dict[str, Any]) -> None:
        kind = event.get("k")
        try:
            if kind == "message":
                await self.deliver(uuid.UUID(event["s"]))
            elif kind == "typing":
                await self._typing(uuid.UUID(event["s"]), uuid.UUID(event["u"]))
            elif kind == "assigned":
                await self._assigned(uuid.UUID(event["r"]), uuid.UUID(event["s"]))
            elif kind == "ended":
                await self._ended(uuid.UUID(event["s"]), event.get("by"))
            elif kind == "queue":
                await self.send_queue_positions()
            elif kind == "mod":  # a moderation item arrived or changed: every moderator console
                await self._to_roles({"moderator", "admin"}, {"type": "moderation_item", "id": event["i"],
                                                              "risk_level": event.get("l"), "status": event.get("st")})
            elif kind == "alert":  # a safeguarding alert for the counsellors
                await self._to_roles({"counsellor"}, {"type": "safeguarding_alert", "id": event["i"]})
        except Exception as exc:  # noqa: BLE001 - one bad event must not stop the others
            log.warning("chat event %s failed: %s", kind, type(exc).__name__)

    async def _participants_of(self, session_id: uuid.UUID) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        if session_id not in self._participants:
            async with self.sessionmaker() as db:
                row = (await db.execute(select(ChatSession.young_person_id, ChatSession.counsellor_id)
                                        .where(ChatSession.id == session_id))).first()
            if row is None:
                return (None, None)
            if len(self._participants) > 10_000:
                self._participants.clear()  # bounded
            self._participants[session_id] = (row[0], row[1])
        return self._participants[session_id]

    def _local(self, *user_ids: uuid.UUID | None) -> list[Connection]:
        return [c for uid in user_ids if uid for c in list(self.by_user.get(uid, ()))]

    async def deliver(self, session_id: uuid.UUID, only: Connection | None = None) -> None:
        conns = [only] if only else self._local(*await self._participants_of(session_id))
        for conn in conns:
            async with conn.lock:
                after = conn.delivered.get(session_id)
                async with self.sessionmaker() as db:
                    if after is None:  # first news of this chat on this socket: from the start
                        after = 0
                    messages = await services.messages_after(db, session_id, after)
                for m in messages:
                    await conn.send({"type": "message", **services.message_out(m)})
                    conn.delivered[session_id] = m.seq

    async def resume(self, conn: Connection, session_id: uuid.UUID, after_seq: int) -> None:
        async with conn.lock:
            conn.delivered[session_id] = after_seq
        await self.deliver(session_id, only=conn)

    async def _to_roles(self, roles: set[str], frame: dict[str, Any]) -> None:
        for conns in list(self.by_user.values()):
            for conn in list(conns):
                if conn.user.role in roles:
                    await conn.send(frame)

    async def _typing(self, session_id: uuid.UUID, from_user: uuid.UUID) -> None:
        for conn in self._local(*await self._participants_of(session_id)):
            if conn.user.id != from_user:
                await conn.send({"type": "typing", "session_id": str(session_id)})

    async def _assigned(self, request_id: uuid.UUID, session_id: uuid.UUID) -> None:
        async with self.sessionmaker() as db:
            session = await db.get(ChatSession, session_id)
            counsellor = await db.get(User, session.counsellor_id) if session and session.counsellor_id else None
        if session is None:
            return
        self._participants[session_id] = (session.young_person_id, session.counsellor_id)
        frame = {"type": "assigned", "request_id": str(request_id), "session_id": str(session_id),
                 "counsellor": services.first_name(counsellor)}
        for conn in self._local(session.young_person_id, session.counsellor_id):
            await conn.send(frame)

    async def _ended(self, session_id: uuid.UUID, ended_by: str | None) -> None:
        for conn in self._local(*await self._participants_of(session_id)):
            await self.deliver(session_id, only=conn)  # everything said before the end first
            await conn.send({"type": "ended", "session_id": str(session_id), "ended_by": ended_by})
            conn.delivered.pop(session_id, None)
        self._participants.pop(session_id, None)

    async def send_queue_positions(self, tell_counsellors: bool = True, only: uuid.UUID | None = None) -> None:
        """Tell local waiting young people their place (``only``: just that person, as on
        connecting); tell counsellors the queue changed."""
        if not self.by_user:
            return
        async with self.sessionmaker() as db:
            local_ids = [only] if only is not None else list(self.by_user)
            waiting = (await db.execute(select(ChatRequest.id, ChatRequest.young_person_id).where(
                ChatRequest.status == "waiting",
                ChatRequest.young_person_id == func.any(local_ids)))).all()
            positions = await services.queue_positions(db) if waiting else {}
            capacity = await services.current_capacity(db) if waiting else None
            lines = None
            if waiting and any(positions.get(rid, (0, services.utcnow()))[1] <
                               services.utcnow() - services.dt.timedelta(seconds=services.long_wait_seconds())
                               for rid, _ in waiting):
                lines = await services.crisis_lines_for(db, None)
        for request_id, user_id in waiting:
            if request_id in positions and capacity is not None:
                position, created = positions[request_id]
                frame = services.queue_frame(request_id, position, created, capacity, lines)
                for conn in self._local(user_id):
                    await conn.send(frame)
        if not tell_counsellors:
            return
        for conns in list(self.by_user.values()):
            for conn in list(conns):
                if conn.user.role == "counsellor":
                    await conn.send({"type": "queue_changed"})

    async def resync_all(self) -> None:
        """Deliver anything a socket has not had yet (after a reconnect, and periodically)."""
        for conns in list(self.by_user.values()):
            for conn in list(conns):
                for session_id in list(conn.delivered):
                    await self.deliver(session_id, only=conn)
        await self.send_queue_positions(tell_counsellors=False)
