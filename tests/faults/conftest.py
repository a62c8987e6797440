"""Fault tests: a PostgreSQL cluster of the test's own, app servers started against it, and
phones that behave as the PWA does (an outbox resent until acknowledged, resume on reconnect)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.chat_client import cookie_header
from tests.faults.cluster import Cluster
from tests.harness import PASSWORD, Client, create_staff, run_async, signup_body, unique_username, waymark_cli


# One cluster, migrated and loaded once, for every fault module (each starts its own app
# servers against it, and a module that stops the cluster starts it again before it ends).
@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    # not under pytest's own temporary folder: that is private to root, and the cluster may run
    # as the postgres user
    root = Path(tempfile.mkdtemp(prefix="waymark-cluster-"))
    root.chmod(0o755)
    c = Cluster(root / "pg").init()
    c.start()
    yield c
    c.stop("immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def fault_env(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
    env.update({
        "DATABASE_URL": cluster.create_database("waymark"),
        "WAYMARK_DATA_DIR": str(data_dir),
        "WAYMARK_ENV": "test",
        "WAYMARK_SECRET_KEY": secrets.token_urlsafe(32),
        "WAYMARK_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "WAYMARK_RATE_LIMIT_PER_MINUTE": "100000",
        "WAYMARK_CHAT_HOURS": "always",
        "WAYMARK_CHAT_SWEEP_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    })
    waymark_cli("database", "upgrade", env=env)
    waymark_cli("import-content", env=env)
    return env


def counsellor_client(env: dict[str, str], base_url: str, name: str = "Ash") -> Client:
    email = f"c-{unique_username('f')}@staff.example".replace("_", "-")
    create_staff(env["DATABASE_URL"], role="counsellor", email=email, password=PASSWORD, name=name)
    c = Client(base_url)
    assert c.post("/api/v1/auth/login", json={"username": email, "password": PASSWORD}).status_code == 200
    assert c.put("/api/v1/chat/availability", json={"status": "available", "max_concurrent": 10}).status_code == 200
    return c


def young_person_client(base_url: str) -> Client:
    c = Client(base_url)
    assert c.post("/api/v1/auth/signup", json=signup_body()).status_code == 201
    return c


def on(client: Client, base_url: str) -> Client:
    """The same signed-in person, talking to another address (another node or the balancer)."""
    moved = Client(base_url)
    for name, value in client.http.cookies.items():
        moved.http.cookies.set(name, value, domain="127.0.0.1")
    return moved


class Phone:
    """One person's chat as the PWA keeps it: every message goes into an outbox and is sent
    again (same client_id) until acknowledged; a dropped socket reconnects and resumes after
    the last seq seen. Records every message frame received, to check "once, in order"."""

    def __init__(self, base_url: str, client: Client, session_id: str) -> None:
        self.base_url, self.client, self.session_id = base_url, client, session_id
        self.outbox: dict[str, str] = {}  # client_id -> body, until acknowledged
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.received: list[int] = []  # seqs of message frames, in arrival order
        self.messages: list[dict[str, Any]] = []  # the message frames themselves, in arrival order
        self.other: list[dict[str, Any]] = []  # every other frame
        self.ws: Any = None

    def last_seq(self) -> int:
        return max(self.received + list(self.acked.values()), default=0)

    def connect(self) -> bool:
        try:
            url = self.base_url.replace("http://", "ws://") + "/api/v1/chat/ws"
            self.ws = connect(url, origin=self.base_url, additional_headers={"Cookie": cookie_header(self.client)},
                              open_timeout=5).__enter__()
            self.ws.send(json.dumps({"type": "resume", "session_id": self.session_id,
                                     "after_seq": self.last_seq()}))
            return True
        except (OSError, ConnectionClosed, TimeoutError):
            self.ws = None
            return False

    def write(self, body: str) -> str:
        cid = str(uuid.uuid4())
        self.outbox[cid] = body
        self.flush()
        return cid

    def flush(self) -> None:
        if self.ws is None and not self.connect():
            return
        try:
            for cid, body in list(self.outbox.items()):
                self.ws.send(json.dumps({"type": "message", "session_id": self.session_id, "client_id": cid,
                                         "body": body}))
        except ConnectionClosed:
            self.ws = None

    def pump(self, seconds: float) -> None:
        """Read frames for a while; reconnect (and resend) when the socket drops."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.ws is None:
                if not self.connect():
                    time.sleep(min(0.3, max(left, 0)))
                    continue
                self.flush()
            try:
                frame = json.loads(self.ws.recv(timeout=min(left, 0.5)))
            except TimeoutError:
                continue
            except ConnectionClosed:
                self.ws = None
                continue
            if frame.get("type") == "message" and frame.get("session_id") == self.session_id:
                self.received.append(frame["seq"])
                self.messages.append(frame)
            elif frame.get("type") == "ack":
                self.acked[frame["client_id"]] = frame["seq"]
                self.outbox.pop(frame["client_id"], None)
            else:
                self.other.append(frame)

    def settle(self, timeout: float = 30, resend_every: float = 2.0) -> None:
        """Until the outbox is empty: resend what is unacknowledged now and then (as the PWA does)."""
        deadline = time.monotonic() + timeout
        while self.outbox and time.monotonic() < deadline:
            self.flush()
            self.pump(resend_every)
        assert not self.outbox, f"never acknowledged: {list(self.outbox.values())}; frames {self.other[-5:]}"

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001 - closing a dead socket
                pass


def start_chat(yp: Client, counsellor: Client) -> str:
    request_id = yp.post("/api/v1/chat/requests", json={"topic": "family"}).json()["id"]
    r = counsellor.post("/api/v1/chat/queue/take", json={"request_id": request_id})
    assert r.status_code == 200, r.text
    return r.json()["session_id"]


def stored_seqs(cluster_url: str, session_id: str) -> list[tuple[int, str]]:

    import asyncpg

    async def go() -> list[tuple[int, str]]:
        conn = await asyncpg.connect(cluster_url)
        try:
            rows = await conn.fetch("SELECT seq, client_id::text FROM chat_message WHERE session_id = $1 ORDER BY seq",
                                    uuid.UUID(session_id))
            return [(r["seq"], r["client_id"]) for r in rows]
        finally:
            await conn.close()

    return run_async(go())


def ready_status(base_url: str) -> int:
    try:
        return httpx.get(f"{base_url}/health/ready", timeout=2).status_code
    except httpx.HTTPError:
        return 0


def wait_for_ready(base_url: str, want: int, timeout: float) -> float:
    """Seconds until /health/ready answers ``want``; fails after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if ready_status(base_url) == want:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"/health/ready never answered {want} within {timeout}s")


def assert_once_in_order(phone: Phone, expected_last: int) -> None:
    assert phone.received == sorted(set(phone.received)), f"repeated or out of order: {phone.received}"
    seen = set(phone.received) | set(phone.acked.values())
    assert seen == set(range(1, expected_last + 1)), f"missing: {set(range(1, expected_last + 1)) - seen}"


__all__ = ["Path"]
