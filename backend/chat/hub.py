"""Real-time fan-out of chat events across worker processes.

Each worker keeps one PostgreSQL connection that LISTENs on one channel
(``waymark_events``) and reconnects when it drops. Notifications carry ids only (the chat
and the message's ``seq``). Delivery works per chat: one task at a time per chat on each
worker sends every local socket of the chat's two people what it has not had yet, in
``seq`` order, so delivery is idempotent and gap-free. The worker that stored a message
sends it to its own sockets from hand (the message is committed by then); the other
workers read the chat's new messages once per chat, not once per socket. A missed
notification is made good by the next one, by the periodic sweep, or by the client's
``resume``.

The hot path (store, read, typing) uses a small asyncpg pool of the hub's own, apart from
the ORM's pool that HTTP requests use, with a short acquire timeout (below uvicorn's
20 s ping timeout), so a busy HTTP side cannot starve chat delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from cachetools import LRUCache
from litestar import WebSocket
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat import routing, services
from backend.chat.models import ChatRequest, ChatSession
from backend.chat.opening import closing_notice_now
from backend.clock import utcnow
from backend.security import COUNSELLING_ROLES

log = logging.getLogger("waymark.chat")
COUNSELLING = set(COUNSELLING_ROLES)


ACQUIRE_TIMEOUT = 5.0  # seconds to wait for a pooled connection (uvicorn's ping timeout is 20 s)
READ_BATCH = 500
FAN_OUT_BATCH = 8  # sockets sent a team-wide frame between two turns of the event loop
ANY_NEWER = 0  # a delivery wish that cannot skip the read: "whatever is new"


@dataclass(eq=False)
class Connection:
    """One open WebSocket of a signed-in person."""

    socket: WebSocket
    user: CurrentUser
    delivered: dict[uuid.UUID, int] = field(default_factory=dict)  # session id -> last seq sent
    rewind: dict[uuid.UUID, int] = field(default_factory=dict)  # resume asked: start again after this seq
    closed: bool = False

    async def send(self, frame: dict[str, Any]) -> None:
        await self.send_text(json.dumps(frame, default=str))

    async def send_text(self, text: str) -> None:
        if self.closed:
            return
        try:
            await self.socket.send_text(text)
        except Exception:  # noqa: BLE001 - a dead socket is cleaned up by its handler
            self.closed = True


def frame_texts(message: dict[str, Any]) -> tuple[str, str]:
    """A ``message`` frame as JSON text, encoded once for all sockets: (for the young
    person, for the counsellor); see ``services.message_for``."""
    for_counsellor = json.dumps({"type": "message", **message})
    if "risk" not in message:
        return for_counsellor, for_counsellor
    return json.dumps({"type": "message", **services.message_for(message, counsellor=False)}), for_counsellor


async def _init_connection(conn: asyncpg.Connection) -> None:
    # The same jsonb convention as SQLAlchemy's asyncpg dialect (JSON text in, objects out),
    # so services.store_message works on a connection from either pool.
    await conn.set_type_codec("jsonb", encoder=lambda text: text, decoder=json.loads, schema="pg_catalog")


async def _keep_session_state(conn: asyncpg.Connection) -> None:
    """Hand a connection back to the pool as it is. asyncpg's default reset runs a query on
    every release (UNLISTEN *, RESET ALL, ...; a third of the hub's database time under
    load); the hub never listens, sets or locks anything on a pooled connection, and an
    open transaction is still rolled back before this is called."""


class ChatHub:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], dsn: str, sweep_seconds: float = 15.0,
                 pool_size: int = 4) -> None:
        self.sessionmaker = sessionmaker
        self.sweep_seconds = sweep_seconds
        self.dsn = dsn
        self.pool_size = pool_size
        self.pool: asyncpg.Pool | None = None
        self.by_user: dict[uuid.UUID, set[Connection]] = defaultdict(set)
        self._participants: LRUCache[uuid.UUID, tuple[uuid.UUID | None, uuid.UUID | None]] = LRUCache(10_000)
        # Per chat, only while a delivery for it runs on this worker (bounded by chats in flight):
        self._delivering: set[uuid.UUID] = set()
        self._storing: dict[uuid.UUID, list[Any]] = {}  # chat -> [its store lock, stores waiting or running]
        self._again: dict[uuid.UUID, int] = {}  # chat -> newest seq known (ANY_NEWER: read anyway)
        self._ends: dict[uuid.UUID, str | None] = {}  # chat -> who ended it, until its sockets are told
        self.watchers: dict[uuid.UUID, set[Connection]] = {}  # chat -> supervisors' sockets watching it here
        self._tasks: list[asyncio.Task] = []
        self._pending: set[asyncio.Task] = set()
        self._stopping = asyncio.Event()
        self.listening = asyncio.Event()

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        # min_size=0: no connection is opened until the first chat needs one, so a worker
        # starts even while PostgreSQL is still coming up.
        self.pool = await asyncpg.create_pool(self.dsn, min_size=0, max_size=self.pool_size, init=_init_connection,
                                              reset=_keep_session_state, max_inactive_connection_lifetime=300,
                                              command_timeout=10)
        self._tasks = [asyncio.create_task(self._listen_forever()), asyncio.create_task(self._sweep_forever())]

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks + list(self._pending):
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.pool.close(), 5)

    def _acquire(self) -> Any:
        assert self.pool is not None, "the chat hub has not started"
        return self.pool.acquire(timeout=ACQUIRE_TIMEOUT)

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
            try:
                await self.resync_all()
                await routing.route_now(self.sessionmaker)  # with auto routing: nobody idle while someone waits
            except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                log.warning("chat sweep failed: %s", type(exc).__name__)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._spawn(self.dispatch(json.loads(payload)))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # --- sockets -----------------------------------------------------------------------------

    def add(self, conn: Connection) -> None:
        self.by_user[conn.user.id].add(conn)

    def remove(self, conn: Connection) -> None:
        conn.closed = True
        for session_id in list(conn.delivered) + list(conn.rewind):
            self._unwatch(conn, session_id)
        conns = self.by_user.get(conn.user.id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self.by_user[conn.user.id]  # no entry left behind per user

    def connection_count(self) -> int:
        return sum(len(c) for c in self.by_user.values())

    # --- the chat's hot path -------------------------------------------------------------------

    async def store_message(self, session_id: uuid.UUID, user: CurrentUser, *, body: str, client_id: uuid.UUID,
                            shared_service: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
        body, verdict = await services.checked_message(user, body, shared_service)  # before a connection is taken
        # One store per chat at a time on this worker: a chat whose row is locked (a slow
        # database, a long report) then holds one pooled connection, not the whole pool, and
        # every other chat goes on at full speed. Its messages wait here, in order.
        waiting = self._storing.setdefault(session_id, [asyncio.Lock(), 0])
        waiting[1] += 1
        try:
            async with waiting[0]:
                if services.needs_alert(verdict):  # rare: the message and its safeguarding alert in one transaction
                    async with self.sessionmaker() as db, db.begin():
                        return await services.store_and_alert(db, session_id, user, body=body, verdict=verdict,
                                                              client_id=client_id, shared_service=shared_service)
                async with self._acquire() as conn:
                    return await services.store_checked_message(conn, session_id, user, body=body,
                                                                risk=services.risk_of(verdict), client_id=client_id,
                                                                shared_service=shared_service)
        finally:
            waiting[1] -= 1
            if not waiting[1]:
                self._storing.pop(session_id, None)

    async def announce_typing(self, session_id: uuid.UUID, user: CurrentUser) -> None:
        async with self._acquire() as conn:
            await services.announce_typing(conn, session_id, user)

    async def participants_of(self, session_id: uuid.UUID) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        """The chat's young person and counsellor (cached: they never change)."""
        if (known := self._participants.get(session_id)) is None:
            async with self._acquire() as conn:
                row = await conn.fetchrow("SELECT young_person_id, counsellor_id FROM chat_session WHERE id = $1",
                                          session_id)
            if row is None:
                return (None, None)
            known = self._participants[session_id] = (row[0], row[1])
        return known

    # --- events ------------------------------------------------------------------------------

    async def dispatch(self, event: dict[str, Any]) -> None:
        kind = event.get("k")
        try:
            if kind == "message":
                await self.deliver(uuid.UUID(event["s"]), newest=int(event.get("q") or ANY_NEWER))
            elif kind == "typing":
                await self._typing(uuid.UUID(event["s"]), uuid.UUID(event["u"]))
            elif kind == "assigned":
                await self._assigned(uuid.UUID(event["r"]), uuid.UUID(event["s"]))
            elif kind == "ended":
                await self.deliver(uuid.UUID(event["s"]), ended_by=event.get("by") or "")
            elif kind == "transferred":
                await self._transferred(uuid.UUID(event["s"]), event.get("c") and uuid.UUID(event["c"]),
                                        event.get("f") and uuid.UUID(event["f"]))
            elif kind == "whisper":
                await self._whisper(uuid.UUID(event["w"]))
            elif kind == "queue":
                await self.send_queue_positions()
            elif kind == "mod":  # a moderation item arrived or changed: every moderator console
                await self._to_roles({"moderator", "admin"}, {"type": "moderation_item", "id": event["i"],
                                                              "risk_level": event.get("l"), "status": event.get("st")})
            elif kind == "alert":  # a safeguarding alert for the counsellors
                await self._to_roles(COUNSELLING, {"type": "safeguarding_alert", "id": event["i"]})
            elif kind == "thread":  # a message to the team arrived or was answered
                frame = {"type": "message_thread", "id": event["i"]}
                if event.get("urgent"):
                    frame["urgent"] = True
                await self._to_roles(COUNSELLING, frame)
            elif kind == "signed_out":  # sessions ended (switched off, reset, log out everywhere)
                await self._close_sockets_of(uuid.UUID(event["u"]))
        except Exception as exc:  # noqa: BLE001 - one bad event must not stop the others
            log.warning("chat event %s failed: %s", kind, type(exc).__name__)

    async def _close_sockets_of(self, user_id: uuid.UUID) -> None:
        """Close a person's sockets here: each must sign in again (4401), so an ended session
        cannot go on chatting; a device whose session is still valid simply reconnects."""
        for conn in self._local(user_id):
            conn.closed = True
            with contextlib.suppress(Exception):
                await conn.socket.close(code=4401, reason="signed out")

    def _local(self, *user_ids: uuid.UUID | None) -> list[Connection]:
        return [c for uid in user_ids if uid for c in list(self.by_user.get(uid, ()))]

    async def _followers(self, session_id: uuid.UUID) -> list[Connection]:
        """This worker's sockets of the chat's two people, and supervisors watching it."""
        conns = self._local(*await self.participants_of(session_id))
        return conns + [c for c in self.watchers.get(session_id, ()) if c not in conns]

    def watch(self, conn: Connection, session_id: uuid.UUID) -> None:
        self.watchers.setdefault(session_id, set()).add(conn)

    def _unwatch(self, conn: Connection, session_id: uuid.UUID) -> None:
        watching = self.watchers.get(session_id)
        if watching is not None:
            watching.discard(conn)
            if not watching:
                del self.watchers[session_id]

    async def deliver(self, session_id: uuid.UUID, *, message: dict[str, Any] | None = None,
                      newest: int = ANY_NEWER, ended_by: str | None = None) -> None:
        """Send this worker's sockets of the chat everything they have not had yet.

        ``message``: a message just stored here (sent from hand when every socket is up to
        the one before it). ``newest``: the seq a notification announced (no read when every
        socket has it). ``ended_by``: the chat ended; its sockets are told after its last
        messages. One delivery runs per chat at a time; a call that arrives meanwhile makes
        the running one go round again, so nothing is sent twice or out of order."""
        if ended_by is not None:
            self._ends[session_id] = ended_by
        if message is not None:
            newest = max(newest, message["seq"])
        if session_id in self._delivering:
            wanted = self._again.get(session_id)
            self._again[session_id] = ANY_NEWER if ANY_NEWER in (wanted, newest) else max(wanted or 0, newest)
            return
        self._delivering.add(session_id)
        try:
            while True:
                await self._deliver_once(session_id, message, newest)
                if session_id not in self._again:
                    return
                message, newest = None, self._again.pop(session_id)
        finally:
            self._delivering.discard(session_id)
            self._again.pop(session_id, None)

    async def _deliver_once(self, session_id: uuid.UUID, message: dict[str, Any] | None, newest: int) -> None:
        conns = await self._followers(session_id)
        for conn in conns:
            if session_id in conn.rewind:
                # never again what this socket already carried: a resume that arrives after live
                # frames (the socket joined the hub before its resume frame was read) repeats nothing
                after = conn.rewind.pop(session_id)
                conn.delivered[session_id] = max(after, conn.delivered.get(session_id, after))
        ending = session_id in self._ends
        told = conns
        # Messages only to the sockets that follow the chat (told it was assigned, or sent a
        # message, a resume or a watch of it), never to a socket its two people opened since,
        # which never showed it (it would get the whole history); the `ended` frame to all.
        conns = [conn for conn in conns if session_id in conn.delivered]
        marks = [conn.delivered[session_id] for conn in conns]
        if not conns:
            batch: list[dict[str, Any]] = []
        elif message is not None and not ending and min(marks) >= message["seq"] - 1:
            batch = [message]  # from hand: every socket has everything before it
        elif newest != ANY_NEWER and not ending and min(marks) >= newest:
            batch = []  # every socket already has it (e.g. this worker stored it)
        else:
            async with self._acquire() as db:
                batch = await services.messages_after(db, session_id, min(marks), limit=READ_BATCH)
            if len(batch) == READ_BATCH:
                self._again[session_id] = ANY_NEWER  # more to read: go round again
        for m in batch:
            texts = frame_texts(m)
            for conn in conns:
                # A resume that arrived while this batch is on its way is applied by the next
                # round (resume makes this delivery go round again): until then the socket gets
                # nothing, so after resuming from N it never receives a seq at or below N.
                if session_id not in conn.rewind and m["seq"] > conn.delivered.get(session_id, m["seq"]):
                    await conn.send_text(texts[conn.user.role != "young_person"])
                    conn.delivered[session_id] = m["seq"]
        if ending and session_id not in self._again:
            frame = {"type": "ended", "session_id": str(session_id), "ended_by": self._ends.pop(session_id) or None}
            for conn in told:
                await conn.send(frame)
                conn.delivered.pop(session_id, None)
                conn.rewind.pop(session_id, None)
            self._participants.pop(session_id, None)
            self.watchers.pop(session_id, None)

    async def resume(self, conn: Connection, session_id: uuid.UUID, after_seq: int) -> None:
        conn.rewind[session_id] = after_seq  # applied by the chat's delivery, in order with the others
        await self.deliver(session_id)

    async def _to_roles(self, roles: set[str], frame: dict[str, Any]) -> None:
        """One frame to every local socket of these roles: encoded once, and the event loop
        let go every few sockets, so that a fan-out to a whole team (a thread answered, an
        alert) never holds up a chat message arriving meanwhile."""
        text = json.dumps(frame, default=str)
        sent = 0
        for conns in list(self.by_user.values()):
            for conn in list(conns):
                if conn.user.role in roles:
                    await conn.send_text(text)
                    sent += 1
                    if not sent % FAN_OUT_BATCH:
                        await asyncio.sleep(0)

    async def _typing(self, session_id: uuid.UUID, from_user: uuid.UUID) -> None:
        for conn in self._local(*await self.participants_of(session_id)):
            if conn.user.id != from_user:
                await conn.send({"type": "typing", "session_id": str(session_id)})

    async def _transferred(self, session_id: uuid.UUID, to_id: uuid.UUID | None, from_id: uuid.UUID | None) -> None:
        """A chat changed hands (or went back to the queue): the young person is told, the
        previous counsellor's sockets let it go, the next counsellor's are given it with the
        handover note, and catch up from its first message."""
        from backend.chat.toolkit import handover_for

        young_person_id, _ = await self.participants_of(session_id)  # the young person never changes
        if young_person_id is not None and not self._local(young_person_id, to_id, from_id):
            # Nobody of the chat has a socket here (most workers, most of the time): nothing
            # to tell or read. Who has the chat now is read again when a socket here needs it.
            self._participants.pop(session_id, None)
            return
        async with self.sessionmaker() as db:
            chat = await db.get(ChatSession, session_id)
            counsellor = await db.get(User, to_id) if to_id else None
            handover = await handover_for(db, session_id, to_id) if to_id else None
        if chat is None:
            return
        self._participants[session_id] = (chat.young_person_id, chat.counsellor_id)
        told = {"type": "transferred", "session_id": str(session_id), "counsellor": services.first_name(counsellor)}
        for conn in self._local(chat.young_person_id):
            await conn.send(told)
        for conn in self._local(from_id):
            if from_id != to_id:
                conn.delivered.pop(session_id, None)
                conn.rewind.pop(session_id, None)
                await conn.send({**told, "handed_over": True})
        frame = {"type": "assigned", "request_id": str(chat.request_id), "session_id": str(session_id),
                 "counsellor": services.first_name(counsellor), "transferred": True, "handover": handover}
        for conn in self._local(to_id):
            conn.delivered.setdefault(session_id, 0)  # the next counsellor reads the chat from its start
            await conn.send(frame)
        await self.deliver(session_id)

    async def _whisper(self, whisper_id: uuid.UUID) -> None:
        from backend.chat.toolkit import whisper_frame

        async with self.sessionmaker() as db:
            found = await whisper_frame(db, whisper_id)
        if found is None:
            return
        counsellor_id, frame = found
        for conn in self._local(counsellor_id):  # the chat's counsellor only, never the young person
            if conn.user.role != "young_person":
                await conn.send(frame)

    async def _assigned(self, request_id: uuid.UUID, session_id: uuid.UUID) -> None:
        async with self.sessionmaker() as db:
            chat = await db.get(ChatSession, session_id)
            counsellor = await db.get(User, chat.counsellor_id) if chat and chat.counsellor_id else None
        if chat is None:
            return
        self._participants[session_id] = (chat.young_person_id, chat.counsellor_id)
        frame = {"type": "assigned", "request_id": str(request_id), "session_id": str(session_id),
                 "counsellor": services.first_name(counsellor)}
        for conn in self._local(chat.young_person_id, chat.counsellor_id):
            conn.delivered.setdefault(session_id, 0)  # this socket follows the chat from its start
            await conn.send(frame)

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
            closing = await closing_notice_now(db, utcnow()) if waiting else None
            if waiting and (closing is not None or any(
                    positions.get(rid, (0, utcnow()))[1] <
                    utcnow() - dt.timedelta(seconds=services.long_wait_seconds())
                    for rid, _ in waiting)):
                lines = await services.crisis_lines_for(db, None)
        for request_id, user_id in waiting:
            if request_id in positions and capacity is not None:
                position, created = positions[request_id]
                frame = services.queue_frame(request_id, position, created, capacity, lines, closing)
                for conn in self._local(user_id):
                    await conn.send(frame)
        if tell_counsellors:
            await self._to_roles(COUNSELLING, {"type": "queue_changed"})

    async def resync_all(self) -> None:
        """Deliver anything a socket has not had yet (after a reconnect, and periodically):
        one read of the local chats' last seq, then a delivery only for the chats behind."""
        marks: dict[uuid.UUID, int] = {}
        for conns in list(self.by_user.values()):
            for conn in list(conns):
                for session_id, seq in list(conn.delivered.items()):
                    marks[session_id] = min(seq, marks.get(session_id, seq))
        if marks:
            async with self._acquire() as db:
                rows = await db.fetch("SELECT id, last_seq, ended_at IS NOT NULL AS ended, ended_by FROM chat_session "
                                      "WHERE id = ANY($1::uuid[])", list(marks))
            for session_id, last_seq, ended, ended_by in rows:
                if ended:  # the end was missed too: tell the sockets after the last messages
                    await self.deliver(session_id, ended_by=ended_by or "")
                elif last_seq > marks[session_id]:
                    await self.deliver(session_id)
        await self.send_queue_positions(tell_counsellors=False)
