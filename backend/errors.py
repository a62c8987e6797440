"""RFC 9457 problem details for every error, with a ``detail`` a person can read."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("waymark.errors")

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
}


class Problem(ProblemDetailsException):
    """An error with a machine-readable ``code`` besides the human ``detail``."""

    def __init__(self, status_code: int, detail: str, *, code: str | None = None, headers: dict[str, str] | None = None, **extra: Any) -> None:
        if code:
            extra["code"] = code
        super().__init__(detail=detail, status_code=status_code, headers=headers, extra=extra or None,
                         title=_TITLES.get(status_code))


def _from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    """A client error: never logged above debug, and without its query or body."""
    extra = exc.extra
    detail = exc.detail
    if isinstance(exc, ValidationException):  # Litestar's detail quotes the path and query: not kept
        detail = "Something in the request needs fixing. See errors for what and where."
        extra = {"code": "invalid", "errors": extra if isinstance(extra, list) else []}
    elif isinstance(extra, list):
        extra = {"errors": extra}
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
    return ProblemDetailsException(status_code=HTTP_500_INTERNAL_SERVER_ERROR, detail="Something went wrong on our side. Please try again.",
                                   title=_TITLES[500]).to_response(request)


# SQLSTATE classes a request can cause with data the database refuses (22: data exception,
# 23: integrity constraint): the request's fault, told as a 400 or a 409.
def _database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A database error as problem details. Logged by class and SQLSTATE only: the
    statement's parameters and the server's message (which quotes values) never are."""
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
    if sqlstate.startswith("22"):
        log.info("database refused data (%s) on %s %s", sqlstate, request.method, _route(request))
        return Problem(400, "Something in that request can't be stored. Please check it and try again.",
                       code="bad_data").to_response(request)
    if sqlstate.startswith("23"):
        log.info("database constraint (%s) on %s %s", sqlstate, request.method, _route(request))
        return Problem(409, "That clashes with something already saved. Please reload and try again.",
                       code="conflict").to_response(request)
    log.error("database error %s (%s) on %s %s", type(exc.orig).__name__, sqlstate, request.method, _route(request))
    return _server_error(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map={HTTPException: _from_http_exception}))


exception_handlers = {Exception: _unexpected}
