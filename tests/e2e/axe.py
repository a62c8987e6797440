"""axe-core for the browser tests: installed from the npm registry at test time into the
ignored folder ``.axe/`` (never committed), injected into the page with add_script_tag.

The app's Content-Security-Policy allows no inline script, so pages scanned here come from
contexts made with ``bypass_csp=True`` (see ``axe_context``)."""

from __future__ import annotations

import fcntl
import functools
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = ROOT / ".axe"
AXE_VERSION = "4"  # the newest 4.x from the registry
FAILING = ("serious", "critical")


@functools.cache
def axe_source() -> str:
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    AXE_DIR.mkdir(exist_ok=True)
    with open(AXE_DIR / ".installing", "a") as lock:  # one install, when two test workers want it at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not script.exists():
            npm = shutil.which("npm")
            assert npm, "npm is needed to install axe-core for the accessibility scan"
            subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                            f"axe-core@{AXE_VERSION}"], check=True, capture_output=True, timeout=300)
    return script.read_text(encoding="utf-8")


def axe_context(browser, server, size: dict[str, int], mobile: bool):
    context = browser.new_context(viewport=size, base_url=server.base_url, bypass_csp=True,
                                  is_mobile=mobile, has_touch=mobile, service_workers="block")
    context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(status=200, body="<title>BBC</title>"))
    return context


RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ')),
  }));
}"""


# The screen the router drew last (main > .screen), drawn, and no visible "Loading…" in main.
# A screen marked as left by ``leave`` does not count: after page.goto('/#/next') the router
# draws the next screen only once its module is imported, so until then the previous one is
# still there, with its h1 and nothing loading.
DRAWN = """() => {
  const screen = document.querySelector('main > .screen');
  if (!screen || screen.dataset.axeLeft || !screen.querySelector('h1')) return false;
  return ![...document.querySelectorAll('main .loading')].some((e) => e.checkVisibility());
}"""


def leave(page) -> None:
    """Mark the screen shown now as left: ``settle`` waits for the next one."""
    page.evaluate("() => { const s = document.querySelector('main > .screen'); if (s) s.dataset.axeLeft = '1'; }")


def settle(page, name: str) -> None:
    """Wait until the screen has drawn: its h1 is there and nothing on it says "Loading"
    (a hidden loading line says nothing)."""
    try:
        page.wait_for_function(DRAWN, timeout=20_000)
    except Exception as exc:
        screen = page.evaluate("() => { const s = document.querySelector('main > .screen');"
                               " return s ? [s.className, Boolean(s.dataset.axeLeft), Boolean(s.querySelector('h1'))] : null; }")
        still = [t for t in page.locator("main .loading").all_inner_texts() if t.strip()]
        raise AssertionError(f"{name}: not drawn after 20 s (screen, left, h1: {screen}); loading: {still}") from exc
    page.wait_for_timeout(150)


def scan(page, name: str) -> list[str]:
    """Serious and critical axe violations on the page as it is now, as readable lines."""
    settle(page, name)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    found = page.evaluate(RUN)
    return [f"{name}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}" for v in found
            if v["impact"] in FAILING]
