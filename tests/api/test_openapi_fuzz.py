"""A bounded schemathesis run over /schema/openapi.json (all checks, a fixed seed), signed
in as a young person and as staff, and anonymous: the OpenAPI document tells the truth
(no server errors, no undocumented status, content type or response shape)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import PASSWORD, Client, Server, TestDatabase, signup_body, waymark_cli

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SEED = 20261201
MAX_EXAMPLES = os.environ.get("WAYMARK_FUZZ_EXAMPLES", "3")  # per operation: a few hundred in all
CONFIG = Path(__file__).with_name("schemathesis.toml")  # the few rules JSON Schema cannot state
# Operations that end the signed-in session the run depends on: covered by the anonymous
# run (and by tests/api/test_accounts.py), not by the signed-in runs.
SESSION_ENDING = ["--exclude-name", "POST /api/v1/auth/logout", "--exclude-name", "DELETE /api/v1/me"]


def fuzz(server: Server, client: Client | None, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    headers: list[str] = []
    if client is not None:
        client.get("/api/v1/councils")
        cookies = "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())
        headers = ["-H", f"Cookie: {cookies}", "-H", f"x-csrftoken: {client.http.cookies.get('csrftoken')}"]
    cmd = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{server.base_url}/schema/openapi.json",
           "--checks", "all", "--phases", "examples,fuzzing",
           "--seed", str(SEED), "--max-examples", MAX_EXAMPLES, "--workers", "1", "--no-shrink",
           "--request-timeout", "20", "--suppress-health-check", "all", "--warnings", "off",
           "--report-dir", str(tmp_path), *headers, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                          env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""})


def report(done: subprocess.CompletedProcess) -> str:
    return (done.stdout[-20000:] + done.stderr[-4000:])


@pytest.fixture(scope="module")
def fuzz_server(server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory):
    """A database and server of the run's own: the fuzzer writes random services, posts and
    settings that the other tests must never see."""
    run_dir = tmp_path_factory.mktemp("fuzz")
    database = TestDatabase.create(run_dir)
    env = {**server_env, "DATABASE_URL": database.url, "WAYMARK_DATA_DIR": str(run_dir)}
    waymark_cli("database", "upgrade", env=env)
    waymark_cli("import-content", env=env)
    waymark_cli("create-staff", "--role", "admin", "--email", "fuzz.admin@staff.example", "--password", PASSWORD,
                env=env)
    srv = Server(env=env).start()
    yield srv
    srv.stop()
    database.drop()


def signed_in_client(server: Server, who: str) -> Client:
    client = Client(server.base_url)
    if who == "young_person":
        r = client.post("/api/v1/auth/signup", json=signup_body())
    else:
        r = client.post("/api/v1/auth/login", json={"username": "fuzz.admin@staff.example", "password": PASSWORD})
    assert r.status_code in (200, 201), r.text
    return client


@pytest.mark.timeout(900)  # each run has its own 600 s limit (see fuzz); the suite's 120 s is for ordinary tests
@pytest.mark.parametrize("who", ["young_person", "admin", "anonymous"])
def test_the_schema_tells_the_truth(who: str, fuzz_server: Server, tmp_path: Path) -> None:
    if who == "anonymous":
        done = fuzz(fuzz_server, Client(fuzz_server.base_url), tmp_path)
    else:
        done = fuzz(fuzz_server, signed_in_client(fuzz_server, who), tmp_path, *SESSION_ENDING)
    assert done.returncode == 0, report(done)
    assert "generated" in done.stdout and " 0 generated" not in done.stdout, report(done)
