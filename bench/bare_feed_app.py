"""The baseline for bench/oruk_feed_bench.py: a bare Litestar app that answers
``GET /page`` with the very bytes of a Waymark feed page (read once from the file named by
``BENCH_FEED_BODY``) and ``GET /page-br`` with the brotli bytes Waymark sends for it
(``BENCH_FEED_BODY`` + ``.br``), with no middleware, plugins or database. Served with the same uvicorn
flags as Waymark, it measures what uvicorn + Litestar alone cost to send that page."""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get


def create_app() -> Litestar:
    body = Path(os.environ["BENCH_FEED_BODY"]).read_bytes()
    brotli_body = Path(os.environ["BENCH_FEED_BODY"] + ".br").read_bytes()

    @get("/page")
    async def page() -> Response[bytes]:
        return Response(body, media_type="application/json")

    @get("/page-br")
    async def page_br() -> Response[bytes]:
        return Response(brotli_body, media_type="application/json", headers={"Content-Encoding": "br"})

    return Litestar(route_handlers=[page, page_br], openapi_config=None, debug=False)
