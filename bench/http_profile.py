"""Where an HTTP request's time goes: py-spy on the Waymark worker while wrk drives one target.

From the repository root (needs ``wrk`` and ``py-spy``: ``pip install py-spy``, root or
ptrace rights)::

    .venv/bin/python bench/http_profile.py --targets councils,search,services,me --seconds 10

For each target it runs ``wrk -t1 -c32`` (the settings of bench/http_bench.py, with the
csrftoken cookie and 4096 client addresses) while ``py-spy record --format raw`` samples the
worker process, and prints the functions with the most samples (own and inclusive) and
the share of samples under a few known parts. The collapsed stacks are kept in
bench/results/profile-<target>.txt for a flame graph (e.g. speedscope).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import app_database, clean_up  # noqa: E402
from bench.http_bench import WRK_SCRIPT, UvicornServer, sign_up  # noqa: E402

PARTS = {  # a label -> substrings of a frame that put a sample under it
    "database (SQLAlchemy / asyncpg)": ("sqlalchemy", "asyncpg", "advanced_alchemy"),
    "session middleware": ("middleware/session",),
    "current user": ("accounts/auth.py",),
    "CSRF": ("middleware/csrf", "SessionBoundCSRF", "security.py"),
    "rate limit": ("rate_limit",),
    "prometheus": ("prometheus",),
    "security headers": ("http_safety.py:send_with_headers",),
    "JSON encoding": ("serialization", "msgspec", "encode_json"),
}


def worker_pid(server: UvicornServer) -> int:
    """The uvicorn worker: with --workers 1 uvicorn serves from its own process."""
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return int(children[0]) if server.workers > 1 and children else server.process.pid


def summarise(raw: Path, top: int) -> None:
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    parts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
        for label, needles in PARTS.items():
            if any(needle in frame for frame in frames for needle in needles):
                parts[label] += n
    if not total:
        print("  no samples")
        return
    print(f"  {total} samples; under a part (a sample may count under several):")
    for label, n in parts.most_common():
        print(f"    {100 * n / total:5.1f}%  {label}")
    print("  most own samples:")
    for frame, n in own.most_common(top):
        print(f"    {100 * n / total:5.1f}%  {frame}")
    print("  most inclusive samples:")
    for frame, n in inclusive.most_common(top + 10)[10:]:  # the first few are the event loop itself
        print(f"    {100 * n / total:5.1f}%  {frame}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", default="councils,search,services,me")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second (200)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists() or not shutil.which("wrk"):
        parser.error("needs py-spy (pip install py-spy) and wrk (apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="waymark-http-profile-"))
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    servers: list[UvicornServer] = []
    db = None
    ok = False
    try:
        db, env = app_database(tmp, {})
        app = UvicornServer("waymark", "backend.app:create_app", "/health/ready", env, tmp)
        servers.append(app)
        app.start()
        _, session, csrf = sign_up(app.base_url)
        anonymous = f"Cookie: csrftoken={csrf}"
        signed_in = f"Cookie: waymark_session={session}; csrftoken={csrf}"
        paths = {"councils": ("/api/v1/councils", anonymous), "me": ("/api/v1/me", signed_in),
                 "search": ("/api/v1/articles?q=exam%20stres", anonymous),
                 "services": ("/api/v1/services", signed_in)}
        script = tmp / "bench.lua"
        script.write_text(WRK_SCRIPT)
        pid = worker_pid(app)
        for target in [t.strip() for t in args.targets.split(",") if t.strip()]:
            path, header = paths[target]
            wrk = ["wrk", "-t1", "-c32", "-H", header, "-s", str(script)]
            subprocess.run([*wrk, "-d2s", app.base_url + path, "--", "4096"],  # noqa: S603 - warm-up
                           check=True, capture_output=True)
            raw = out_dir / f"profile-{target}.txt"
            spy = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--rate", str(args.rate),  # noqa: S603
                                    "--format", "raw", "--output", str(raw), "--duration", str(args.seconds)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            load = subprocess.run([*wrk, f"-d{args.seconds - 1}s", app.base_url + path, "--", "4096"],  # noqa: S603
                                  check=True, capture_output=True, text=True)
            spy.wait(args.seconds + 30)
            result = next((ln for ln in load.stdout.splitlines() if ln.startswith("WRKJSON")), "")
            print(f"\n== {target} {path}: {result}")
            summarise(raw, args.top)
        ok = True
        return 0
    finally:
        clean_up(servers, db, tmp, ok=ok, keep=False)


if __name__ == "__main__":
    sys.exit(main())
