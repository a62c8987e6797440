"""``EncodedJSON``: an answer already encoded as JSON (and usually cached so), sent as it is.

Litestar's ``Response.to_asgi_response`` renders the content and builds an ``ASGIResponse``
whose headers are set one by one through ``MutableScopeHeaders`` (a scan of the list per
header): about as much CPU as the rest of a cached read's handler. For bytes that are ready
the answer needs only its header list. Headers and cookies from the route's layers (the
API's ``Cache-Control``), the response's own headers, its status and HEAD are kept; the
middlewares around it (security headers, session, CSRF, metrics) see the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Response
from litestar.datastructures import Cookie
from litestar.types import Receive, Scope, Send

_JSON = (b"content-type", b"application/json")


class _Sent:
    """The ASGI answer: the start message and the body, nothing else to do."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


class EncodedJSON(Response[Any]):
    """``EncodedJSON(body)``: ``body`` is JSON bytes; ``headers`` as for ``Response``."""

    def __init__(self, content: bytes, *, headers: dict[str, str] | None = None, status_code: int = 200) -> None:
        super().__init__(content, headers=headers, status_code=status_code, media_type="application/json")

    def to_asgi_response(  # type: ignore[override]
        self, app: Any = None, request: Any = None, *, cookies: Iterable[Cookie] | None = None,
        headers: dict[str, str] | None = None, is_head_response: bool = False, **_: Any,
    ) -> _Sent:
        body: bytes = self.content
        merged = {**headers, **self.headers} if headers else self.headers
        encoded = [_JSON, (b"content-length", str(len(body)).encode("latin-1"))]
        encoded += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in merged.items()
                    if name.lower() not in ("content-type", "content-length")]
        encoded += [cookie.to_encoded_header() for cookie in (*self.cookies, *(cookies or ()))
                    if not cookie.documentation_only]
        return _Sent(self.status_code, encoded, b"" if is_head_response else body)
