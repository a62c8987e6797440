"""Issue 15: a young person's phone downloads at most 100 KB on the wire for the page plus
everything the service worker precaches, and staff screens are never among it."""

from __future__ import annotations

import re

from tests.harness import ROOT
from tests.page_weight import first_visit, precache_of

BUDGET = 100_000  # bytes on the wire: status lines, headers and compressed bodies
PWA = ROOT / "pwa"


def test_the_page_and_its_precache_fit_in_100_kb(server) -> None:
    downloads = first_visit(server.base_url)
    for d in downloads:
        assert d.status == 200, d
        if d.body > 1024:
            assert d.encoding == "br", d  # a phone that accepts brotli gets brotli
    wire = sum(d.wire for d in downloads)
    bodies = sum(d.body for d in downloads)
    plain = sum(len(_file(d.path).read_bytes()) for d in downloads if _file(d.path).exists())
    print(f"\nfirst visit: {len(downloads)} downloads, {wire} bytes on the wire ({bodies} of bodies; "
          f"the files themselves {plain} bytes)")
    assert wire <= BUDGET, sorted(((d.wire, d.path) for d in downloads), reverse=True)[:8]


def test_the_precache_holds_the_offline_screens_and_nothing_for_staff(client) -> None:
    precache = precache_of(client.get("/sw.js").text)
    assert precache[0] == "/" and len(precache) == len(set(precache))
    names = {re.sub(r"^/v/[0-9a-f]+/", "", p).lstrip("/") for p in precache}
    for needed in ("css/app.css", "js/app.js", "js/quick-exit.js", "js/crisis.js", "js/screens/welcome.js",
                   "js/screens/home.js", "js/screens/journal.js", "js/screens/library.js", "js/screens/article.js",
                   "js/screens/talk.js", "js/risk-check.js", "js/outbox.js"):
        assert needed in names, needed
    staff_only = ("js/staff/", "js/console/", "js/panels/", "js/screens/moderation.js", "js/screens/counsellor.js",
                  "js/screens/supervisor.js", "js/screens/council.js", "js/screens/admin", "js/screens/figures.js")
    assert not [n for n in names if n.startswith(staff_only)], names
    # every module a precached module imports statically is precached too
    for name in names:
        if name.endswith(".js"):
            for imported in re.findall(r"""\bfrom\s*'(\.{1,2}/[^']+)'""", _file(name).read_text()):
                target = (_file(name).parent / imported).resolve().relative_to(PWA.resolve()).as_posix()
                assert target in names, (name, target)


def _file(path: str):
    name = re.sub(r"^/v/[0-9a-f]+/", "", path).lstrip("/") or "index.html"
    return PWA / name
