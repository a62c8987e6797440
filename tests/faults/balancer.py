"""HAProxy (Debian's package) in front of several app nodes on loopback: round robin, no sticky
sessions, WebSocket-aware, a node taken out as soon as /health/live stops answering.
Used by the two-node fault test and by `bench/chat_bench.py --nodes 2`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness import free_port

CONFIG = """\
global
    maxconn 8000
defaults
    mode http
    timeout connect 2s
    timeout check 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    option redispatch
    retries 3
frontend waymark
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET {health}
    http-check expect status 200
    http-response set-header X-Waymark-Node %s
{servers}
"""


@dataclass
class Balancer:
    node_ports: list[int]
    health: str = "/health/live"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    folder: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Balancer:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.folder = Path(tempfile.mkdtemp(prefix="waymark-lb-"))
        servers = "\n".join(f"    server node{i} 127.0.0.1:{p} check inter 500ms fall 3 rise 1"
                            for i, p in enumerate(self.node_ports, 1))
        config = self.folder / "haproxy.cfg"
        config.write_text(CONFIG.format(port=self.port, servers=servers, health=self.health))
        self.process = subprocess.Popen([haproxy, "-db", "-f", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=open(self.folder / "log", "w"))  # noqa: SIM115
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"haproxy did not start: {(self.folder / 'log').read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
