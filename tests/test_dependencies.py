"""The lock of versions is current, and the vulnerability audit never fails CI for lack of
network (it says "skipped: ..." in one line instead)."""

from __future__ import annotations

import re
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_every_direct_dependency_is_locked_at_its_installed_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line:
            name, _, pinned = line.partition("==")
            locked[name.strip().lower().replace("_", "-")] = pinned.strip()
    missing = sorted(direct - set(locked))
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    stale = {n: (locked[n], version(n)) for n in direct if locked[n] != version(n)}
    assert not stale, f"requirements.lock differs from the venv (run `make lock`): {stale}"


def test_the_audit_runs_or_says_in_one_line_why_not() -> None:
    done = subprocess.run([str(ROOT / ".ci" / "audit")], cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = done.stdout.strip().splitlines()
    if out and out[-1].startswith("skipped: "):
        assert done.returncode == 0 and len(out) == 1, done.stdout
    else:  # a database answered: the audit ran over the lock
        assert out and out[0].startswith("pip-audit: auditing requirements.lock"), done.stdout + done.stderr
        assert done.returncode == 0, f"known vulnerabilities:\n{done.stdout}"
