"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright; never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("WAYMARK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def phone(browser, server):
    """A phone-sized page on the app; the neutral exit site is answered locally (no network here)."""
    context = browser.new_context(viewport=PHONE, base_url=server.base_url, service_workers="allow",
                                  is_mobile=True, has_touch=True)
    context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<html><title>BBC Weather</title><body>Weather</body></html>"))
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_context(browser, server):
    """Make more browser contexts (closed after the test): ``new_context(size=DESKTOP, mobile=False)``."""
    contexts = []

    def make(size: dict[str, int] = PHONE, mobile: bool = True):
        context = browser.new_context(viewport=size, base_url=server.base_url, service_workers="allow",
                                      is_mobile=mobile, has_touch=mobile)
        context.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<html><title>BBC Weather</title><body>Weather</body></html>"))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_context):
    """A desktop-sized page (1280×900) on the app, in its own context."""
    return new_context(DESKTOP, mobile=False).new_page()


def sign_in(page, client, path: str = "/#/home") -> None:
    """Sign ``page``'s context in as an existing signed-in ``Client`` (its session and CSRF
    cookies, for the server's host), then load the app at ``path``."""
    base = str(client.http.base_url).rstrip("/")
    cookies = [{"name": c.name, "value": c.value, "url": base,
                "httpOnly": c.name == "waymark_session", "sameSite": "Lax"}
               for c in client.http.cookies.jar if c.name in ("waymark_session", "waymark_signed_in", "csrftoken")]
    assert any(c["name"] == "waymark_session" for c in cookies), "the client is not signed in"
    # The PWA asks GET /me only when the server's signed-in hint is there (or it remembers someone).
    assert any(c["name"] == "waymark_signed_in" for c in cookies), "the server set no signed-in hint"
    page.context.add_cookies(cookies)
    page.goto(path)


def wait_for_service_worker(page) -> None:
    """Wait until the service worker is active, then reload once so it controls the page."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)",
                           timeout=30_000)
    page.reload()
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)", timeout=30_000)
