"""Talk to a counsellor over HTTP and the WebSocket: the endpoints and the socket's life
(origin, role, the hub). What each frame means is backend/chat/protocol.py. Each frame opens
its own short database session: nothing is held for the life of the socket."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated
from urllib.parse import urlparse

from litestar import Controller, Request, Response, WebSocket, delete, get, post, put, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.chat import responses, services, toolkit
from backend.chat.hub import ChatHub, Connection
from backend.chat.protocol import handle_frame, shared_service_for
from backend.chat.schemas import (
    AvailabilityIn,
    AvailabilityOut,
    ChatMessageOut,
    ChatMessages,
    ChatRequestIn,
    ChatRequestOut,
    ChatStatus,
    Counsellors,
    CounsellorSessions,
    EndIn,
    EndOut,
    LiveChats,
    MessageIn,
    QueueEntries,
    SavedReplies,
    SavedReplyIn,
    SavedReplyOut,
    TakeIn,
    TakeOut,
    TransferIn,
    TransferOut,
    WhisperIn,
    WhisperOut,
)
from backend.schema_rules import typed
from backend.security import (
    COUNSELLING_ROLES,
    requires_counsellor,
    requires_login,
    requires_role,
    requires_supervisor,
    requires_young_person,
)

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
log = logging.getLogger("waymark.chat")

# WebSocket close codes (documented in docs/chat-protocol.md)
CLOSE_NOT_LOGGED_IN = 4401
CLOSE_FORBIDDEN = 4403
CHAT_ROLES = frozenset({"young_person", *COUNSELLING_ROLES})


class ChatController(Controller):
    path = "/api/v1/chat"
    tags = ["chat"]

    @get("/status", summary="Is the chat open, how long is the wait, and the crisis lines")
    async def status(self, request: Request, db_session: DB) -> ChatStatus:
        return typed(ChatStatus, await services.chat_status(db_session, request.app.state.chat_hours,
                                                            request.scope.get("user")))

    @post("/requests", guards=[requires_young_person], status_code=HTTP_201_CREATED, summary="Join the queue")
    async def request_chat(self, request: Request, db_session: DB, data: ChatRequestIn) -> Response[ChatRequestOut]:
        answer = await services.request_chat(db_session, request.app.state.chat_hours, request.scope["user"],
                                             topic=(data.topic or "").strip() or None, urgent=data.urgent)
        return Response(typed(ChatRequestOut, answer), status_code=HTTP_201_CREATED)

    @get("/requests/current", guards=[requires_young_person], summary="My place in the queue, or my chat")
    async def current(self, request: Request, db_session: DB) -> ChatRequestOut:
        return typed(ChatRequestOut, await services.current_request(db_session, request.scope["user"]))

    @delete("/requests/current", guards=[requires_young_person], status_code=HTTP_204_NO_CONTENT,
            summary="Leave the queue (or the chat)")
    async def leave(self, request: Request, db_session: DB) -> Response[None]:
        await services.leave_chat(db_session, request.scope["user"])
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    @get("/availability", guards=[requires_counsellor], summary="My availability and open chats")
    async def my_availability(self, request: Request, db_session: DB) -> AvailabilityOut:
        return typed(AvailabilityOut, await services.availability_of(db_session, request.scope["user"]))

    @put("/availability", guards=[requires_counsellor], status_code=HTTP_200_OK)
    async def availability(self, request: Request, db_session: DB, data: AvailabilityIn) -> Response[AvailabilityOut]:
        answer = await services.set_availability(db_session, request.scope["user"], data.status, data.max_concurrent)
        return Response(typed(AvailabilityOut, answer))

    @get("/queue", guards=[requires_counsellor], summary="Waiting young people: urgent first, then longest waiting")
    async def queue(self, db_session: DB) -> QueueEntries:
        items = await services.list_queue(db_session)
        return typed(QueueEntries, {"items": items, "total": len(items)})

    @post("/queue/take", guards=[requires_counsellor], status_code=HTTP_200_OK, summary="Take a chat")
    async def take(self, request: Request, db_session: DB, data: TakeIn | None = None) -> TakeOut:
        return typed(TakeOut, await services.take_request(db_session, request.scope["user"],
                                                          data.request_id if data else None))

    @get("/sessions", guards=[requires_counsellor], summary="My open chats")
    async def my_sessions(self, request: Request, db_session: DB) -> CounsellorSessions:
        items = await services.counsellor_sessions(db_session, request.scope["user"])
        return typed(CounsellorSessions, {"items": items, "total": len(items)})

    @get("/sessions/{session_id:uuid}/messages", guards=[requires_login])
    async def messages(self, request: Request, db_session: DB, session_id: uuid.UUID,
                       after_seq: Annotated[int, Parameter(ge=0)] = 0) -> ChatMessages:
        user = request.scope["user"]
        if user.role == "supervisor":  # may read any chat (watching it)
            await toolkit.session_for_staff(db_session, session_id, user)
        else:
            await services.session_for(db_session, session_id, user)
        conn = await services.driver_connection(db_session)
        counsellor = user.role != "young_person"
        items = [services.message_for(m, counsellor=counsellor)
                 for m in await services.messages_after(conn, session_id, after_seq)]
        for item in items:
            item.pop("session_id")
        return typed(ChatMessages, {"items": items, "total": len(items)})

    @post("/sessions/{session_id:uuid}/messages", guards=[requires_login], status_code=HTTP_201_CREATED,
          summary="Send a message over HTTP (the WebSocket's fallback)")
    async def send(self, request: Request, db_session: DB, session_id: uuid.UUID, data: MessageIn) -> ChatMessageOut:
        user = request.scope["user"]
        chat = await services.session_for(db_session, session_id, user)
        shared_service = (await shared_service_for(db_session, data.service_id)
                          if services.sender_role(chat, user) == "counsellor" else None)
        message, _ = await services.send_message(db_session, session_id, user, body=data.body,
                                                 client_id=data.client_id, shared_service=shared_service)
        return typed(ChatMessageOut, services.message_for(message, counsellor=user.role != "young_person"))

    @post("/sessions/{session_id:uuid}/end", guards=[requires_counsellor], status_code=HTTP_200_OK)
    async def end(self, request: Request, db_session: DB, session_id: uuid.UUID,
                  data: EndIn | None = None) -> Response[EndOut]:
        answer = await services.end_session(db_session, session_id, request.scope["user"],
                                            notes=data.notes if data else None,
                                            risk_level=data.risk_level if data else None)
        return Response(typed(EndOut, answer))


requires_reply_keeper = requires_role(*COUNSELLING_ROLES, "admin")


class ToolkitController(Controller):
    """The counsellor's toolkit: colleagues, transfer, saved replies, the live board, whispers."""

    path = "/api/v1/chat"
    tags = ["chat"]

    @get("/counsellors", guards=[requires_counsellor], summary="Counsellors and supervisors: status and load")
    async def counsellors(self, db_session: DB) -> Counsellors:
        items = await toolkit.list_counsellors(db_session)
        return typed(Counsellors, {"items": items, "total": len(items)})

    @post("/sessions/{session_id:uuid}/transfer", guards=[requires_counsellor], status_code=HTTP_200_OK,
          summary="Hand a chat to a named counsellor, or back to the front of the queue")
    async def transfer(self, request: Request, db_session: DB, session_id: uuid.UUID,
                       data: TransferIn) -> Response[TransferOut]:
        answer = await toolkit.transfer_chat(db_session, request.scope["user"], session_id,
                                             to_counsellor_id=data.to_counsellor_id, note=data.note)
        return Response(typed(TransferOut, answer))

    @get("/responses", guards=[requires_reply_keeper], summary="Saved replies: my own and the shared ones")
    async def saved_replies(self, request: Request, db_session: DB) -> SavedReplies:
        items = await responses.list_replies(db_session, request.scope["user"])
        return typed(SavedReplies, {"items": items, "total": len(items)})

    @post("/responses", guards=[requires_reply_keeper], status_code=HTTP_201_CREATED, summary="Save a reply")
    async def save_reply(self, request: Request, db_session: DB, data: SavedReplyIn) -> SavedReplyOut:
        return typed(SavedReplyOut, await responses.save_reply(db_session, request.scope["user"], title=data.title,
                                                               body=data.body, shared=bool(data.shared)))

    @put("/responses/{reply_id:uuid}", guards=[requires_reply_keeper], status_code=HTTP_200_OK)
    async def update_reply(self, request: Request, db_session: DB, reply_id: uuid.UUID, data: SavedReplyIn) -> SavedReplyOut:
        return typed(SavedReplyOut, await responses.update_reply(db_session, request.scope["user"], reply_id,
                                                                 title=data.title, body=data.body, shared=data.shared))

    @delete("/responses/{reply_id:uuid}", guards=[requires_reply_keeper], status_code=HTTP_204_NO_CONTENT)
    async def delete_reply(self, request: Request, db_session: DB, reply_id: uuid.UUID) -> None:
        await responses.delete_reply(db_session, request.scope["user"], reply_id)

    @get("/live", guards=[requires_supervisor], summary="Every open chat (supervisors)")
    async def live(self, db_session: DB) -> LiveChats:
        items = await toolkit.live_board(db_session)
        return typed(LiveChats, {"items": items, "total": len(items)})

    @post("/sessions/{session_id:uuid}/whisper", guards=[requires_supervisor], status_code=HTTP_201_CREATED,
          summary="A word to the chat's counsellor only (never shown to the young person)")
    async def whisper(self, request: Request, db_session: DB, session_id: uuid.UUID, data: WhisperIn) -> WhisperOut:
        return typed(WhisperOut, await toolkit.whisper(db_session, request.scope["user"], session_id, data.body))


