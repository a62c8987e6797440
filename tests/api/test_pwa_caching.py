"""Issue 15: the PWA's files at content-versioned addresses are cached for a year
(immutable); the page and the service worker are checked with the server every time; an
old version's address is sent to this version's file; a file that does not exist is a 404."""

from __future__ import annotations

import re

import pytest

from tests.harness import ROOT
from tests.page_weight import precache_of

IMMUTABLE = "public, max-age=31536000, immutable"


def version_of(client) -> str:
    page = client.get("/").text
    found = set(re.findall(r'"/v/([0-9a-f]{12})/', page))
    assert len(found) == 1, found
    return found.pop()


def test_the_page_links_versioned_files_that_are_immutable(client) -> None:
    version = version_of(client)
    page = client.get("/").text
    for path in (f"/v/{version}/css/app.css", f"/v/{version}/js/app.js", f"/v/{version}/js/quick-exit.js",
                 f"/v/{version}/icons/icon.svg"):
        assert f'"{path}"' in page, path
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == IMMUTABLE
        assert r.content == (ROOT / "pwa" / path.split("/", 3)[3]).read_bytes()  # the file, unchanged
        assert "set-cookie" not in r.headers  # nothing personal on a file cached for a year
    # a module's relative imports stay in the same version
    r = client.get(f"/v/{version}/js/screens/home.js")
    assert r.status_code == 200 and "from '../ui.js'" in r.text
    assert client.get(f"/v/{version}/js/ui.js").headers["cache-control"] == IMMUTABLE
    assert '"/manifest.webmanifest"' in page  # the manifest keeps its address (the installed app's)


def test_the_page_preloads_what_its_scripts_import(client) -> None:
    version = version_of(client)
    page = client.get("/").text
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', page)
    for name in ("js/ui.js", "js/session.js", "js/api.js"):  # app.js -> session.js -> api.js
        assert f"/v/{version}/{name}" in preloaded, preloaded
    assert f"/v/{version}/js/app.js" not in preloaded  # a script of the page is not preloaded again
    # Screens load by route, but the welcome screen every first visit starts on comes with the
    # scripts, with what it imports (account-words.js), so it costs no extra round trips.
    assert [p for p in preloaded if "/screens/" in p] == [f"/v/{version}/js/screens/welcome.js"]
    assert f"/v/{version}/js/account-words.js" in preloaded
    assert not [p for p in preloaded if "/staff/" in p]
    precache = precache_of(client.get("/sw.js").text)
    assert set(preloaded) <= set(precache)


@pytest.mark.parametrize("path", ["/", "/index.html", "/sw.js", "/manifest.webmanifest", "/js/app.js", "/icons/icon.svg"])
def test_the_page_the_worker_and_plain_addresses_are_revalidated(client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-cache"
    assert "immutable" not in r.headers["cache-control"] and "max-age" not in r.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_worker_knows_this_version_and_its_precache(client) -> None:
    version = version_of(client)
    sw = client.get("/sw.js")
    assert sw.headers["content-type"].startswith("text/javascript")
    assert f"const VERSION = '{version}';" in sw.text
    precache = precache_of(sw.text)
    assert f"/v/{version}/js/app.js" in precache
    for path in precache:
        r = client.get(path)
        assert r.status_code == 200, path
    # sw.js is never served at a versioned address (its scope must stay the whole app)
    assert client.get(f"/v/{version}/sw.js").status_code == 404


def test_an_old_version_is_sent_to_this_versions_file(client) -> None:
    version = version_of(client)
    old = "0123456789ab" if version != "0123456789ab" else "ba9876543210"
    r = client.get(f"/v/{old}/js/screens/home.js", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == f"/v/{version}/js/screens/home.js"
    assert r.headers["cache-control"] == "no-store"
    followed = client.get(f"/v/{old}/js/screens/home.js", follow_redirects=True)
    assert followed.status_code == 200 and followed.headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize("path", ["/v/{version}/js/no-such.js", "/v/0123456789ab/js/no-such.js", "/no-such.js",
                                  "/README.md", "/v/{version}/index.html", "/v/{version}/../backend/app.py",
                                  "/v/{version}/%2e%2e/pyproject.toml", "/v/{version}/", "/v/"])
def test_what_is_not_a_file_of_the_app_is_a_404(client, path: str) -> None:
    r = client.get(path.format(version=version_of(client)), follow_redirects=False)
    assert r.status_code == 404, (path, r.status_code)
    assert "immutable" not in r.headers.get("cache-control", "")


def test_head_answers_like_get_without_a_body(client) -> None:
    path = f"/v/{version_of(client)}/js/app.js"
    get = client.get(path, headers={"Accept-Encoding": "br"})
    head = client.http.head(path, headers={"Accept-Encoding": "br"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["cache-control"] == IMMUTABLE


def test_a_write_to_a_file_is_refused(client) -> None:
    path = f"/v/{version_of(client)}/js/app.js"
    assert client.post(path, json={}).status_code == 405
