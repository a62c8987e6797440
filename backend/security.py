"""Cross-cutting security: password hashing, sessions, the current user, role guards."""

from __future__ import annotations

import asyncio
import datetime
import functools
import hmac
import json
import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from advanced_alchemy.extensions.litestar.session import SQLAlchemyAsyncSessionBackend
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, Headers, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, CSRFMiddleware, generate_csrf_hash
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items
from litestar.utils.scope.state import ScopeState
from sqlalchemy import String, cast, delete, func, select

from backend.clock import utcnow
from backend.errors import Forbidden
from backend.short_memory import ShortMemory

# --- passwords ------------------------------------------------------------------------

# argon2id with the library's RFC 9106 "low memory" profile defaults (t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so an unknown name and
# a wrong password take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


async def hash_secret(secret: str) -> str:
    """argon2id, off the event loop."""
    return await asyncio.to_thread(_hasher.hash, secret)


async def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-shape check: always runs one argon2 verification, off the event loop."""

    def _verify() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


def new_recovery_code() -> str:
    """A one-time recovery code: 16 characters from an alphabet without look-alikes, in
    groups of four, so a young person can copy it onto paper."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# --- sessions -------------------------------------------------------------------------

SESSION_USER_KEY = "uid"
SIGNED_OUT_CHANNEL = "waymark_signed_out"  # every worker forgets what it kept of that person


def _user_id_in(data: bytes | None) -> str | None:
    """The user id a stored session names, if any."""
    try:
        value = json.loads(data).get(SESSION_USER_KEY) if data else None
        return str(uuid.UUID(value)) if value else None
    except (ValueError, TypeError, AttributeError):
        return None


SESSION_CACHE_SECONDS = 5.0
# Remembered per worker for a few seconds, bounded (the oldest go first when it is full).
_SESSION_CACHE: ShortMemory[str, bytes] = ShortMemory(maxsize=50_000, ttl=SESSION_CACHE_SECONDS)


def remember_session(session_id: str, data: bytes) -> None:
    _SESSION_CACHE[session_id] = data


def forget_session(session_id: str) -> None:
    _Caching.forgets += 1
    _SESSION_CACHE.pop(session_id[:255], None)
    _SESSION_READS.pop(session_id[:255], None)  # a read under way may be stale: later requests read anew


def forget_sessions_of(user_id: uuid.UUID) -> None:
    """Forget every remembered session of one person (they were signed out everywhere)."""
    _Caching.forgets += 1
    _SESSION_READS.clear()
    needle = str(user_id).encode()
    for session_id in [sid for sid, data in list(_SESSION_CACHE.items()) if needle in data]:
        _SESSION_CACHE.pop(session_id, None)


class _Caching:
    """Whether this worker may remember sessions and users for a few seconds: only while
    it hears sign-out notices (backend.accounts.sessions), so none can be missed."""

    enabled = False
    forgets = 0  # how often something was forgotten: a read under way meanwhile is not kept


def set_caching(enabled: bool) -> None:
    _Caching.enabled = enabled
    if not enabled:
        _Caching.forgets += 1
        _SESSION_CACHE.clear()
        _SESSION_READS.clear()


_SESSION_READS: dict[str, asyncio.Future] = {}


async def single_flight(inflight: dict[Any, asyncio.Future], key: Any, read: Callable[[], Awaitable[Any]]) -> Any:
    """One read of ``key`` at a time in this worker: requests that miss the cache together
    (32 at once when a session's few seconds run out under load) share the first one's
    answer instead of each taking a database connection."""
    if (pending := inflight.get(key)) is not None:
        return await asyncio.shield(pending)
    pending = inflight[key] = asyncio.get_running_loop().create_future()
    try:
        value = await read()
    except BaseException as exc:
        pending.set_exception(exc if isinstance(exc, Exception) else RuntimeError("the shared read was cancelled"))
        pending.exception()  # retrieved: nobody else may be waiting
        raise
    else:
        pending.set_result(value)
        return value
    finally:
        if inflight.get(key) is pending:  # a forgetting may have dropped it (and a new read begun)
            del inflight[key]


def caching_enabled() -> bool:
    return _Caching.enabled


