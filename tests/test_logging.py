"""The app's logging: an exception logged through the standard library (as the chat hub
and the error handler do) comes out as one JSON line with its traceback, and nothing else
fails on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import logging
from backend.app import create_app
app = create_app()
app.logging_config.configure()
log = logging.getLogger("waymark.chat")
try:
    {}["missing"]
except KeyError:
    log.exception("chat event %s failed", "message")
log.warning("plain %s", "warning")
"""


def test_an_exception_is_logged_as_json_with_its_traceback(database) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYMARK_")}
    env.update({"DATABASE_URL": database.url, "WAYMARK_ENV": "test"})
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Logging error" not in done.stderr, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() + done.stdout.splitlines()
             if line.startswith("{")]
    failed = next(line for line in lines if line.get("event") == "chat event message failed")
    assert failed["level"] == "error"
    assert "KeyError: 'missing'" in failed["exception"] and "Traceback" in failed["exception"]
    assert any(line.get("event") == "plain warning" for line in lines)
