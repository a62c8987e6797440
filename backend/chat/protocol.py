"""The chat's WebSocket protocol: what each frame from a client means (message, typing,
resume, watch) and the error frame it gets back, through the same table of domain errors as
HTTP (backend/errors.py). Each frame opens its own short database session. The socket's life
(origin, role, accept and close) is backend/chat/controllers.py; the frames themselves are
documented in docs/chat-protocol.md."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.chat.hub import ChatHub, Connection
from backend.chat.models import ChatSession
from backend.errors import DomainError, Failed, Forbidden, Invalid, NotFound, TooLarge, error_frame
from backend.http_safety import json_problem

log = logging.getLogger("waymark.chat")
MAX_FRAME_CHARS = 16_000


async def shared_service_for(db: AsyncSession, service_id: str | None) -> dict[str, Any] | None:
    """The shared service a counsellor's message carries (``service_id`` on the wire), or None."""
    if not service_id:
        return None
    from backend.signposting.services import shared_service

    found = await shared_service(db, service_id)
    if found is None:
        raise NotFound("There is no such service.")
    return found


async def handle_frame(hub: ChatHub, conn: Connection, raw: str) -> None:
    if len(raw) > MAX_FRAME_CHARS:
        await conn.send(error_frame(TooLarge("That message is too long. Please split it up.", code="too_long")))
        return
    if refused := json_problem(raw.encode()):  # a NUL character, or nested too deeply to decode
        await conn.send(error_frame(Invalid(refused[1], code=refused[0])))
        return
    try:
        frame = json.loads(raw)
    except ValueError:
        await conn.send(error_frame(Invalid("That frame is not JSON.", code="bad_frame")))
        return
    if not isinstance(frame, dict):
        await conn.send(error_frame(Invalid("A frame must be a JSON object.", code="bad_frame")))
        return
    kind = frame.get("type")
    try:
        session_id = uuid.UUID(str(frame.get("session_id")))
    except ValueError:
        await conn.send(error_frame(Invalid("session_id is missing or not a valid id.", code="bad_frame")))
        return
    context = {"session_id": str(session_id)}
    if frame.get("client_id"):
        context["client_id"] = str(frame.get("client_id"))[:64]
    try:
        if kind == "message":
            await _on_message(hub, conn, session_id, frame)
        elif kind == "typing":
            await hub.announce_typing(session_id, conn.user)
        elif kind in ("resume", "watch"):
            after = frame.get("after_seq", 0)
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                raise Invalid("after_seq must be a whole number, 0 or more.", code="bad_frame")
            if kind == "watch":
                await _watch(hub, conn, session_id)
            elif conn.user.id not in await hub.participants_of(session_id) and conn not in hub.watchers.get(session_id, ()):
                raise NotFound("There is no such chat.")
            await hub.resume(conn, session_id, after)
        else:
            await conn.send(error_frame(Invalid(f"Unknown frame type {str(kind)[:40]!r}.", code="bad_frame")))
    except DomainError as error:  # told through the same table as over HTTP
        await conn.send(error_frame(error, **context))
    except Exception as exc:  # noqa: BLE001 - one bad frame must not close the socket
        log.warning("chat frame failed: %s", type(exc).__name__)
        await conn.send(error_frame(Failed("Something went wrong on our side. Your message wasn't sent yet: "
                                           "we'll keep trying."), **context))


async def _watch(hub: ChatHub, conn: Connection, session_id: uuid.UUID) -> None:
    """A supervisor follows a live chat read-only: its frames, from its first message."""
    if conn.user.role != "supervisor":
        raise Forbidden("Only a supervisor can watch a chat.", code="forbidden")
    async with hub.sessionmaker() as db:
        chat = await db.get(ChatSession, session_id)
    if chat is None or chat.ended_at is not None:
        raise NotFound("There is no such live chat.")
    hub.watch(conn, session_id)


async def _on_message(hub: ChatHub, conn: Connection, session_id: uuid.UUID, frame: dict[str, Any]) -> None:
    body = frame.get("body", "")
    if not isinstance(body, str):
        raise Invalid("body must be text.", code="bad_frame")
    try:
        client_id = uuid.UUID(str(frame.get("client_id")))
    except ValueError as exc:
        raise Invalid("client_id must be a UUID made on your device.", code="bad_frame") from exc
    shared_service = None
    if frame.get("service_id") and conn.user.role == "counsellor":
        async with hub.sessionmaker() as db:
            shared_service = await shared_service_for(db, str(frame["service_id"])[:120])
    # Stored and committed (one round trip) before it is acknowledged or delivered.
    message, _ = await hub.store_message(session_id, conn.user, body=body, client_id=client_id,
                                         shared_service=shared_service)
    await conn.send({"type": "ack", "client_id": str(client_id), "seq": message["seq"], "session_id": str(session_id)})
    conn.delivered.setdefault(session_id, message["seq"] - 1)  # a socket that writes in a chat follows it
    try:
        await hub.deliver(session_id, message=message)  # this worker's sockets now; the others on NOTIFY
    except Exception as exc:  # noqa: BLE001 - stored and acknowledged: the next delivery or the sweep sends it
        log.warning("chat delivery after storing failed: %s", type(exc).__name__)
