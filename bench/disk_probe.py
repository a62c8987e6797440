"""A disk probe for the chat bench: while a phase runs, one small durable commit (an INSERT
of one row, in autocommit, synchronous_commit as the server has it) every 20 ms into a table
of the bench's own database, timed from the bench's process.

Why: every chat message is committed before it is acknowledged or delivered, so a commit
that waits for the disk (``fdatasync`` of the WAL) holds every message in flight at that
moment. The relay writes nothing. On a shared virtual disk such waits come and go (seen
here: 0.3 ms at p50 and 10-85 ms now and then, from one minute to the next), and they can
make the p99 on their own. The probe prints what the disk did during each phase, and how
many of the slowest messages were in flight while a probe commit waited over 5 ms, so a
reader can tell the disk's tail from Waymark's.

The probe's own load is 50 commits a second, in both phases alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make bench/ importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pct  # noqa: E402

SLOW_COMMIT_S = 0.005


class DiskProbe:
    """``DiskProbe(url).start()`` … ``.stop()``: the samples. ``durable=False`` makes the
    same commits without the wait for the disk (the stand-alone run's baseline); ``drop``
    removes the probe's table when it stops (a database the bench doesn't drop itself)."""

    def __init__(self, db_url: str, every: float = 0.02, *, durable: bool = True, drop: bool = False) -> None:
        self.db_url, self.every, self.durable, self.drop = db_url, every, durable, drop
        self.samples: list[tuple[float, float]] = []  # (monotonic start, seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> DiskProbe:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="disk-probe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[tuple[float, float]]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        return self.samples

    async def _run(self) -> None:
        import asyncpg

        try:
            conn = await asyncpg.connect(self.db_url)
        except Exception as exc:  # noqa: BLE001 - a probe that can't connect reports it, the bench goes on
            self.error = f"{type(exc).__name__}: {exc}"
            return
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS bench_disk_probe (id bigserial PRIMARY KEY,"
                               " at timestamptz NOT NULL DEFAULT now())")
            if not self.durable:
                await conn.execute("SET synchronous_commit = off")
            while not self._stop.is_set():
                t = time.monotonic()
                await conn.execute("INSERT INTO bench_disk_probe DEFAULT VALUES")
                self.samples.append((t, time.monotonic() - t))
                await asyncio.sleep(max(0.0, self.every - (time.monotonic() - t)))
        except Exception as exc:  # noqa: BLE001
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if self.drop:
                with contextlib.suppress(Exception):
                    await conn.execute("DROP TABLE IF EXISTS bench_disk_probe")
            await conn.close()


def summarise(samples: list[tuple[float, float]], messages: list[tuple[float, float]],
              slowest: int) -> dict[str, Any]:
    """What the disk did, and how many of the ``slowest`` messages ((sent, latency) pairs,
    monotonic seconds) were in flight while a probe commit waited over 5 ms."""
    if messages:
        first, last = min(m[0] for m in messages), max(m[0] + m[1] for m in messages)
        samples = [s for s in samples if first <= s[0] <= last]
    durations = [d for _, d in samples]
    stalls = [(t, t + d) for t, d in samples if d > SLOW_COMMIT_S]
    tail = sorted(messages, key=lambda m: m[1], reverse=True)[:slowest]
    def in_a_stall(sent: float, lat: float) -> bool:
        return any(a < sent + lat and sent < b for a, b in stalls)

    during = sum(1 for sent, lat in tail if in_a_stall(sent, lat))
    clear = [lat for sent, lat in messages if not in_a_stall(sent, lat)]
    return {"commits": len(durations), "p50_ms": pct(durations, 50) * 1000, "p99_ms": pct(durations, 99) * 1000,
            "max_ms": max(durations, default=0.0) * 1000, "stalls_over_5ms": len(stalls),
            "stalled_seconds": sum(b - a for a, b in stalls),
            "slowest_messages": len(tail), "slowest_in_flight_during_a_stall": during,
            "messages_clear_of_stalls": len(clear), "p99_ms_clear_of_stalls": pct(clear, 99) * 1000}


def describe(d: dict[str, Any]) -> str:
    return (f"disk (probe: one commit every 20 ms): p50 {d['p50_ms']:.1f} ms, p99 {d['p99_ms']:.1f} ms,"
            f" max {d['max_ms']:.1f} ms, {d['stalls_over_5ms']} commits over 5 ms"
            f" ({d['stalled_seconds'] * 1000:.0f} ms in all); of the {d['slowest_messages']} slowest messages"
            f" (the 1 % that make the p99), {d['slowest_in_flight_during_a_stall']} were in flight during one;"
            f" the p99 of the {d['messages_clear_of_stalls']} messages in flight during none: {d['p99_ms_clear_of_stalls']:.1f} ms")


def main() -> int:
    """``python bench/disk_probe.py``: the disk alone. One small commit every 20 ms for
    ``--seconds``, as the chat bench's probe does, into a scratch table of the ``postgres``
    database (dropped after), first durable (as Waymark commits), then, as the baseline in
    the same run, with ``synchronous_commit = off`` (the same work without the wait for the
    disk). Prints both and the ratio of their p99."""
    import argparse
    import os

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    def run(durable: bool) -> list[float]:
        probe = DiskProbe(args.url, durable=durable, drop=True).start()
        time.sleep(args.seconds)
        samples = probe.stop()
        if probe.error:
            raise SystemExit(f"disk probe: {probe.error}")
        return [d for _, d in samples]

    figures = {}
    for durable in (True, False):
        d = run(durable)
        figures[durable] = (pct(d, 50) * 1000, pct(d, 99) * 1000, max(d) * 1000, sum(x > SLOW_COMMIT_S for x in d), len(d))
        name = "durable commits (as Waymark)" if durable else "baseline: synchronous_commit = off"
        print(f"{name:<38} {figures[durable][4]:>5} commits: p50 {figures[durable][0]:.2f} ms,"
              f" p99 {figures[durable][1]:.2f} ms, max {figures[durable][2]:.1f} ms, {figures[durable][3]} over 5 ms")
    print(f"p99 ratio (durable / baseline) = {figures[True][1] / max(figures[False][1], 1e-6):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
