"""The OpenAPI document, made to tell the truth in one place for every operation (those
added later included): a step that runs once over Litestar's generated document.

- Errors: every operation documents the problem details (``application/problem+json``)
  it can answer, derived from the route: 400 and 500 always; 401 and 403 behind a guard;
  403 (CSRF), 409, 413 and 429 on unsafe methods; 404 where something is looked up.
- Text: a NUL character is refused everywhere (backend/http_safety.py), so every string
  says so (a pattern), every object's property names too, and properties an object does
  not name may be any JSON without one (``NulFreeJson``) -- except in a body whose struct
  refuses unknown fields (``forbid_unknown_fields``), which says so (``additionalProperties:
  false``).

The viewer at ``/schema`` is a plain page of our own (``OperationsPage``): every operation
with its summary and answers, and links to the document as JSON and YAML. Litestar's
viewers (Redoc, Swagger UI, Scalar, RapiDoc, Elements) load scripts and styles from a CDN
and run inline scripts; the Content-Security-Policy every answer carries
(backend/http_safety.py) blocks them, and loosening it for one path would let third-party
code run on our origin. So they are not served; a full viewer can be pointed at
``/schema/openapi.json`` from anywhere.
"""

from __future__ import annotations

import html
from typing import Any, get_args

import msgspec
from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin
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


def _closed_bodies(app: Litestar) -> set[tuple[str, str]]:
    """(path, method) of operations whose body struct refuses fields it does not name."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            kinds = get_args(data.annotation) or (data.annotation,)
            if any(isinstance(k, type) and issubclass(k, msgspec.Struct) and k.__struct_config__.forbid_unknown_fields
                   for k in kinds):
                found |= {(route.path_format, method.lower()) for method in handler.http_methods}
    return found


def close_bodies(schema: dict[str, Any], app: Litestar) -> None:
    components = schema.get("components", {}).get("schemas", {})
    for path, method in _closed_bodies(app):
        body = schema.get("paths", {}).get(path, {}).get(method, {}).get("requestBody", {})
        node = body.get("content", {}).get("application/json", {}).get("schema", {})
        for ref in [node, *node.get("oneOf", []), *node.get("anyOf", [])]:
            if "$ref" in ref:
                components[ref["$ref"].rsplit("/", 1)[-1]]["additionalProperties"] = False


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


def document_alternatives(schema: dict[str, Any], app: Litestar) -> None:
    """Add the other media types a handler names in ``opt["also_answers"]`` to its success answer."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower(), {})
                answer = operation.get("responses", {}).get(str(handler.status_code))
                if answer is not None:
                    for media_type, media_schema in handler.opt.get("also_answers", {}).items():
                        answer.setdefault("content", {})[media_type] = {"schema": media_schema}


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
    close_bodies(schema, app)
    document_errors(schema, app)
    document_alternatives(schema, app)
    return schema


async def publish_truthful_schema(app: Litestar) -> None:
    """At start-up: build the document once and correct it where it is cached and served."""
    from litestar._openapi.plugin import OpenAPIPlugin

    make_truthful(app.plugins.get(OpenAPIPlugin).provide_openapi_schema(), app)


class OperationsPage(OpenAPIRenderPlugin):
    """``/schema``: the operations as plain HTML, with no script, no inline style and
    nothing from another origin, so it works under the strict Content-Security-Policy."""

    def __init__(self) -> None:
        super().__init__(path="/", favicon="", style="")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        esc = html.escape
        rows = []
        for path, item in openapi_schema.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                statuses = ", ".join(sorted(op["responses"]))
                rows.append(f"<tr><td>{esc(method.upper())}</td><td><code>{esc(path)}</code></td>"
                            f"<td>{esc(op.get('summary', ''))}</td><td>{esc(statuses)}</td></tr>")
        info = openapi_schema.get("info", {})
        page = (
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(info.get('title', 'API'))}</title></head><body>"
            f"<h1>{esc(info.get('title', 'API'))} {esc(info.get('version', ''))}</h1>"
            f"<p>{esc(info.get('description', ''))}</p>"
            "<p>The full document: <a href=\"openapi.json\">openapi.json</a> or "
            "<a href=\"openapi.yaml\">openapi.yaml</a>.</p>"
            "<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Answers</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></body></html>"
        )
        return page.encode()


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """What ``/schema`` serves: the plain operations page and the document (see above)."""
    return [OperationsPage(), JsonRenderPlugin(), YamlRenderPlugin()]