def forgetting() -> int:
    """How often this worker has forgotten a session or a user: a read under way across a
    change of this count may be stale, so it serves its own request but is not kept."""
    return _Caching.forgets


def note_forgetting() -> None:
    _Caching.forgets += 1


RENEW_AFTER_SECONDS = 60 * 60  # a session's expiry moves forward at most once an hour
_ROTATE_KEY = "waymark.rotate_session"
_NEW_SESSION_ID = "waymark.new_session_id"


class WaymarkSessionBackend(SQLAlchemyAsyncSessionBackend):
    """The advanced-alchemy PostgreSQL session backend, with three changes:

    - an anonymous visitor gets no session row and no session cookie (Litestar would
      store an empty session for every request);
    - a session that did not change is not written back on every response (its expiry
      is already renewed when it is read);
    - ``rotate_session`` issues a new session id on log-in (no session fixation).
    """

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        scope = connection.scope
        cookie_id = connection.cookies.get(self.config.key)
        had_cookie = bool(cookie_id) and cookie_id != "null"
        if not had_cookie and (scope_session is Empty or not scope_session):
            return  # anonymous, and still anonymous: nothing to store, no cookie to send
        if (had_cookie and scope_session and not scope.get(_ROTATE_KEY)  # type: ignore[call-overload]
                and scope.get("waymark.session_loaded") == scope_session):  # type: ignore[call-overload]
            return  # unchanged (most signed-in requests): nothing to write, no cookie to send
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))

        if scope_session is Empty or not scope_session:
            if had_cookie:
                await self.delete(cookie_id, store=store)  # type: ignore[arg-type]
                gone = {**cookie_params, "max_age": 0}  # Max-Age wins over Expires in browsers: 0 deletes the cookie
                headers.add("Set-Cookie", Cookie(value="null", key=self.config.key, expires=0, **gone).to_header(header=""))
                headers.add("Set-Cookie", signed_in_hint(cookie_params, signed_in=False))
            return

        rotate = scope.get(_ROTATE_KEY, False)  # type: ignore[call-overload]
        if rotate and had_cookie:
            await self.delete(cookie_id, store=store)  # type: ignore[arg-type]
        if rotate or not had_cookie:
            session_id = scope.get(_NEW_SESSION_ID) or self.generate_session_id()  # type: ignore[call-overload]
        else:
            session_id = cookie_id  # type: ignore[assignment]
            if scope.get("waymark.session_loaded") == scope_session:  # type: ignore[call-overload]
                return  # unchanged: nothing to write
        await self.set(session_id=session_id, data=self.serialize_data(scope_session, scope), store=store)
        headers.add("Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""))
        headers.add("Set-Cookie", signed_in_hint(cookie_params, signed_in=True))

    async def get(self, /, session_id: str, store: Any) -> bytes | None:
        """Read a session; renew its expiry only when less than ``max_age - RENEW_AFTER`` is
        left, so most authenticated reads do not also write. A read is remembered by this
        worker for SESSION_CACHE_SECONDS, only while the worker hears sign-out notices
        (ending a person's sessions makes every worker forget them at once)."""
        session_id = session_id[:255]
        cached = _SESSION_CACHE.get(session_id) if _Caching.enabled else None
        if cached is not None:
            return cached
        return await single_flight(_SESSION_READS, session_id, lambda: self._read(session_id))

    async def _read(self, session_id: str) -> bytes | None:
        keep, forgets = _Caching.enabled, _Caching.forgets
        async with self.alchemy.get_session() as db:
            row = await self._get_session_obj(db_session=db, session_id=session_id)
            if row is None:
                return None
            now = utcnow()
            if row.expires_at <= now:
                await db.delete(row)
                await db.commit()
                return None
            if (row.expires_at - now).total_seconds() < self.config.max_age - RENEW_AFTER_SECONDS:
                row.expires_at = now + datetime.timedelta(seconds=self.config.max_age)
                await db.commit()
            data = row.data
        if keep and _Caching.enabled and forgets == _Caching.forgets:  # nothing forgotten meanwhile
            remember_session(session_id, data)
        return data

    async def delete(self, /, session_id: str, store: Any) -> None:
        """Delete a session (a log-out) and, when it was someone's, tell every worker on
        commit, so none honours it from its few seconds' memory (backend.accounts.sessions)."""
        session_id = session_id[:255]
        forget_session(session_id)
        async with self.alchemy.get_session() as db:
            data = (await db.execute(delete(self._model).where(self._model.session_id == session_id)
                                     .returning(self._model.data))).scalar()
            user_id = _user_id_in(data)
            if user_id is not None:
                await db.execute(select(func.pg_notify(SIGNED_OUT_CHANNEL, cast(user_id, String))))
            await db.commit()

    async def set(self, /, session_id: str, data: bytes, store: Any) -> None:
        forget_session(session_id)
        await super().set(session_id, data, store)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope["waymark.session_loaded"] = dict(data)  # type: ignore[typeddict-unknown-key]
        return data


SIGNED_IN_HINT = "waymark_signed_in"


def signed_in_hint(session_cookie_params: dict[str, Any], *, signed_in: bool) -> str:
    """The ``Set-Cookie`` of the hint that travels with the session cookie: ``1`` while this
    browser holds a session, removed with it. Readable by the PWA (not HttpOnly) and nothing
    personal, so a signed-out phone knows not to ask ``GET /api/v1/me`` (which would answer
    401). It proves nothing: the session cookie alone signs anyone in."""
    params = {k: v for k, v in session_cookie_params.items() if k not in ("key", "value", "httponly", "expires")}
    if not signed_in:
        params["max_age"] = 0  # gone at once
    cookie = Cookie(key=SIGNED_IN_HINT, value="1" if signed_in else "", httponly=False, **params)
    return cookie.to_header(header="")


def start_session(connection: ASGIConnection, user_id: uuid.UUID) -> None:
    """Sign the user in on a brand-new session id, made here so that the answer's new
    ``csrftoken`` can be bound to it (see SessionBoundCSRF)."""
    connection.scope[_ROTATE_KEY] = True  # type: ignore[typeddict-unknown-key]
    connection.scope[_NEW_SESSION_ID] = secrets.token_hex(32)  # type: ignore[typeddict-unknown-key]
    connection.set_session({SESSION_USER_KEY: str(user_id)})


def end_session(connection: ASGIConnection) -> None:
    connection.clear_session()


SESSION_COOKIE = "waymark_session"


def session_cookie(connection: ASGIConnection) -> str | None:
    """This device's session id (its row is replaced or deleted by the session middleware
    itself when the response starts: never lock it in the request's own transaction)."""
    return connection.cookies.get(SESSION_COOKIE)
def session_cookie_id(connection: ASGIConnection) -> str | None:
    """The id of the session making this request (to keep it when ending the others)."""
    value = connection.cookies.get(SESSION_COOKIE)
    return value if value and value != "null" else None


def session_user_id(connection: ASGIConnection) -> uuid.UUID | None:
    raw = connection.scope.get("session") or {}
    value = raw.get(SESSION_USER_KEY) if isinstance(raw, dict) else None
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- CSRF -----------------------------------------------------------------------------

def _session_id_of(scope: Any) -> str | None:
    """The session id the request came with (none, or Litestar's "null" after a log-out: none)."""
    value = ASGIConnection(scope).cookies.get(SESSION_COOKIE)
    return value if value and value != "null" else None


class SessionBoundCSRF(CSRFMiddleware):
    """Litestar's double-submit CSRF check (the ``x-csrftoken`` header equals the signed
    ``csrftoken`` cookie), and with a session cookie also: the token is the one derived
    from that session's id (an HMAC), so a token from before log-in or from another
    session fails. A log-in makes a new session id, so it rotates the token; any answer,
    even one that does not load the session, hands out the right token."""

    def _seed(self, session_id: str) -> str:
        return _csrf_seed(self.config.secret, session_id)

    def _decode_csrf_token(self, token: str) -> str | None:
        return _decoded_token(self.config.secret, token)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session_id = _session_id_of(scope)
        live = isinstance(scope.get("session"), dict) and bool(scope["session"])  # a stale cookie: anonymous
        if session_id and live and scope["method"] not in self.config.safe_methods:
            given = Headers.from_scope(scope).get(self.config.header_name) or ""
            if self._decode_csrf_token(given) != self._seed(session_id):
                raise PermissionDeniedException("CSRF token verification failed")
        cookie = ASGIConnection(scope).cookies.get(self.config.cookie_name)
        if cookie and scope["method"] in self.config.safe_methods and (
                not session_id or self._decode_csrf_token(cookie) == self._seed(session_id)):
            # A read that already has the right token (most requests): nothing to check and no
            # cookie to set, so none of the two send wrappers below is needed.
            ScopeState.from_scope(scope).csrf_token = cookie
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, self._bind_cookie(scope, send, cookie, session_id))

    def _bind_cookie(self, scope: Any, send: Any, cookie: str | None, session_id: str | None) -> Any:
        async def send_bound(message: Message) -> None:
            if message["type"] == "http.response.start":
                bound_to = scope.get(_NEW_SESSION_ID) or session_id
                seed = self._seed(bound_to) if bound_to and not _session_cleared(scope) else None
                if seed and self._decode_csrf_token(cookie or "") != seed:
                    name = f"{self.config.cookie_name}=".encode()
                    message["headers"] = [(k, v) for k, v in message.get("headers", ())
                                          if not (k.lower() == b"set-cookie" and v.startswith(name))]
                    self._set_cookie_if_needed(message=message, token=seed + generate_csrf_hash(seed, self.config.secret))
            await send(message)

        return send_bound


