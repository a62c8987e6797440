"""What every request and response passes through, whatever its route:

- security headers on every answer (API, PWA shell, static files, errors, 404s);
- bad input refused before any handler or database sees it: a NUL character (U+0000) in
  the path, the query or a JSON body, JSON nested deeper than ``MAX_JSON_DEPTH``;
- ``/metrics`` only for the internal network or with ``WAYMARK_METRICS_TOKEN``, and
  statuses counted as sent (a request refused by a middleware included).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.plugins.prometheus import PrometheusMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Scopes, Send

from backend.errors import Invalid, TooLarge

# --- security headers -------------------------------------------------------------------

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class SecurityHeaders:
    """A plain ASGI wrapper around the whole application (outside Litestar's router and
    its exception handling), so nothing it answers leaves without these headers.

    It also gives an OPTIONS answer the ``Allow`` header of the whole path: Litestar's
    automatic OPTIONS handler lists only the methods registered before it was made."""

    def __init__(self, app: ASGIApp, *, hsts: bool, allow: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = _HEADERS + ((HSTS,) if hsts else ())
        self.names = frozenset(name for name, _ in self.headers)
        self.allow = {path: methods.encode() for path, methods in (allow or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if scope["method"] == "OPTIONS" and (allow := self.allow.get(scope.get("path_template", ""))):
                    headers = [(k, v) for k, v in headers if k.lower() != b"allow"] + [(b"allow", allow)]
                if any(name.lower() in self.names for name, _ in headers):  # a route set one itself: keep it
                    present = {name.lower() for name, _ in headers}
                    headers += [h for h in self.headers if h[0] not in present]
                else:
                    headers += self.headers
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_methods(routes: list[Any]) -> dict[str, str]:
    """Each HTTP path template -> its methods, for the Allow header."""
    return {route.path: ", ".join(sorted(route.methods)) for route in routes if hasattr(route, "methods")}


# --- bad input --------------------------------------------------------------------------

MAX_JSON_DEPTH = 32
# A JSON string escape for U+0000: "\u0000" preceded by an even number of backslashes.
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
NUL_DETAIL = "Your text contains a hidden character (a zero byte) we can't store. Please remove it and try again."
DEPTH_DETAIL = "That JSON is nested too deeply."


def json_problem(raw: bytes) -> tuple[str, str] | None:
    """(code, detail) when a JSON text must be refused before it is decoded: it holds a
    NUL character, or it nests deeper than MAX_JSON_DEPTH. None otherwise."""
    if b"\x00" in raw or _NUL_ESCAPE.search(raw):
        return "nul_character", NUL_DETAIL
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH:  # only then can it be too deep
        depth = 0
        for match in _STRING_OR_BRACKET.finditer(raw):
            token = match.group()
            if token in (b"[", b"{"):
                depth += 1
                if depth > MAX_JSON_DEPTH:
                    return "too_deep", DEPTH_DETAIL
            elif token in (b"]", b"}"):
                depth -= 1
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestChecks(AbstractMiddleware):
    """Refuses (400, problem details) a NUL character in the path, the query string or a
    JSON body, and JSON nested too deeply: one place, before any handler, decoder or SQL.

    It also hands every write (an HTTP request with an unsafe method) to the rate limiter:
    reads are not rate limited (they are cached and cheap; log-in and posting have their own
    limits in PostgreSQL), so a read no longer passes through the limiter's layer at all
    (Litestar's builds a Request for every request only to ask ``check_throttle_handler``)."""

    scopes: Scopes = {ScopeType.HTTP, ScopeType.WEBSOCKET}

    def __init__(self, app: ASGIApp, max_body_bytes: int, rate_limit: RateLimitConfig | None = None) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes  # unless the route allows more (or less)
        self.writes = rate_limit.middleware(app) if rate_limit is not None else app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["user"] = None  # nobody until the session middleware says who (it skips some paths)
        query = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
            raise Invalid(NUL_DETAIL, code="nul_character")
        if scope["type"] != ScopeType.HTTP or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE") and _is_json(scope):
            handler = scope.get("route_handler")
            limit = getattr(handler, "resolve_request_max_body_size", lambda: None)() or self.max_body_bytes
            receive = await self._checked_body(receive, limit, _body_type(handler))
        await self.writes(scope, receive, send)

    async def _checked_body(self, receive: Receive, limit: int, body_type: Any) -> Receive:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                raise TooLarge("That request is too large.", code="too_large")
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if problem := json_problem(body):
            raise Invalid(problem[1], code=problem[0])
        if body_type is not None and body.strip():
            _decode_strictly(body, body_type)
        return _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _body_type(handler: Any) -> Any:
    """The msgspec type a handler's ``data`` is decoded into, if it has one."""
    signature = getattr(handler, "parsed_fn_signature", None)
    field = signature.parameters.get("data") if signature is not None else None
    return field.annotation if field is not None else None


def _decode_strictly(body: bytes, body_type: Any) -> None:
    """Decode the body strictly first: Litestar converts it leniently (``1`` for ``true``,
    ``"5"`` for ``5``), which the schema does not allow."""
    try:
        msgspec.convert(whole_numbers(msgspec.json.decode(body)), type=body_type, strict=True)
    except msgspec.ValidationError as exc:  # a ValidationException: a route's own handler may word it
        message, _, where = str(exc).partition(" - at `$.")
        key = re.split(r"[.\[`]", where, maxsplit=1)[0] if where else ""
        raise ValidationException("Validation failed", extra=[{"message": message, "key": key, "source": "body"}]) from exc
    except (msgspec.DecodeError, TypeError, ValueError):
        return  # not JSON, or a type msgspec cannot use: Litestar's own decoding answers


def whole_numbers(value: Any) -> Any:
    """JSON (and JSON Schema) count ``5.0`` as the integer 5: so do we."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    return value


def _replay(messages: list[Any], receive: Receive) -> Receive:
    async def replay() -> Any:
        return messages.pop(0) if messages else await receive()

    return replay


# --- metrics ----------------------------------------------------------------------------


class CountedPrometheusMiddleware(PrometheusMiddleware):
    """Litestar's Prometheus middleware, with the answers of the middlewares inside it
    (CSRF, rate limit, bad input) turned into responses where it can see their status:
    otherwise their exceptions pass it and are counted as 200.

    The same metrics, names and labels as Litestar's (group_path: the route's path template),
    but each label set's children are looked up once and kept: Litestar builds a Request,
    two label dicts and four ``labels(...)`` look-ups (each under a lock) per request."""

    def __init__(self, app: ASGIApp, config: Any) -> None:
        from litestar._asgi.utils import wrap_in_exception_handler

        super().__init__(wrap_in_exception_handler(app), config)
        self._children: dict[tuple[str, str], Any] = {}
        self._done: dict[tuple[str, str, int], tuple[Any, Any, Any]] = {}

    def _labels(self, method: str, path: str, status: int | None = None) -> dict[str, Any]:
        return {"method": method, "path": path, "status_code": 200 if status is None else status,
                "app_name": self._config.app_name}

    def _in_progress(self, method: str, path: str) -> Any:
        child = self._children.get((method, path))
        if child is None:
            labels = self._labels(method, path)
            child = self._children[(method, path)] = self.requests_in_progress(labels).labels(*labels.values())
        return child

    def _finished(self, method: str, path: str, status: int) -> tuple[Any, Any, Any]:
        children = self._done.get((method, path, status))
        if children is None:
            labels = self._labels(method, path, status)
            values = [*labels.values()]
            errors = self.requests_error_count(labels).labels(*values) if status >= 500 else None
            children = self._done[(method, path, status)] = (
                self.request_count(labels).labels(*values), self.request_time(labels).labels(*values), errors)
        return children

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._config.labels or self._config.exemplars or self._config.excluded_http_methods \
                or not self._config.group_path:
            await super().__call__(scope, receive, send)  # what this lean path does not do
            return
        method = scope["method"] if scope["type"] == ScopeType.HTTP else scope["type"]
        path = scope["path_template"]
        start = time.perf_counter()
        span = [200, 0.0]  # status, duration

        async def wrapped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span[0] = message["status"]
            elif message["type"] == "http.response.body":
                span[1] = time.perf_counter() - start
            await send(message)

        in_progress = self._in_progress(method, path)
        in_progress.inc()
        try:
            await self.app(scope, receive, wrapped_send)
        finally:
            in_progress.dec()
            count, duration, errors = self._finished(method, path, span[0])
            if errors is not None:
                errors.inc()
            count.inc()
            duration.observe(span[1])


def _private_address(host: str | None) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


async def metrics_allowed(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """With WAYMARK_METRICS_TOKEN set: only ``Authorization: Bearer <token>``. Without it:
    only a direct request from the internal network (no proxy's forwarding headers)."""
    token = connection.app.state.settings.metrics_token
    given = connection.headers.get("authorization", "")
    if token:
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return
        raise NotFoundException()
    forwarded = "x-forwarded-for" in connection.headers or "forwarded" in connection.headers
    if forwarded or not _private_address(connection.client.host if connection.client else None):
        raise NotFoundException()
