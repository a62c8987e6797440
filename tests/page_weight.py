"""What a phone downloads on its first visit: the page, what it links, the service worker
and everything the service worker precaches, each address once, as the server sends it to a
browser that accepts brotli and gzip. Bytes on the wire: the status line, every response
header and the (compressed) body, as HTTP/1.1 carries them.

Used by tests/api/test_page_weight.py (the 100 KB budget) and bench/lighthouse.py."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import httpx

ACCEPT = {"Accept-Encoding": "br, gzip"}
_LINKS = re.compile(r"""\b(?:href|src)="(/[^"#]*)\"""")
_PRECACHE = re.compile(r"const PRECACHE = (\[.*?\]);", re.DOTALL)


@dataclass(frozen=True)
class Download:
    path: str
    status: int
    wire: int  # status line + headers + body as sent
    body: int  # the body as sent (compressed when it was)
    encoding: str | None


def wire_size(r: httpx.Response) -> Download:
    head = len(f"HTTP/1.1 {r.status_code} {r.reason_phrase}\r\n".encode())
    head += sum(len(name) + len(value) + 4 for name, value in r.headers.raw) + 2
    body = int(r.headers.get("content-length", len(r.content)))
    return Download(r.url.path, r.status_code, head + body, body, r.headers.get("content-encoding"))


def precache_of(sw_source: str) -> list[str]:
    found = _PRECACHE.search(sw_source)
    assert found, "sw.js has no PRECACHE list filled in"
    return json.loads(found.group(1))


def first_visit(base_url: str) -> list[Download]:
    """Every download of a first visit (signed out: where every phone starts), in order."""
    seen: dict[str, Download] = {}
    with httpx.Client(base_url=base_url, headers=ACCEPT, timeout=30) as http:  # keeps cookies, as a browser

        def fetch(path: str) -> httpx.Response:
            r = http.get(path)
            seen.setdefault(path, wire_size(r))
            return r

        page = fetch("/")
        for path in _LINKS.findall(page.text):
            fetch(path)
        for path in precache_of(fetch("/sw.js").text):
            if path not in seen:
                fetch(path)
    return list(seen.values())