# Both HMACs are the same for every request of a session: kept for the most recent ones.
@functools.lru_cache(maxsize=4096)
def _csrf_seed(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_id}".encode(), "sha256").hexdigest()


@functools.lru_cache(maxsize=4096)
def _decoded_token(secret: str, token: str) -> str | None:
    """Litestar's check of a token's HMAC (None when it fails)."""
    if len(token) < CSRF_SECRET_LENGTH + 1:
        return None
    token_secret, given = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return token_secret if hmac.compare_digest(given, generate_csrf_hash(token=token_secret, secret=secret)) else None


def _session_cleared(scope: Any) -> bool:
    """The answer ends the session (a log-out): nothing to bind to."""
    return "session" in scope and (scope["session"] is Empty or scope["session"] == {}) and not scope.get(_NEW_SESSION_ID)


# --- guards ---------------------------------------------------------------------------


def _user_of(connection: ASGIConnection) -> Any:
    return connection.scope.get("user")


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if _user_of(connection) is None:
        raise NotAuthorizedException("Please log in first.")


def requires_role(*roles: str):  # noqa: ANN201 - a guard factory
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = _user_of(connection)
        if user is None:
            raise NotAuthorizedException("Please log in first.")
        if user.role not in allowed:
            raise PermissionDeniedException("This part of Waymark is not for your account.")

    guard.__name__ = f"requires_{'_or_'.join(sorted(allowed))}"
    return guard


