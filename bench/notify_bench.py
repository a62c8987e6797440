"""How many NOTIFY events one PostgreSQL carries to listening app nodes: the ceiling on chat
messages per second for the whole service, since every stored message sends one.

    .venv/bin/python bench/notify_bench.py [--seconds 10] [--senders 8] [--listeners 2]

``senders`` connections each run ``SELECT pg_notify(channel, payload)`` (autocommit, a payload
the size of a chat event) as fast as they can while ``listeners`` connections (one per app node)
LISTEN and count what arrives. The baseline, measured the same way in the same run on the
same connections, is ``SELECT 1``: the ratio says what a NOTIFY costs above a bare round trip.
Prints sent/s, received/s per listener, and the ratio."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHANNEL = "waymark_bench_events"
PAYLOAD = json.dumps({"k": "m", "s": str(uuid.uuid4()), "q": 123456})  # as the chat sends: ids only


async def _loop(url: str, senders: int, seconds: float, statement: str, listeners: int) -> dict[str, float]:
    import asyncpg

    received = [0] * listeners
    listen_conns = []
    for i in range(listeners):
        conn = await asyncpg.connect(url)

        def on_notify(*_args: object, i: int = i) -> None:
            received[i] += 1

        await conn.add_listener(CHANNEL, on_notify)
        listen_conns.append(conn)
    send_conns = [await asyncpg.connect(url) for _ in range(senders)]
    sent = 0
    stop = time.monotonic() + seconds

    async def sender(conn: asyncpg.Connection) -> None:
        nonlocal sent
        while time.monotonic() < stop:
            await conn.execute(statement, CHANNEL, PAYLOAD) if "$1" in statement else await conn.execute(statement)
            sent += 1

    t = time.monotonic()
    await asyncio.gather(*(sender(c) for c in send_conns))
    elapsed = time.monotonic() - t
    await asyncio.sleep(1.0)  # let the last notifications arrive
    for conn in send_conns + listen_conns:
        await conn.close()
    return {"sent_per_s": sent / elapsed, "received_per_s": min(received) / elapsed if listeners else 0.0,
            "lost": sent - min(received) if "pg_notify" in statement else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--listeners", type=int, default=2)
    args = parser.parse_args()
    from tests.harness import TestDatabase

    db = TestDatabase.create(Path(tempfile.mkdtemp(prefix="waymark-notify-")))
    try:
        base = asyncio.run(_loop(db.url, args.senders, args.seconds, "SELECT 1", args.listeners))
        notify = asyncio.run(_loop(db.url, args.senders, args.seconds, "SELECT pg_notify($1, $2)", args.listeners))
    finally:
        db.drop()
    ratio = notify["sent_per_s"] / base["sent_per_s"]
    print(f"{'':24}{'per second':>12}")
    print(f"{'SELECT 1 (baseline)':24}{base['sent_per_s']:>12,.0f}")
    print(f"{'pg_notify sent':24}{notify['sent_per_s']:>12,.0f}")
    print(f"{'received per listener':24}{notify['received_per_s']:>12,.0f}   ({args.listeners} listeners)")
    print(f"ratio to the baseline: {ratio:.2f}; lost: {notify['lost']}")
    return 0 if notify["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
