"""ORUK feed benchmark: a cached page of 50 services (``GET /oruk/{council}/services``)
against a bare Litestar handler returning the same bytes (bench/bare_feed_app.py), served
with the same uvicorn flags in the same run.

From the repository root: ``.venv/bin/python bench/oruk_feed_bench.py [--requests 600]``.

1. a fresh database (bench.common.app_database), a council officer (``waymark create-staff``)
   who imports 60 services into Kent through the ORUK import, so a page holds 50;
2. Waymark and the bare app, one worker each, same flags as bench/http_bench.py;
3. one keep-alive client sends requests one after another (the cache is warm: the first
   page is fetched before timing), interleaving the two servers in rounds, and measures the
   round-trip time of each; the server's CPU time per request comes from /proc;
4. prints p50 / p90 / p99 round-trip and CPU per request for both, and Waymark minus bare
   (what Waymark adds: its middleware, the cache look-up and the headers). The target is a
   p50 under 20 ms for Waymark's page.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import app_database, clean_up  # noqa: E402
from bench.http_bench import UvicornServer  # noqa: E402

KENT = "E10000016"
TARGET_MS = 20.0


def service(i: int) -> dict[str, Any]:
    """A valid HSDS 3.0 service, as a council's own system would send it."""

    def uid() -> str:
        return str(uuid.uuid4())

    def term(taxonomy: str, code: str) -> dict[str, Any]:
        return {"id": uid(), "taxonomy_term": {"id": uid(), "name": code, "description": code, "code": code,
                                               "taxonomy": taxonomy}}

    return {
        "id": uid(), "name": f"Bench service {i:03d}", "status": "active",
        "description": "A youth service made for the feed benchmark. " * 4,
        "url": f"https://example.org/bench/{i}", "email": f"team{i}@example.org",
        "organization": {"id": uid(), "name": "Bench Trust", "description": "A made-up charity."},
        "phones": [{"id": uid(), "number": "01632 960 001"}],
        "schedules": [{"id": uid(), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00",
                       "closes_at": "17:00", "description": "Weekdays 9 to 5"}],
        "eligibility_description": "Young people in Kent", "minimum_age": 11, "maximum_age": 18,
        "attributes": [term("thrive", "getting_help"), term("waymark-topics", "anxiety"),
                       term("waymark-topics", "sleep"), term("waymark-referral", "self_referral")],
        "assured_date": "2026-11-01",
    }


def seed(base_url: str, env: dict[str, str], count: int) -> None:
    import httpx

    from tests.harness import waymark_cli

    email, password = f"bench-{secrets.token_hex(4)}@example.org", secrets.token_urlsafe(16)
    waymark_cli("create-staff", "--role", "council_admin", "--email", email, "--password", password,
                "--council", KENT, env=env)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        http.get("/api/v1/councils")
        csrf = {"x-csrftoken": http.cookies.get("csrftoken") or ""}
        r = http.post("/api/v1/auth/login", json={"username": email, "password": password}, headers=csrf)
        r.raise_for_status()
        csrf = {"x-csrftoken": http.cookies.get("csrftoken") or ""}
        r = http.post(f"/api/v1/councils/{KENT}/services/import",
                      json={"services": [service(i) for i in range(count)]}, headers=csrf)
        r.raise_for_status()
        report = r.json()
        assert report["created"] == count and not report["errors"], report


def timed(server: UvicornServer, path: str, n: int, encoding: str) -> tuple[list[float], float]:
    """Round-trip milliseconds of ``n`` requests, one after another (the body read as it
    travels, not decoded), and the server's CPU milliseconds per request."""
    import httpx

    times = []
    headers = {"Accept-Encoding": encoding}
    with httpx.Client(base_url=server.base_url, timeout=10, headers=headers) as http:
        for _ in range(20):  # warm the connection (and the cache)
            assert http.get(path).status_code == 200
        cpu = server.cpu_seconds()
        for _ in range(n):
            start = time.perf_counter()
            with http.stream("GET", path) as r:
                size = sum(len(chunk) for chunk in r.iter_raw())
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200 and size > 0
            assert r.headers.get("content-encoding", "identity") == encoding
        cpu = (server.cpu_seconds() - cpu) * 1000 / n
    return times, cpu


def raw(url: str, encoding: str) -> bytes:
    import httpx

    with httpx.stream("GET", url, headers={"Accept-Encoding": encoding}, timeout=30) as r:
        return b"".join(r.iter_raw())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600, help="timed requests per server per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the logs")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="waymark-oruk-bench-"))
    servers: list[UvicornServer] = []
    db = None
    ok = False
    try:
        db, env = app_database(tmp, {})
        waymark = UvicornServer("waymark", "backend.app:create_app", "/health/ready", env, tmp).start()
        servers.append(waymark)
        seed(waymark.base_url, env, 60)
        path = f"/oruk/{KENT}/services?per_page=50"
        import httpx

        body = raw(waymark.base_url + path, "identity")
        page = httpx.get(waymark.base_url + path, timeout=30).json()
        assert page["size"] == 50 and page["total_items"] >= 60, page["total_items"]
        (tmp / "page.json").write_bytes(body)
        (tmp / "page.json.br").write_bytes(raw(waymark.base_url + path, "br"))
        bare = UvicornServer("bare", "bench.bare_feed_app:create_app", "/page",
                             {**env, "BENCH_FEED_BODY": str(tmp / "page.json")}, tmp).start()
        servers.append(bare)
        cases = {
            ("bare", "identity"): (bare, "/page"), ("waymark", "identity"): (waymark, path),
            ("bare", "br"): (bare, "/page-br"), ("waymark", "br"): (waymark, path),
        }
        results: dict[tuple[str, str], dict[str, list[float]]] = {case: {"ms": [], "cpu": []} for case in cases}
        for _ in range(args.rounds):
            for (name, encoding), (server, target) in cases.items():
                times, cpu = timed(server, target, args.requests, encoding)
                results[(name, encoding)]["ms"] += times
                results[(name, encoding)]["cpu"].append(cpu)
        brotli_size = (tmp / "page.json.br").stat().st_size
        print(f"\nGET {path}: a page of 50 services, {len(body):,} bytes ({brotli_size:,} with brotli), "
              f"{args.rounds} x {args.requests} sequential requests each\n")
        print(f"{'server':<10}{'encoding':<10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}")
        row = {}
        for encoding in ("identity", "br"):
            for name in ("bare", "waymark"):
                ms, cpu = results[(name, encoding)]["ms"], statistics.mean(results[(name, encoding)]["cpu"])
                row[(name, encoding)] = (pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99), cpu)
                print(f"{name:<10}{encoding:<10}" + "".join(f"{v:>{w}.2f}" for v, w in
                                                          zip(row[(name, encoding)], (9, 9, 9, 12), strict=True)))
            added = [row[("waymark", encoding)][i] - row[("bare", encoding)][i] for i in range(4)]
            print(f"{'added':<10}{encoding:<10}" + "".join(f"{v:>{w}.2f}" for v, w in zip(added, (9, 9, 9, 12), strict=True)))
        worst = max(row[("waymark", e)][0] for e in ("identity", "br"))
        verdict = "under" if worst < TARGET_MS else "OVER"
        print(f"\nWaymark's cached page: p50 at most {worst:.2f} ms, {verdict} the {TARGET_MS:.0f} ms target.")
        ok = worst < TARGET_MS
        return 0 if ok else 1
    finally:
        clean_up(servers, db, tmp, ok=ok, keep=args.keep)


if __name__ == "__main__":
    raise SystemExit(main())
