"""The baseline for bench/http_bench.py: a bare Litestar app with one JSON route.

``GET /hello`` returns four small objects shaped like the items of ``GET /api/v1/councils``
(about the same number of bytes), with no middleware, no plugins, no database, no
dependencies and no OpenAPI schema. It measures what uvicorn + Litestar alone cost on this
machine, so that the Waymark figures can be read as a ratio to it.

Served exactly like the app (same uvicorn flags):

    python -m uvicorn bench.bare_app:create_app --factory --host 127.0.0.1 --port 8001 ...
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get

HELLO: list[dict[str, Any]] = [
    {"code": "E10000016", "name": "Kent County Council", "min_age": 11, "max_age": 18,
     "extended_max_age": 25},
    {"code": "E06000044", "name": "Portsmouth City Council", "min_age": 11, "max_age": 18,
     "extended_max_age": 25},
    {"code": "E09000020", "name": "Royal Borough of Kensington and Chelsea", "min_age": 11, "max_age": 25,
     "extended_max_age": 25},
    {"code": "E09000033", "name": "Westminster City Council", "min_age": 11, "max_age": 25,
     "extended_max_age": 25},
]


@get("/hello")
async def hello() -> list[dict[str, Any]]:
    return HELLO


def create_app() -> Litestar:
    return Litestar(route_handlers=[hello], openapi_config=None, debug=False)