requires_young_person = requires_role("young_person")
# A supervisor is a senior counsellor: everything a counsellor may do, and watching live chats.
COUNSELLING_ROLES = ("counsellor", "supervisor")
requires_counsellor = requires_role(*COUNSELLING_ROLES)
requires_supervisor = requires_role("supervisor")
requires_moderator = requires_role("moderator", "admin")
requires_admin = requires_role("admin")


async def _authorize_connection(self: BaseRouteHandler, connection: ASGIConnection) -> None:
    """Litestar's ``authorize_connection`` (every guard in scope, in order), without giving
    each guard a fresh ``copy()`` of the route handler on every request (a copy lets a guard
    change the handler it is given; none of ours reads it, let alone changes it): the copy
    was about a tenth of a signed-in read's CPU."""
    for guard in self.resolve_guards():
        await guard(connection, self)


def guards_share_the_handler() -> None:
    """Applied once by create_app (see ``_authorize_connection``)."""
    BaseRouteHandler.authorize_connection = _authorize_connection  # type: ignore[method-assign]


def refuse_other_council(user: Any, council_code: str, detail: str) -> None:
    """The one rule for council staff: a council admin works only for their own council
    (a platform admin, for any). ``detail`` says what they tried, kindly."""
    if user is not None and user.role == "council_admin" and user.council_code != council_code:
        raise Forbidden(detail, code="other_council")
