"""The baseline for bench/chat_bench.py: a bare ``websockets`` relay, no application.

It relays each chat message from one socket to its paired socket with the same frames
Waymark sends (an ``ack`` to the sender, the ``message`` to both people), and nothing
else: no database, no sessions, no authentication, no framework. It runs as several
processes sharing one port (SO_REUSEPORT), like ``uvicorn --workers N``; a message whose
receiver is connected to another process is forwarded to that process over a Unix
socket (every other process gets it, as every Waymark worker gets every NOTIFY).

    python bench/ws_echo_relay.py --port 8100 --processes 2 [--no-deflate]

prints ``ready <pid> <pid> ...`` (the serving processes) on stdout once every process
listens and every process is connected to every other one; it stops on SIGTERM/SIGINT.

Frames, to the relay:
- first frame: ``{"hello": "<socket key>", "role": "young_person" | "counsellor"}``;
- then ``{"type": "message", "session_id", "client_id", "body", "to": "<peer socket key>"}``.
From the relay: ``{"type": "ack", "client_id", "session_id"}`` to the sender, and
``{"type": "message", "session_id", "client_id", "sender", "body"}`` to the sender and to ``to``.
``GET /health`` answers 200.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import signal
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.common import raise_nofile  # noqa: E402

_LEN = struct.Struct("!I")


class Relay:
    """One serving process: its local sockets, and a stream to every other process."""

    def __init__(self, index: int, processes: int, sockdir: Path) -> None:
        self.index = index
        self.processes = processes
        self.sockdir = sockdir
        self.local: dict[str, Any] = {}  # socket key -> websocket
        self.peers: list[asyncio.StreamWriter] = []
        self.inbound = 0
        self.meshed = asyncio.Event()  # every other process has connected to this one

    def path(self, index: int) -> str:
        return str(self.sockdir / f"relay-{index}.sock")

    # --- between processes --------------------------------------------------------------

    async def on_peer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.inbound += 1
        if self.inbound >= self.processes - 1:
            self.meshed.set()
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            while True:
                (size,) = _LEN.unpack(await reader.readexactly(_LEN.size))
                to, _, frame = (await reader.readexactly(size)).decode().partition("\n")
                ws = self.local.get(to)
                if ws is not None:
                    with contextlib.suppress(Exception):
                        await ws.send(frame)

    async def connect_peers(self) -> None:
        for other in range(self.processes):
            if other == self.index:
                continue
            for _ in range(600):
                try:
                    _, writer = await asyncio.open_unix_connection(self.path(other))
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    await asyncio.sleep(0.05)
            else:
                raise RuntimeError(f"relay {self.index}: no process {other}")
            self.peers.append(writer)

    def forward(self, to: str, frame: str) -> None:
        data = f"{to}\n{frame}".encode()
        for writer in self.peers:
            writer.write(_LEN.pack(len(data)) + data)

    # --- sockets ------------------------------------------------------------------------

    async def handler(self, ws: Any) -> None:
        try:
            hello = json.loads(await ws.recv())
            me, role = str(hello["hello"]), str(hello.get("role", ""))
        except Exception:  # noqa: BLE001 - not a relay client
            return
        self.local[me] = ws
        try:
            async for raw in ws:
                try:
                    f = json.loads(raw)
                    if f.get("type") != "message":
                        continue
                    session_id, client_id, to = f["session_id"], f["client_id"], str(f["to"])
                    out = json.dumps({"type": "message", "session_id": session_id, "client_id": client_id,
                                      "sender": role, "body": f["body"]})
                except (ValueError, KeyError, TypeError, AttributeError):
                    await ws.send(json.dumps({"type": "error", "detail": "bad frame", "code": "bad_frame"}))
                    continue
                await ws.send(json.dumps({"type": "ack", "client_id": client_id, "session_id": session_id}))
                await ws.send(out)
                peer = self.local.get(to)
                if peer is not None:
                    with contextlib.suppress(Exception):
                        await peer.send(out)
                else:
                    self.forward(to, out)
        except Exception:  # noqa: BLE001 - the socket went away
            pass
        finally:
            if self.local.get(me) is ws:
                del self.local[me]


def health(connection: Any, request: Any) -> Any:
    if request.path == "/health":
        return connection.respond(200, "ok\n")
    return None


async def serve_process(index: int, processes: int, host: str, port: int, sockdir: Path, ready: Any,
                        deflate: bool = True) -> None:
    from websockets.asyncio.server import serve

    relay = Relay(index, processes, sockdir)
    peer_server = await asyncio.start_unix_server(relay.on_peer, path=relay.path(index))
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    # websockets' defaults, as uvicorn's: permessage-deflate (12-bit windows, memLevel 5), ping every 20 s
    async with serve(relay.handler, host, port, reuse_port=True, process_request=health, max_size=2**20,
                     backlog=4096, compression="deflate" if deflate else None):
        await relay.connect_peers()
        if processes > 1:
            await relay.meshed.wait()
        ready.put(os.getpid())
        await stop
    peer_server.close()


def process_main(index: int, processes: int, host: str, port: int, sockdir: str, ready: Any,
                 deflate: bool = True) -> None:
    raise_nofile()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_process(index, processes, host, port, Path(sockdir), ready, deflate))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-deflate", action="store_true", help="refuse permessage-deflate (as uvicorn's"
                        " --ws-per-message-deflate false)")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    ready = ctx.Queue()
    with tempfile.TemporaryDirectory(prefix="ws-relay-") as sockdir:
        procs = [ctx.Process(target=process_main, args=(i, args.processes, args.host, args.port, sockdir, ready,
                                                       not args.no_deflate),
                             daemon=True) for i in range(args.processes)]
        for p in procs:
            p.start()

        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        pids = []
        try:
            while len(pids) < args.processes and not stopping:
                with contextlib.suppress(Exception):
                    pids.append(ready.get(timeout=0.2))
                if any(not p.is_alive() for p in procs):
                    print("a relay process died while starting", file=sys.stderr)
                    return 1
            if not stopping:
                print("ready " + " ".join(str(p) for p in pids), flush=True)
            while not stopping and all(p.is_alive() for p in procs):
                with contextlib.suppress(Exception):
                    ready.get(timeout=0.5)
        finally:
            for p in procs:
                if p.is_alive():
                    p.terminate()
            for p in procs:
                p.join(5)
                if p.is_alive():
                    p.kill()
                    p.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
