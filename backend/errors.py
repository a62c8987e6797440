"""Errors: the rules refuse with a domain error; one table says how each is told.

Services raise one of the domain errors below (``NotFound``, ``Conflict``, ``Throttled``…),
each with a kind ``detail`` a young person can read and a machine-readable ``code`` (the
class's own when none is given). They never choose an HTTP status or a header. ``PROBLEMS``
is the one table from an error's kind to its HTTP status; ``domain_problem`` (the one
exception handler) tells it over HTTP as RFC 9457 problem details (``Retry-After`` when
throttled), and ``error_frame`` tells it on the chat's WebSocket. Every problem has a
``code``: Litestar's own HTTP errors get the one their status has in the same table.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("waymark.errors")


# --- the domain errors ------------------------------------------------------------------


class DomainError(Exception):
    """A rule refused. ``detail``: a kind sentence; ``code``: machine-readable; ``extra``:
    more fields for the client (``field``, ``status``, ``crisis_lines``…)."""

    code: ClassVar[str] = "error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or type(self).code  # type: ignore[misc] - an instance's own code
        self.extra = extra
        self.retry_after: int | None = None


class Invalid(DomainError):
    """Something sent breaks a rule (a field, a range, a choice)."""

    code = "invalid"


class NotLoggedIn(DomainError):
    """Who is asking is not known (or their proof did not match)."""

    code = "not_logged_in"


class Forbidden(DomainError):
    """Known, but not allowed to do this."""

    code = "forbidden"


class NotFound(DomainError):
    """There is no such thing (or not one this person may see)."""

    code = "not_found"


class Conflict(DomainError):
    """It clashes with the state things are in now (already decided, ended, taken…)."""

    code = "conflict"


class TooLarge(DomainError):
    """More than we accept at once."""

    code = "too_large"


class Throttled(DomainError):
    """Too many, too fast: try again in ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Something it needs is down for now: try again in ``retry_after`` seconds."""

    code = "try_again_later"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)
        self.retry_after = retry_after


class Failed(DomainError):
    """Our side could not do it (a broken invariant, told kindly)."""

    code = "server_error"


# The one table: each kind of domain error and the HTTP status it is told with.
PROBLEMS: dict[type[DomainError], int] = {
    Invalid: 400,
    NotLoggedIn: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    Throttled: 429,
    Failed: 500,
    Unavailable: 503,
}
# Litestar's own HTTP errors (guards, routing, limits) get the code their status has here.
CODE_OF_STATUS: dict[int, str] = {status: kind.code for kind, status in PROBLEMS.items()} | {405: "method_not_allowed"}

_TITLES = {
    400: "Something in the request needs fixing",
    401: "Not logged in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "Try again later",
}


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error (its nearest kind in ``PROBLEMS``)."""
    for kind in type(error).__mro__:
        if kind in PROBLEMS:
            return PROBLEMS[kind]
    return HTTP_500_INTERNAL_SERVER_ERROR


def problem_fields(error: DomainError) -> dict[str, Any]:
    """What every telling of an error carries besides its status: its code, its extra
    fields, and ``retry_after`` when there is a wait."""
    fields: dict[str, Any] = {"code": error.code, **error.extra}
    if error.retry_after is not None:
        fields["retry_after"] = error.retry_after
    return fields


def problem_of(error: DomainError, headers: dict[str, str] | None = None) -> ProblemDetailsException:
    status = status_of(error)
    headers = dict(headers or {})
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return ProblemDetailsException(status_code=status, detail=error.detail, extra=problem_fields(error),
                                   headers=headers or None, title=_TITLES.get(status))


def domain_problem(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    """The one exception handler for domain errors. The route's own response headers (the
    open feed's CORS header) go on its problems too."""
    handler = request.scope.get("route_handler")
    resolve = getattr(handler, "resolve_response_headers", None)
    route_headers = {h.name: h.value for h in resolve() if h.value is not None and not h.documentation_only} if resolve else {}
    return problem_of(error, route_headers).to_response(request)


def error_frame(error: DomainError, **context: Any) -> dict[str, Any]:
    """A domain error as the chat WebSocket's error frame (``context``: ``session_id``,
    ``client_id``), from the same fields as the HTTP problem."""
    return {"type": "error", "detail": error.detail, **problem_fields(error), **context}


# --- Litestar's validation errors, told kindly ---------------------------------------------

_KEY = re.compile(r"`\$\.([A-Za-z_]+)`")
_MISSING = re.compile(r"missing required field `([A-Za-z_]+)`")


def kind_validation_problem(help_: dict[str, str]) -> Callable[[Request[Any, Any, Any], ValidationException], Response[Any]]:
    """An exception handler for Litestar's validation errors with a detail a young person
    can read: ``help_`` has one sentence per field."""

    def handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
        errors = exc.extra if isinstance(exc.extra, list) else []
        for e in errors:
            if not isinstance(e, dict):
                continue
            message = str(e.get("message", ""))
            match = _MISSING.search(message) or _KEY.search(message)
            key = match.group(1) if match else str(e.get("key", "")).split(".")[0]
            if key in help_:
                return domain_problem(request, Invalid(help_[key], code="bad_input", field=key, errors=errors))
        return domain_problem(request, Invalid("Something in what was sent needs fixing. Please check it and try again.",
                                               code="bad_input", errors=errors))

    return handler


# --- everything else ----------------------------------------------------------------------


def _from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    """A client error: never logged above debug, and without its query or body."""
    extra = exc.extra
    detail = exc.detail
    if isinstance(exc, ValidationException):  # Litestar's detail quotes the path and query: not kept
        detail = "Something in the request needs fixing. See errors for what and where."
        extra = {"code": "invalid", "errors": extra if isinstance(extra, list) else []}
    elif isinstance(extra, list):
        extra = {"errors": extra}
    extra = dict(extra or {})
    extra.setdefault("code", CODE_OF_STATUS.get(exc.status_code, "error"))
    return ProblemDetailsException(status_code=exc.status_code, detail=detail, extra=extra, headers=exc.headers,
                                   title=_TITLES.get(exc.status_code))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, DBAPIError):
        return _database_error(request, exc)
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, _route(request), exc_info=exc)
    return _server_error(request)


def _route(request: Request[Any, Any, Any]) -> str:
    """The route's template (``/api/v1/threads/{thread_id:uuid}``), never the path or the query."""
    return str(request.scope.get("path_template") or "?")


def _server_error(request: Request[Any, Any, Any]) -> Response[Any]:
    return domain_problem(request, Failed("Something went wrong on our side. Please try again."))


# SQLSTATE classes a request can cause with data the database refuses (22: data exception,
# 23: integrity constraint): the request's fault, told as a 400 or a 409.
def _database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A database error as problem details. Logged by class and SQLSTATE only: the
    statement's parameters and the server's message (which quotes values) never are."""
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
    if sqlstate.startswith("22"):
        log.info("database refused data (%s) on %s %s", sqlstate, request.method, _route(request))
        return domain_problem(request, Invalid("Something in that request can't be stored. Please check it and try "
                                               "again.", code="bad_data"))
    if sqlstate.startswith("23"):
        log.info("database constraint (%s) on %s %s", sqlstate, request.method, _route(request))
        return domain_problem(request, Conflict("That clashes with something already saved. Please reload and try again."))
    log.error("database error %s (%s) on %s %s", type(exc.orig).__name__, sqlstate, request.method, _route(request))
    return _server_error(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map={HTTPException: _from_http_exception}))


exception_handlers: dict[type[Exception], Any] = {DomainError: domain_problem, Exception: _unexpected}
