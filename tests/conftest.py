"""Fixtures: one fresh database and one running server for the whole run (for each worker:
`make test` runs two, pytest-xdist, each with its own database, server and browser); clients
and accounts per test."""

from __future__ import annotations

import base64
import fcntl
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    PASSWORD,
    Client,
    Server,
    TestDatabase,
    create_staff,
    free_port,
    signup_body,
    unique_username,
    waymark_cli,
)

# A local stand-in for a browser push service (tests/api/test_push.py listens here).
PUSH_RECEIVER_PORT = free_port()


@pytest.fixture(autouse=True)
def _alone_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """With several workers (pytest-xdist), a test marked ``alone`` (it measures latency) runs
    while no other test does: every test holds a shared lock, an ``alone`` one the exclusive."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        yield
        return
    with open(Path(tempfile.gettempdir()) / f"waymark-tests-{run}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if request.node.get_closest_marker("alone") else fcntl.LOCK_SH)
        yield


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("waymark")


@pytest.fixture(scope="session")
def database(run_dir: Path) -> Iterator[TestDatabase]:
    db = TestDatabase.create(run_dir)
    yield db
    db.drop()


@pytest.fixture(scope="session")
def server_env(database: TestDatabase, run_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
    env.update({
        "DATABASE_URL": database.url,
        "WAYMARK_DATA_DIR": str(run_dir),
        "WAYMARK_ENV": "test",
        "WAYMARK_SECRET_KEY": secrets.token_urlsafe(32),
        "WAYMARK_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "WAYMARK_RATE_LIMIT_PER_MINUTE": "100000",
        "WAYMARK_CHAT_HOURS": "always",
        "WAYMARK_PUSH_ALLOWED_HOSTS": f"127.0.0.1:{PUSH_RECEIVER_PORT}",
        "WAYMARK_CHAT_LONG_WAIT_SECONDS": "3",
        "WAYMARK_CHAT_SWEEP_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    })
    waymark_cli("database", "upgrade", env=env)
    waymark_cli("import-content", env=env)
    return env


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> Iterator[Server]:
    srv = Server(env=server_env).start()
    yield srv
    srv.stop()


@pytest.fixture
def make_client(server: Server) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(address: str | None = None) -> Client:
        client = Client(server.base_url, address=address)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


@pytest.fixture
def young_person(make_client: Callable[..., Client]) -> Callable[..., Client]:
    """Sign up a new young person; returns their signed-in client."""

    def make(**overrides: Any) -> Client:
        c = make_client()
        body = signup_body(**overrides)
        r = c.post("/api/v1/auth/signup", json=body)
        assert r.status_code == 201, r.text
        c.user = {**r.json()["user"], "password": body["password"], "recovery_code": r.json()["recovery_code"]}
        return c

    return make


_staff_cache: dict[tuple[str, str | None, str | None], str] = {}


@pytest.fixture
def staff(make_client: Callable[..., Client], server_env: dict[str, str]) -> Callable[..., Client]:
    """Create (once per role and council) a staff account; returns a signed-in client."""

    def make(role: str, council: str | None = None, name: str = "Sam", key: str | None = None) -> Client:
        """``key`` names a distinct account of the same role (e.g. two counsellors)."""
        key = (role, council, key)
        if key not in _staff_cache:
            email = f"{role}.{unique_username('s')}@staff.example".replace("_", "-")
            create_staff(server_env["DATABASE_URL"], role=role, email=email, password=PASSWORD, name=name,
                         council=council)
            _staff_cache[key] = email
        c = make_client()
        r = c.post("/api/v1/auth/login", json={"username": _staff_cache[key], "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.user = r.json()["user"]
        return c

    return make


__all__ = ["unique_username"]
