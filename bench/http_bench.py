"""HTTP benchmark: GET /api/v1/councils and an authenticated GET /api/v1/me against a bare
Litestar "hello" (bench/bare_app.py) served with the same uvicorn settings in the same run.

What it does, from the repository root (``.venv/bin/python bench/http_bench.py``):

1. creates a fresh PostgreSQL database (tests.harness.TestDatabase: 127.0.0.1:5432 when it
   answers, an embedded server otherwise), migrates it and imports content/;
2. starts Waymark with uvicorn (``--workers`` worker processes) and signs up one young person
   to get a session cookie; starts bench/bare_app.py with exactly the same uvicorn flags;
3. drives the targets from a separate process at a fixed concurrency, interleaved
   (bare, councils, me, bare, councils, me, ...) for ``--rounds`` rounds, each run preceded
   by a short warm-up that is not counted. The load generator is ``wrk`` when installed,
   otherwise a Python one (asyncio streams, in a subprocess); ``--loadgen`` chooses.
   Every request carries the csrftoken cookie (as the PWA's do) and one of 4096 made-up
   client addresses in X-Forwarded-For (``--client-addresses``), as many young people would;
4. prints requests/s, p50/p99 latency, the server's CPU time per request (from /proc) and
   errors (anything but a 200, and socket errors) for each target, and the ratios to the
   bare baseline; ``--json`` also writes bench/results/http.json;
5. stops both servers and drops the database (also on Ctrl-C and on errors).

The API rate limit is set to 100,000,000 a minute for the run (WAYMARK_RATE_LIMIT_PER_MINUTE)
so that it never answers 429; its cost per request is still measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make backend/ and tests/ importable
    sys.path.insert(0, str(ROOT))

from bench.common import RATE_LIMIT, app_database, clean_up, free_port  # noqa: E402

PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RESULTS = ROOT / "bench" / "results" / "http.json"


# --- servers --------------------------------------------------------------------------


def uvicorn_flags(port: int, workers: int) -> list[str]:
    """The one set of uvicorn settings both servers get."""
    return ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
            "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--timeout-graceful-shutdown", "2"]


@dataclass
class UvicornServer:
    name: str
    app: str  # "module:factory"
    ready_path: str
    env: dict[str, str]
    log_dir: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def command(self) -> list[str]:
        return [PYTHON, "-m", "uvicorn", self.app, "--factory", *uvicorn_flags(self.port, self.workers)]

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self.port}.log"

    def start(self, timeout: float = 60) -> UvicornServer:
        import httpx

        log = open(self.log_path, "w")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,  # noqa: S603 - our own command
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base_url + self.ready_path, timeout=1).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.log_path.read_text()}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server: its process and, with
        --workers > 1, the worker processes under it (Linux /proc)."""
        assert self.process is not None
        total, todo = 0.0, [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue  # gone meanwhile
        return total

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


# --- the young person ---------------------------------------------------------------


def sign_up(base_url: str) -> tuple[str, str, str]:
    """Sign up one young person the way the PWA does; returns (username, session id,
    csrf token bound to that session). Cookies are read from the responses by hand (with WAYMARK_ENV=production
    they would be Secure, and an HTTP client does not send those back over plain http)."""
    import httpx

    from tests.harness import signup_body

    with httpx.Client(base_url=base_url, timeout=30) as http:
        first = http.get("/api/v1/councils")
        first.raise_for_status()
        csrf = first.cookies.get("csrftoken")
        if not csrf:
            raise RuntimeError("GET /api/v1/councils set no csrftoken cookie")
        http.cookies.clear()
        body = signup_body()
        r = http.post("/api/v1/auth/signup", json=body,
                      headers={"x-csrftoken": csrf, "cookie": f"csrftoken={csrf}"})
        if r.status_code != 201:
            raise RuntimeError(f"signup failed: {r.status_code} {r.text}")
        session = r.cookies.get("waymark_session")
        if not session:
            raise RuntimeError("signup set no waymark_session cookie")
        # The token bound to the new session (backend/security.py SessionBoundCSRF), which the
        # browser keeps from the sign-up answer: with the one from before, every signed-in
        # answer would set the cookie again.
        csrf = r.cookies.get("csrftoken") or csrf
    return body["username"], session, csrf


def check_target(name: str, url: str, headers: dict[str, str], expect_username: str | None = None) -> None:
    """One request with the load generator's headers: it must be a 200 (not a 401)."""
    import httpx

    r = httpx.get(url, headers=headers, timeout=10)
    if r.status_code != 200:
        raise RuntimeError(f"{name}: GET {url} answered {r.status_code}: {r.text[:300]}")
    if expect_username is not None and r.json().get("username") != expect_username:
        raise RuntimeError(f"{name}: GET {url} is not signed in as {expect_username}: {r.text[:300]}")


# --- load generators ----------------------------------------------------------------

WRK_SCRIPT = r"""
-- For bench/http_bench.py. Counts every response that is not a 200 (wrk itself only
-- counts statuses >= 400) and prints one JSON line at the end. With an argument N > 1
-- the requests cycle through N client addresses in X-Forwarded-For (10.0.0.1 ...):
-- the requests are formatted once, in init, so this costs wrk next to nothing.
local threads = {}
function setup(thread) table.insert(threads, thread) end

local reqs, n, i = nil, 1, 0
function init(args)
  non200 = 0
  n = math.max(1, tonumber(args[1] or "1") or 1)
  reqs = {}
  for k = 1, n do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    if n > 1 then
      headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256,
                                                 math.floor(k / 256) % 256, k % 256)
    end
    reqs[k] = wrk.format(nil, nil, headers)
  end
end

function request()  -- must be global when the script loads, or wrk sends one fixed request
  if reqs == nil then return wrk.format() end
  i = i % n + 1
  return reqs[i]
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_s": %.6f, "non200": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000))
end
"""

_current_loadgen: subprocess.Popen | None = None


def client_address(k: int) -> str:
    """The k-th made-up client address (k >= 1), as the wrk script makes them."""
    return f"10.{(k // 65536) % 256}.{(k // 256) % 256}.{k % 256}"


def _run_loadgen(cmd: list[str], timeout: float) -> str:
    global _current_loadgen
    _current_loadgen = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,  # noqa: S603 - our own command
                                        stderr=subprocess.PIPE, text=True)
    try:
        out, err = _current_loadgen.communicate(timeout=timeout)
    finally:
        proc, _current_loadgen = _current_loadgen, None
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed ({proc.returncode}): {' '.join(cmd)}\n{out}\n{err}")
    return out


