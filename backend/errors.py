"""RFC 9457 problem details for every error, with a ``detail`` a person can read."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

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
    extra = exc.extra
    if isinstance(extra, list):  # validation errors: keep them under "errors"
        extra = {"errors": extra}
    return ProblemDetailsException(status_code=exc.status_code, detail=exc.detail, extra=extra, headers=exc.headers,
                                   title=_TITLES.get(exc.status_code))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.scope.get("route_handler") and request.url.path)
    return ProblemDetailsException(status_code=HTTP_500_INTERNAL_SERVER_ERROR, detail="Something went wrong on our side. Please try again.",
                                   title=_TITLES[500]).to_response(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map={HTTPException: _from_http_exception}))


exception_handlers = {Exception: _unexpected}
