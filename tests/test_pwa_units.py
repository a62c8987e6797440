"""The PWA's shared modules (the DOM helper, the API wrapper, the chat message log, the
outbox) under `node --test`, in a jsdom window with fake-indexeddb and a real local HTTP
server (tests/pwa/). The npm packages are installed from the registry at test time into
tests/pwa/node_modules (ignored by git), as package-lock.json pins them."""

from __future__ import annotations

import shutil
import subprocess

from tests.harness import ROOT

PWA_TESTS = ROOT / "tests" / "pwa"


def test_pwa_modules_pass_their_node_unit_tests() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "Node.js and npm are needed for the PWA's unit tests"
    if not (PWA_TESTS / "node_modules" / "jsdom").exists():
        install = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=PWA_TESTS,
                                 capture_output=True, text=True, timeout=300)
        assert install.returncode == 0, install.stdout + install.stderr
    files = sorted(str(p) for p in PWA_TESTS.glob("*.test.mjs"))
    assert len(files) >= 4
    run = subprocess.run([node, "--test", *files], cwd=PWA_TESTS, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout
