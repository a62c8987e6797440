"""`waymark run` with no DATABASE_URL starts an embedded PostgreSQL in WAYMARK_DATA_DIR,
migrates, loads content and serves; a second run reuses the same data."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from tests.harness import PASSWORD, PYTHON, ROOT, Client, free_port, signup_body


def _start(data_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"} and not k.startswith("WAYMARK_")}
    env.update({"WAYMARK_DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1", "WAYMARK_ENV": "test"})
    log = open(data_dir / f"run-{port}.log", "w")  # noqa: SIM115
    return subprocess.Popen([PYTHON, "-m", "backend.cli", "run"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_ready(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"not ready:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_embedded_postgres_boots_and_keeps_data_between_runs() -> None:
    # not under pytest's private temporary folder: as root, the server runs as the `pgserver` user
    root = Path(tempfile.mkdtemp(prefix="waymark-embedded-"))
    root.chmod(0o755)
    data_dir = root / "var"
    data_dir.mkdir()
    port = free_port()
    proc = _start(data_dir, port)
    body = signup_body()
    try:
        _wait_ready(proc, port, data_dir / f"run-{port}.log")
        c = Client(f"http://127.0.0.1:{port}")
        assert len(c.get("/api/v1/councils").json()) >= 4
        assert c.post("/api/v1/auth/signup", json=body).status_code == 201
        c.close()
    finally:
        _stop(proc)
    assert (data_dir / "pg" / "PG_VERSION").exists()

    port = free_port()
    proc = _start(data_dir, port)
    try:
        _wait_ready(proc, port, data_dir / f"run-{port}.log")
        c = Client(f"http://127.0.0.1:{port}")
        r = c.post("/api/v1/auth/login", json={"username": body["username"], "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.close()
        # a first run prints nothing that looks like an error (no XDG_RUNTIME_DIR warning)
        first_log = (data_dir / f"run-{port}.log").read_text()
        assert "Warning" not in first_log and "XDG_RUNTIME_DIR" not in first_log, first_log
    finally:
        _stop(proc)
        # `make stop`: the embedded PostgreSQL the runs left behind stops
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("WAYMARK_")}
        env["WAYMARK_DATA_DIR"] = str(data_dir)
        stopped = subprocess.run([PYTHON, "-m", "backend.cli", "stop-database"], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert not (data_dir / "pg" / "postmaster.pid").exists(), stopped.stdout + stopped.stderr
    shutil.rmtree(root, ignore_errors=True)