def origin_allowed(socket: WebSocket) -> bool:
    """The page's origin is one we allow, or this server itself: the same host and port
    and the same scheme (``https`` for ``wss``, ``http`` for ``ws``)."""
    origin = socket.headers.get("origin")
    if not origin:
        return False
    if origin in socket.app.state.settings.allowed_origins:
        return True
    parsed = urlparse(origin)
    scheme = {"ws": "http", "wss": "https"}.get(socket.scope.get("scheme", "ws"), "http")
    return parsed.scheme == scheme and parsed.netloc == socket.headers.get("host")


async def serve_socket(socket: WebSocket, roles: frozenset[str]) -> None:
    """Accept a socket for a signed-in person of one of ``roles`` from our own origin, keep
    it in the hub, and handle its frames until it closes."""
    user = socket.scope.get("user")
    await socket.accept()
    if not origin_allowed(socket):
        await socket.close(code=CLOSE_FORBIDDEN, reason="origin not allowed")
        return
    if user is None:
        await socket.close(code=CLOSE_NOT_LOGGED_IN, reason="not logged in")
        return
    if user.role not in roles:
        await socket.close(code=CLOSE_FORBIDDEN, reason="not for this role")
        return
    hub: ChatHub = socket.app.state.chat_hub
    conn = Connection(socket=socket, user=user)
    hub.add(conn)
    try:
        if user.role == "young_person":  # their own place only; nothing changed for anyone else
            await hub.send_queue_positions(tell_counsellors=False, only=user.id)
        while True:
            event = await socket.receive()
            if event["type"] == "websocket.disconnect":
                break
            raw = event.get("text")
            if raw is None:
                raw = (event.get("bytes") or b"").decode("utf-8", "replace")
            if user.role in CHAT_ROLES:
                await handle_frame(hub, conn, raw)
    except WebSocketDisconnect:
        pass  # the phone went away; it will resume
    except Exception as exc:  # noqa: BLE001 - never let one socket take the worker down
        log.warning("chat socket closed on %s", type(exc).__name__)
    finally:
        hub.remove(conn)


@websocket("/api/v1/chat/ws", opt={"skip_rate_limiting": True})
async def chat_socket(socket: WebSocket) -> None:
    """Young people and counsellors: the chat (counsellors also get safeguarding alerts)."""
    await serve_socket(socket, CHAT_ROLES)


@websocket("/api/v1/moderation/ws", opt={"skip_rate_limiting": True})
async def moderation_socket(socket: WebSocket) -> None:
    """Moderators' consoles: `moderation_item` frames the moment an item arrives or changes."""
    await serve_socket(socket, frozenset({"moderator", "admin"}))
