"""What the benchmarks share: a free port, the open-files limit, and the clean-up at the
end of a run (servers stopped, the database dropped, the logs kept on failure)."""

from __future__ import annotations

import functools
import resource
import shutil
import signal
import socket
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

NOFILE = 65536


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` (the chat bench's rule: the value at rank
    ``int(p% of n)``, the largest for a small list); 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile(target: int = NOFILE) -> int:
    """Raise this process's open-files limit to ``target`` (or as far as the hard limit allows)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limit in ((target, max(target, hard)), (hard, hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, limit)
            return limit[0]
        except (ValueError, OSError):
            continue
    return soft


def clean_up(servers: Iterable[Any], db: Any, tmp: Path, *, ok: bool, keep: bool) -> None:
    """Stop ``servers`` (newest first), drop the run's database, and remove ``tmp`` unless the
    run failed or ``keep`` asks to keep the logs. A second Ctrl-C cannot interrupt it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for server in reversed(list(servers)):
        server.stop()
    if db is not None:
        try:
            db.drop()
        except Exception as exc:  # noqa: BLE001 - report and go on cleaning
            print(f"could not drop database {db.name}: {exc}", file=sys.stderr)
    if ok and not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"logs kept in {tmp}", file=sys.stderr)


RATE_LIMIT = "100000000"  # a minute: the API's rate limit must not be what a run measures


def app_database(tmp: Path, extra_env: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """A fresh PostgreSQL database for a run (tests.harness.TestDatabase), migrated and with
    content/ imported, and the environment the app runs with (as tests/conftest.py:
    ``test``, as "production" would only add Secure cookies and need keys), plus
    ``extra_env``. The database is dropped again if the set-up fails."""
    import os
    import secrets

    from tests.harness import TestDatabase, waymark_cli

    print(f"database: creating (logs in {tmp})", flush=True)
    db = TestDatabase.create(tmp)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
        env.update({
            "DATABASE_URL": db.url,
            "WAYMARK_DATA_DIR": str(tmp),
            "WAYMARK_ENV": "test",
            "WAYMARK_SECRET_KEY": secrets.token_urlsafe(32),
            "WAYMARK_RATE_LIMIT_PER_MINUTE": RATE_LIMIT,
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        })
        waymark_cli("database", "upgrade", env=env)
        waymark_cli("import-content", env=env)
    except BaseException:
        db.drop()
        raise
    return db, env


@functools.cache
def session_csrf(base_url: str, session_cookie: str) -> str:
    """The CSRF token bound to one session (the app derives it from the session id and hands
    it out on any answer), fetched once per session with a plain GET."""
    import httpx

    r = httpx.get(base_url + "/api/v1/councils", headers={"cookie": f"waymark_session={session_cookie}"}, timeout=60)
    token = r.cookies.get("csrftoken")
    if not token:
        raise RuntimeError(f"no csrftoken for a session: {r.status_code}")
    return token


def session_headers(base_url: str, session_cookie: str) -> dict[str, str]:
    """Headers for an unsafe request as the person signed in by ``session_cookie``."""
    token = session_csrf(base_url, session_cookie)
    return {"x-csrftoken": token, "cookie": f"waymark_session={session_cookie}; csrftoken={token}"}
