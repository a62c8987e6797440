"""The test harness: a real PostgreSQL database per run, a real server process on
loopback, and an HTTP client that behaves like the PWA (cookies, CSRF header)."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def system_postgres_available(host: str = "127.0.0.1", port: int = 5432) -> bool:
    if os.environ.get("WAYMARK_TEST_EMBEDDED") == "1":
        return False
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def run_async(coro: Any) -> Any:
    """Run a coroutine to completion on a fresh loop in a worker thread (safe even when the
    calling thread already runs a loop, as Playwright's sync API does)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@dataclass
class TestDatabase:
    """A fresh database for this run: on the machine's PostgreSQL over TCP when there is
    one, otherwise on an embedded server in a temporary directory."""

    name: str
    admin_url: str  # a plain postgresql:// URL to the maintenance database
    url: str  # a plain postgresql:// URL to the test database
    embedded_dir: Path | None = None

    @classmethod
    def create(cls, tmp: Path) -> TestDatabase:
        name = f"waymark_test_{os.getpid()}_{secrets.token_hex(3)}"
        if system_postgres_available():
            admin = os.environ.get("WAYMARK_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
            embedded = None
        else:
            from backend.database import start_embedded_postgres

            embedded = tmp / "embedded"
            admin = start_embedded_postgres(embedded).replace("/waymark?", "/postgres?")
        run_async(_admin(admin, f'CREATE DATABASE "{name}"'))
        head, _, tail = admin.rpartition("/postgres")  # the database part, not the user
        url = f"{head}/{name}{tail}"
        return cls(name=name, admin_url=admin, url=url, embedded_dir=embedded)

    def drop(self) -> None:
        if self.embedded_dir is not None:  # a throwaway server in a temporary directory: just stop it
            from backend.database import stop_embedded_postgres

            stop_embedded_postgres(self.embedded_dir)
            return
        run_async(_admin(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def query(self, sql: str, *args: Any) -> list[Any]:
        """Run one statement directly against the database (for checks a test makes)."""

        async def go() -> list[Any]:
            import asyncpg

            conn = await asyncpg.connect(self.url)
            try:
                return list(await conn.fetch(sql, *args))
            finally:
                await conn.close()

        return run_async(go())


def waymark_cli(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([PYTHON, "-m", "backend.cli", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"waymark {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def create_staff(database_url: str, *, role: str, email: str, password: str, name: str | None = None,
                 council: str | None = None) -> str:
    """A staff account made by the service call behind `waymark create-staff`, in this process
    (a CLI process per account spent about 2.5 s of CPU importing the backend). The CLI itself
    stays under test (tests/api/test_openapi_fuzz.py, test_encryption_rotation.py)."""

    async def go() -> str:
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        from backend.accounts.services import create_staff_account
        from backend.database import to_async_url

        engine = create_async_engine(to_async_url(database_url))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                user = await create_staff_account(db, role=role, email=email, password=password,
                                                  council_code=council, name=name)
                await db.commit()
                return str(user.id)
        finally:
            await engine.dispose()

    return run_async(go())


@dataclass
class Server:
    """A real uvicorn process serving the app."""

    env: dict[str, str]
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        self.log_path = Path(self.env["WAYMARK_DATA_DIR"]) / f"server-{self.port}.log"
        log = open(self.log_path, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [PYTHON, "-m", "uvicorn", "backend.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--proxy-headers",
             "--forwarded-allow-ips", "127.0.0.1", "--no-access-log", "--timeout-graceful-shutdown", "2"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill_group() takes the workers too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log_path.read_text()}")

    def kill_group(self) -> None:
        """SIGKILL the whole node at once (the manager and its workers), as a crashed machine."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill_group()


_counter = 0


def unique_username(prefix: str = "yp") -> str:
    """A username the rules accept: letters only after a short prefix, never long digits."""
    from backend.accounts.rules import username_problem  # pure rules, no I/O

    global _counter
    _counter += 1
    while True:  # random letters now and then spell a reserved word ("nhs", "admin" after look-alikes)
        letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
        name = f"{prefix}_{letters}"[:20]
        if username_problem(name) is None:
            return name


class Client:
    """An HTTP client that behaves like the PWA: keeps cookies and sends the CSRF header
    on unsafe methods (fetching a page first when it has no csrftoken yet)."""

    def __init__(self, base_url: str, address: str | None = None) -> None:
        headers = {"X-Forwarded-For": address} if address else {}
        self.http = httpx.Client(base_url=base_url, timeout=30, headers=headers)
        self.user: dict[str, Any] | None = None

    def _csrf(self) -> dict[str, str]:
        token = self.http.cookies.get("csrftoken")
        if token is None:
            self.http.get("/api/v1/councils")
            token = self.http.cookies.get("csrftoken")
        return {"x-csrftoken": token or ""}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return self.http.post(path, json=json, headers={**self._csrf(), **kw.pop("headers", {})}, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return self.http.put(path, json=json, headers={**self._csrf(), **kw.pop("headers", {})}, **kw)

    def delete(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return self.http.request("DELETE", path, json=json, headers={**self._csrf(), **kw.pop("headers", {})}, **kw)

    def close(self) -> None:
        self.http.close()


PASSWORD = "purple tractor sunrise"


def signup_body(**overrides: Any) -> dict[str, Any]:
    body = {"username": unique_username(), "password": PASSWORD, "birth_month": 5, "birth_year": 2010,
            "council_code": "E06000044"}
    body.update(overrides)
    return body


def new_id() -> str:
    return str(uuid.uuid4())