def run_wrk(url: str, headers: dict[str, str], *, concurrency: int, duration: float, threads: int,
            addresses: int, script: Path) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
           "-s", str(script)]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = _run_loadgen([*cmd, url, "--", str(addresses)], timeout=duration + 60)
    for line in out.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON "):])
    raise RuntimeError(f"no result from wrk:\n{out}")


def run_python(url: str, headers: dict[str, str], *, concurrency: int, duration: float, addresses: int,
               **_: Any) -> dict[str, Any]:
    spec = json.dumps({"url": url, "headers": headers, "concurrency": concurrency, "duration": duration,
                       "addresses": addresses})
    out = _run_loadgen([PYTHON, str(Path(__file__).resolve()), "--loadgen-worker", spec],
                       timeout=duration + 60)
    return json.loads(out.strip().splitlines()[-1])


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; returns (status, whether the server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    if b"\r\ntransfer-encoding: chunked" in lower:
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        at = lower.find(b"\r\ncontent-length:")
        if at >= 0:
            await reader.readexactly(int(lower[at + 17 : lower.index(b"\r\n", at + 2)]))
    return status, b"\r\nconnection: close" not in lower


def loadgen_worker(spec: dict[str, Any]) -> None:
    """The Python load generator (its own process, used when wrk is missing): ``concurrency``
    keep-alive connections, each sending the next request as soon as the previous answer
    arrived, for ``duration`` seconds, cycling through ``addresses`` X-Forwarded-For client
    addresses like the wrk script. A minimal HTTP/1.1 client on asyncio streams rather than
    httpx: httpx costs so much CPU that on 2 cores it, not the server, sets the pace."""
    from urllib.parse import urlsplit

    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()

    url = urlsplit(spec["url"])
    host, port = url.hostname or "127.0.0.1", url.port or 80
    concurrency, duration, n = int(spec["concurrency"]), float(spec["duration"]), int(spec["addresses"])
    common = f"GET {url.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n" + "".join(
        f"{key}: {value}\r\n" for key, value in spec["headers"].items())
    requests = [(common + (f"X-Forwarded-For: {client_address(k)}\r\n" if n > 1 else "") + "\r\n").encode()
                for k in range(1, n + 1)]

    async def go() -> dict[str, Any]:
        latencies: list[float] = []
        counts = {"non200": 0, "socket_errors": 0}
        turn = 0
        start = time.perf_counter()
        deadline = start + duration

        async def one_connection() -> None:
            nonlocal turn
            writer = None
            while (t0 := time.perf_counter()) < deadline:
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    turn = (turn + 1) % n
                    writer.write(requests[turn])
                    async with asyncio.timeout(10):
                        status, keep = await _read_response(reader)
                except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    counts["socket_errors"] += 1
                    if writer is not None:
                        writer.close()
                    writer = None
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    counts["non200"] += 1
                if not keep:
                    writer.close()
                    writer = None
            if writer is not None:
                writer.close()

        await asyncio.gather(*(one_connection() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        latencies.sort()

        def pct(p: float) -> float:
            if not latencies:
                return 0.0
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

        return {"requests": len(latencies), "duration_s": elapsed, **counts,
                "p50_ms": pct(50), "p99_ms": pct(99),
                "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0,
                "max_ms": latencies[-1] * 1000 if latencies else 0.0}

    print(json.dumps(asyncio.run(go())))


# --- the run ------------------------------------------------------------------------


def cpu_us(run: dict[str, Any]) -> float:
    return run["server_cpu_s"] / run["requests"] * 1e6 if run["requests"] else 0.0


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Requests/s over all measured seconds; p50/p99: the mean of the rounds' values
    (percentiles of separate runs cannot be merged exactly); server CPU per request over
    all rounds."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_s"] for r in runs)
    cpu = sum(r["server_cpu_s"] for r in runs)
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.fmean(r["p50_ms"] for r in runs),
        "p99_ms": statistics.fmean(r["p99_ms"] for r in runs),
        "cpu_us_per_request": cpu / requests * 1e6 if requests else 0.0,
        "errors": sum(r["non200"] + r["socket_errors"] for r in runs),
        "rounds": runs,
    }


