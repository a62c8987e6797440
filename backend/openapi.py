"""The OpenAPI document, made to tell the truth in one place for every operation (those
added later included): a step that runs once over Litestar's generated document.

- Errors: every operation documents the problem details (``application/problem+json``)
  it can answer, derived from the route: 400 and 500 always; 401 and 403 behind a guard;
  403 (CSRF), 409, 413 and 429 on unsafe methods; 404 where something is looked up.
- Text: a NUL character is refused everywhere (backend/http_safety.py), so every string
  says so (a pattern), every object's property names too, and properties an object does
  not name may be any JSON without one (``NulFreeJson``).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

PROBLEM = "application/problem+json"
NO_NUL = "^[^\\x00]*$"
UNSAFE = {"post", "put", "patch", "delete"}

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, always with a machine-readable `code` (backend/errors.py).",
    "required": ["status", "title", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "retry_after": {"type": "integer"},
    },
}
_NUL_FREE_JSON: dict[str, Any] = {
    "description": "Any JSON value with no NUL character in any text or property name.",
    "anyOf": [
        {"type": "null"}, {"type": "boolean"}, {"type": "number"},
        {"type": "string", "pattern": NO_NUL},
        {"type": "array", "items": {"$ref": "#/components/schemas/NulFreeJson"}},
        {"type": "object", "propertyNames": {"pattern": NO_NUL},
         "additionalProperties": {"$ref": "#/components/schemas/NulFreeJson"}},
    ],
}
_WHY = {
    400: "The request is not valid (see `detail` and `errors`).",
    401: "Not logged in.",
    403: "Not allowed for this account, or the CSRF token is missing or wrong.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    413: "The request body is too large.",
    429: "Too many requests: wait for `Retry-After` seconds.",
    500: "Something went wrong on our side.",
    503: "Not ready or briefly unavailable: try again shortly.",
}


def error_statuses(method: str, path: str, guarded: bool) -> set[int]:
    statuses = {400, 404, 500}
    if guarded:
        statuses |= {401, 403}
    if method in UNSAFE:
        statuses |= {403, 409, 413, 429}
    if path.startswith("/api/v1/auth/"):  # wrong name or password; throttled; fail closed
        statuses |= {401, 429, 503}
    if path.startswith("/health"):
        statuses |= {503}
    return statuses


def _operations(app: Litestar) -> dict[tuple[str, str], bool]:
    """(path, method) -> whether a guard stands in front of it."""
    found: dict[tuple[str, str], bool] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                found[(route.path_format, method.lower())] = bool(handler.resolve_guards())
    return found


def document_errors(schema: dict[str, Any], app: Litestar) -> None:
    guards = _operations(app)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in error_statuses(method, path, guards.get((path, method), False)):
                responses[str(status)] = {
                    "description": _WHY[status],
                    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
                    **({"headers": {"Retry-After": {"schema": {"type": "integer"}}}} if status == 429 else {}),
                }


def _no_nul(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _no_nul(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not ({"pattern", "format", "enum", "const"} & node.keys()):
        node["pattern"] = NO_NUL
    if node.get("type") == "object" or "properties" in node:
        node.setdefault("propertyNames", {"pattern": NO_NUL})
        if node.get("additionalProperties", True) is True:
            node["additionalProperties"] = {"$ref": "#/components/schemas/NulFreeJson"}
    for key, value in node.items():
        if key not in ("NulFreeJson", "ProblemDetails", "examples", "example", "default"):
            _no_nul(value)


def make_truthful(schema: dict[str, Any], app: Litestar) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _no_nul(schema.get("paths", {}))
    _no_nul(components)
    components["ProblemDetails"] = _PROBLEM_SCHEMA
    components["NulFreeJson"] = _NUL_FREE_JSON
    document_errors(schema, app)
    return schema


async def publish_truthful_schema(app: Litestar) -> None:
    """At start-up: build the document once and correct it where it is cached and served."""
    from litestar._openapi.plugin import OpenAPIPlugin

    make_truthful(app.plugins.get(OpenAPIPlugin).provide_openapi_schema(), app)
