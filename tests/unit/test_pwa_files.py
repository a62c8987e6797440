"""The rules of backend/pwa_files.py on a small made-up PWA folder: the version follows the
content, the page points at versioned addresses, the precache follows static imports and
never takes a staff-only file, and a broken folder stops start-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.pwa_files import PwaFiles, imports_of

SW = "const VERSION = 'dev';\nconst PRECACHE = [];\n"
INDEX = ('<html><head><link rel="manifest" href="manifest.webmanifest"><link rel="stylesheet" href="css/app.css">'
         '<script type="module" src="js/app.js"></script></head><body><a href="#/home">Home</a></body></html>')


def folder(tmp_path: Path, **overrides: str) -> Path:
    files = {
        "index.html": INDEX, "sw.js": SW, "manifest.webmanifest": "{}", "css/app.css": "body{}",
        "README.md": "notes", "precache.json": json.dumps({"modules": ["js/screens/home.js"]}),
        "js/app.js": "import { h } from './ui.js';\nconst go = () => import('./screens/forums.js');\n",
        "js/ui.js": "export const h = 1;\n",
        "js/screens/home.js": "import { h } from '../ui.js';\nimport '../staff/tools.js';\n",
        "js/screens/forums.js": "export {};\n",
        "js/staff/tools.js": "export {};\n",
    }
    files.update(overrides)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_page_points_at_this_versions_files(tmp_path: Path) -> None:
    files = PwaFiles.load(folder(tmp_path))
    page = files.index.body.decode()
    assert f'href="/v/{files.version}/css/app.css"' in page and f'src="/v/{files.version}/js/app.js"' in page
    assert 'href="/manifest.webmanifest"' in page and 'href="#/home"' in page
    assert f'<link rel="modulepreload" href="/v/{files.version}/js/ui.js">' in page
    assert "README.md" not in files.assets and "js/ui.js" in files.assets


def test_the_precache_follows_static_imports_and_never_takes_staff_files(tmp_path: Path) -> None:
    files = PwaFiles.load(folder(tmp_path))
    v = f"/v/{files.version}"
    assert files.precache == ["/", "/manifest.webmanifest", f"{v}/css/app.css", f"{v}/js/app.js",
                              f"{v}/js/screens/home.js", f"{v}/js/ui.js"]  # forums: a dynamic import
    sw = files.service_worker.body.decode()
    assert f"const VERSION = '{files.version}';" in sw and f'"{v}/js/ui.js"' in sw


def test_the_version_changes_with_any_file_and_only_then(tmp_path: Path) -> None:
    first = PwaFiles.load(folder(tmp_path / "a")).version
    assert PwaFiles.load(folder(tmp_path / "b")).version == first
    assert PwaFiles.load(folder(tmp_path / "c", **{"js/ui.js": "export const h = 2;\n"})).version != first


def test_compressed_copies_are_kept_and_reused(tmp_path: Path) -> None:
    cache = tmp_path / "compressed"
    big = {"js/ui.js": "export const h = 1;\n" * 100}
    files = PwaFiles.load(folder(tmp_path / "pwa", **big), cache)
    assert files.assets["js/ui.js"].encoded["br"] and len(list(cache.iterdir())) >= 2
    kept = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    again = PwaFiles.load(folder(tmp_path / "pwa", **big), cache)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == kept  # read, not written again
    assert again.assets["js/ui.js"].encoded == files.assets["js/ui.js"].encoded
    assert "br" not in files.assets["manifest.webmanifest"].encoded  # "{}" does not get smaller


def test_a_read_only_cache_folder_does_not_stop_start_up(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would be")
    files = PwaFiles.load(folder(tmp_path / "pwa", **{"js/ui.js": "export const h = 1;\n" * 100}), blocked / "x")
    assert files.assets["js/ui.js"].encoded["br"]


@pytest.mark.parametrize(("overrides", "complaint"), [
    ({"sw.js": "const VERSION = '1';"}, "sw.js must hold"),
    ({"precache.json": json.dumps({"modules": ["js/screens/gone.js"]})}, "no js/screens/gone.js"),
    ({"precache.json": "[]"}, "must be"),
    ({"js/ui.js": "import x from '../../../etc/passwd';"}, "outside the PWA folder"),
])
def test_a_broken_folder_stops_start_up(tmp_path: Path, overrides: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        PwaFiles.load(folder(tmp_path, **overrides))


def test_imports_of_resolves_relative_addresses() -> None:
    source = "import { a } from './a.js';\nexport { b } from \"../b.js\";\nimport './c.js';\nimport('./d.js');\n"
    assert imports_of("js/screens/x.js", source) == ["js/screens/a.js", "js/b.js", "js/screens/c.js"]