def print_tables(summary: dict[str, dict[str, Any]], ratios: dict[str, float], rounds: int) -> None:
    print()
    print(f"{'target':<10} {'round':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>11}"
          f" {'errors':>7} {'requests':>9}")
    for name, s in summary.items():
        for i, r in enumerate(s["rounds"], 1):
            print(f"{name:<10} {i:>5} {r['requests'] / r['duration_s']:>9.0f} {r['p50_ms']:>8.2f}"
                  f" {r['p99_ms']:>8.2f} {cpu_us(r):>11.0f} {r['non200'] + r['socket_errors']:>7}"
                  f" {r['requests']:>9}")
    print()
    print(f"{'target':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>11} {'errors':>7}"
          f" {'req/s ratio':>12} {'p99 ratio':>10} {'CPU ratio':>10}")
    bare = summary["bare"]
    for name, s in summary.items():
        rps_ratio = s["rps"] / bare["rps"] if bare["rps"] else 0.0
        p99_ratio = s["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else 0.0
        cpu_ratio = bare["cpu_us_per_request"] / s["cpu_us_per_request"] if s["cpu_us_per_request"] else 0.0
        print(f"{name:<10} {s['rps']:>9.0f} {s['p50_ms']:>8.2f} {s['p99_ms']:>8.2f}"
              f" {s['cpu_us_per_request']:>11.0f} {s['errors']:>7} {rps_ratio:>12.2f} {p99_ratio:>10.2f}"
              f" {cpu_ratio:>10.2f}")
    print()
    print(f"(all {rounds} rounds; req/s = requests / measured seconds; p50/p99 = mean of the rounds;"
          " CPU us/req = the server's CPU time (user + system) per request;\n"
          " req/s ratio = target / bare; p99 ratio = target p99 / bare p99;"
          " CPU ratio = bare CPU per request / target CPU per request, i.e. the req/s ratio\n"
          " the target would reach if each server had a core to itself (the database's own CPU not counted))")
    for key, value in ratios.items():
        print(f"{key} = {value:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10,
                        help="measured seconds per target and round (10)")
    parser.add_argument("--warmup", type=float, default=2,
                        help="unmeasured seconds before each run (2; 0: none)")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="open connections, each with one request at a time (32)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes per server (1)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over all targets (2)")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto",
                        help="auto: wrk when installed, else the Python (asyncio) generator")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--client-addresses", type=int, default=4096,
                        help="spread the requests over this many client addresses with X-Forwarded-For, which"
                             " uvicorn trusts from 127.0.0.1 (4096; 1: every request comes from 127.0.0.1,"
                             " so the rate limiter keeps one ever longer history: see bench/README.md)")
    parser.add_argument("--targets", default="councils,me",
                        help="comma-separated: councils, me, search, services (councils,me)")
    parser.add_argument("--json", action="store_true",
                        help=f"also write the results to {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (server logs)")
    parser.add_argument("--loadgen-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.loadgen_worker:
        loadgen_worker(json.loads(args.loadgen_worker))
        return 0

    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and shutil.which("wrk") is not None)
    if args.loadgen == "wrk" and shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install wrk), use --loadgen python")
    if args.concurrency < args.wrk_threads:
        parser.error("--concurrency must be at least --wrk-threads")

    def on_sigterm(*_: object) -> None:  # clean up as on Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)

    from tests.harness import TestDatabase

    tmp = Path(tempfile.mkdtemp(prefix="waymark-http-bench-"))
    servers: list[UvicornServer] = []
    db: TestDatabase | None = None
    ok = False
    try:
        db, env = app_database(tmp, {})

        app = UvicornServer("waymark", "backend.app:create_app", "/health/ready", env, tmp,
                            workers=args.workers)
        servers.append(app)
        app.start()
        username, session, csrf = sign_up(app.base_url)
        bare = UvicornServer("bare", "bench.bare_app:create_app", "/hello", env, tmp, workers=args.workers)
        servers.append(bare)
        bare.start()
        print(f"servers: waymark {app.base_url}, bare {bare.base_url};"
              f" uvicorn {' '.join(uvicorn_flags(0, args.workers)[4:])}", flush=True)

        # Like the PWA, which has its csrftoken cookie from the first page it loaded; the
        # baseline gets the same header (and ignores it).
        anonymous = {"Cookie": f"csrftoken={csrf}"}
        signed_in = {"Cookie": f"waymark_session={session}; csrftoken={csrf}"}
        available = {
            "councils": (app, "/api/v1/councils", anonymous, None),
            "me": (app, "/api/v1/me", signed_in, username),
            # issue 3: library search (a typo, corrected) and a young person's local services
            "search": (app, "/api/v1/articles?q=exam%20stres", anonymous, None),
            "services": (app, "/api/v1/services", signed_in, None),
            # issue 14: the chat's status reads the admin's hours and closures on every request
            "chat-status": (app, "/api/v1/chat/status", anonymous, None),
        }
        chosen = [t.strip() for t in args.targets.split(",") if t.strip()]
        unknown = set(chosen) - set(available)
        if unknown:
            raise SystemExit(f"unknown targets {sorted(unknown)}; choose from {sorted(available)}")
        targets = [("bare", bare, "/hello", anonymous, None)] + [(t, *available[t]) for t in chosen]
        for name, server, path, headers, who in targets:
            check_target(name, server.base_url + path, headers, who)

        script = tmp / "bench.lua"
        script.write_text(WRK_SCRIPT)
        runner = run_wrk if use_wrk else run_python
        opts = {"concurrency": args.concurrency, "threads": args.wrk_threads, "script": script,
                "addresses": max(1, args.client_addresses)}
        loadgen = (f"wrk -t{args.wrk_threads} -c{args.concurrency}" if use_wrk
                   else f"python asyncio x{args.concurrency}")
        print(f"load: {loadgen}, {args.rounds} rounds x {len(targets)} targets x ({args.warmup:g}s warm-up +"
              f" {args.duration:g}s), {max(1, args.client_addresses)} client address(es)", flush=True)

        load_before = os.getloadavg()
        results: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in targets}
        for rnd in range(1, args.rounds + 1):
            for name, server, path, headers, _ in targets:
                if args.warmup > 0:
                    runner(server.base_url + path, headers, duration=args.warmup, **opts)
                cpu = server.cpu_seconds()
                r = runner(server.base_url + path, headers, duration=args.duration, **opts)
                r["server_cpu_s"] = round(server.cpu_seconds() - cpu, 3)
                results[name].append(r)
                print(f"  round {rnd} {name:<9} {r['requests'] / r['duration_s']:8.0f} req/s"
                      f"  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms"
                      f"  server CPU {cpu_us(r):6.0f} us/req  errors {r['non200'] + r['socket_errors']}",
                      flush=True)
        for name, server, path, headers, who in targets:  # still a 200, still signed in
            check_target(name, server.base_url + path, headers, who)

        summary = {name: summarise(runs) for name, runs in results.items()}
        bare_s = summary["bare"]
        ratios = {}
        for name in chosen:
            ratios[f"{name}_rps_ratio"] = summary[name]["rps"] / bare_s["rps"]
            ratios[f"{name}_p99_ratio"] = summary[name]["p99_ms"] / bare_s["p99_ms"]
            ratios[f"{name}_cpu_ratio"] = bare_s["cpu_us_per_request"] / summary[name]["cpu_us_per_request"]
        print_tables(summary, ratios, args.rounds)
        load_after = os.getloadavg()
        print(f"machine: {os.cpu_count()} CPUs, load average (1, 5, 15 min) before"
              f" {', '.join(f'{x:.1f}' for x in load_before)}, after {', '.join(f'{x:.1f}' for x in load_after)}")
        if args.json:
            from importlib.metadata import version

            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps({
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version(), "litestar": version("litestar"),
                            "uvicorn": version("uvicorn"), "loadavg_before": load_before,
                            "loadavg_after": load_after},
                "settings": {"duration": args.duration, "warmup": args.warmup,
                             "concurrency": args.concurrency, "workers": args.workers,
                             "rounds": args.rounds, "loadgen": loadgen,
                             "client_addresses": max(1, args.client_addresses),
                             "uvicorn_flags": uvicorn_flags(0, args.workers)[4:],
                             "rate_limit_per_minute": int(RATE_LIMIT)},
                "targets": summary,
                "ratios": ratios,
            }, indent=2) + "\n")
            print(f"\nwritten {RESULTS.relative_to(ROOT)}")
        ok = True
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the clean-up
        if _current_loadgen is not None and _current_loadgen.poll() is None:
            _current_loadgen.kill()
        clean_up(servers, db, tmp, ok=ok, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
