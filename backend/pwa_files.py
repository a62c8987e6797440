"""The PWA's files (pwa/), served from memory with their content hash in the address.

At start-up every file is read, compressed once (brotli and gzip; the compressed copies are
kept in ``<data dir>/pwa-compressed/`` so a restart does not compress again) and the whole
folder gets one version: the first 12 hex digits of a SHA-256 over every file's path and
content. Then:

- ``/v/<version>/<file>`` — the file, ``Cache-Control: public, max-age=31536000, immutable``
  (its address changes whenever any file changes). An address with another version is
  redirected (307, not cached) to this version's copy of the same file, so a page still
  running an older version loads a screen instead of an error; a file that does not exist
  is a 404.
- ``/`` and ``/index.html`` — ``index.html`` with its stylesheet, scripts and icon pointing
  at ``/v/<version>/…``, so the ES modules' relative imports stay in the same version.
  ``Cache-Control: no-cache`` (revalidated by its ETag every time).
- ``/sw.js`` — the service worker with the version and its precache list filled in, never
  immutable (``no-cache``), at the root so its scope is the whole app.
- ``/<file>`` — any other file at its plain address, ``no-cache`` (the manifest and its
  icons, which the browser fetches there, and anyone still asking for the old addresses).

The precache list is what a young person's phone needs first (read from the files, never
written by hand): ``index.html``, what it links (stylesheet, icon, manifest, scripts), the
modules ``pwa/precache.json`` names (the screens that must open offline), and every module
those import statically (``import('./x.js')`` loads on demand, so it is not followed). Nothing under
``js/staff/`` is ever precached. Everything else is cached by the service worker the first
time it is used.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import brotli
from litestar import Request, Router, route
from litestar.exceptions import NotFoundException
from litestar.response.base import ASGIResponse

VERSIONED = "/v/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
STAFF_ONLY = "js/staff/"
NOT_SERVED = (".md",)  # notes for the people who work on the PWA, not part of it
NOT_VERSIONED = ("sw.js", "manifest.webmanifest")  # their address must never change
PRECACHE_LIST = "precache.json"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".json": "application/json",
    ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
}
# import x from './a.js' · export { y } from './b.js' · import './c.js' (a dynamic import('./d.js')
# is a module loaded on demand: not followed)
_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*)(['"])(\.{1,2}/[^'"\s]+)\1""")
# href="css/app.css" / src="js/app.js": relative addresses of files in the folder
_LOCAL_REF = re.compile(r"""\b(href|src)="(?![a-z]+:|/|#)([^"]+)\"""")
_SW_VERSION = "const VERSION = 'dev';"
_SW_PRECACHE = "const PRECACHE = [];"


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str
    encoded: dict[str, bytes] = field(default_factory=dict)  # "br" / "gzip" -> body, when smaller


@dataclass
class PwaFiles:
    version: str
    assets: dict[str, Asset]  # "js/app.js" -> Asset (plain addresses)
    index: Asset
    service_worker: Asset
    precache: list[str]  # addresses, as the service worker fetches them

    @classmethod
    def load(cls, root: Path, cache_dir: Path | None = None) -> PwaFiles:
        root = root.resolve()
        raw = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
               if p.is_file() and not p.name.startswith(".") and p.suffix not in NOT_SERVED}
        for required in ("index.html", "sw.js", PRECACHE_LIST):
            if required not in raw:
                raise ValueError(f"the PWA folder {root} has no {required}")
        digest = hashlib.sha256()
        for name, body in raw.items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
        version = digest.hexdigest()[:12]

        def asset(name: str, body: bytes) -> Asset:
            return make_asset(body, media_type_of(name), cache_dir)

        index_html, linked = versioned_index(raw["index.html"].decode(), version, raw)
        index_html = preload_modules(index_html, linked, version, raw)
        precache = precache_list(raw, linked, version)
        sw = raw["sw.js"].decode()
        if _SW_VERSION not in sw or _SW_PRECACHE not in sw:
            raise ValueError(f"sw.js must hold the lines {_SW_VERSION!r} and {_SW_PRECACHE!r} for the server to fill in")
        sw = sw.replace(_SW_VERSION, f"const VERSION = '{version}';", 1).replace(
            _SW_PRECACHE, f"const PRECACHE = {json.dumps(precache, indent=0)};", 1)
        assets = {name: asset(name, body) for name, body in raw.items() if name not in ("sw.js", "index.html")}
        return cls(version=version, assets=assets, index=asset("index.html", index_html.encode()),
                   service_worker=asset("sw.js", sw.encode()), precache=precache)

    def versioned(self, name: str) -> str:
        return f"{VERSIONED}{self.version}/{name}"


def media_type_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def make_asset(body: bytes, media_type: str, cache_dir: Path | None) -> Asset:
    sha = hashlib.sha256(body).hexdigest()
    encoded: dict[str, bytes] = {}
    for encoding in ("br", "gzip"):
        packed = _compressed(body, encoding, sha, cache_dir)
        if len(packed) < len(body):
            encoded[encoding] = packed
    # Weak: one validator for the plain, brotli and gzip forms of the same file.
    return Asset(body=body, media_type=media_type, etag=f'W/"{sha[:20]}"', encoded=encoded)


def _compressed(body: bytes, encoding: str, sha: str, cache_dir: Path | None) -> bytes:
    kept = cache_dir / f"{sha}.{encoding}" if cache_dir else None
    if kept is not None and kept.exists():
        return kept.read_bytes()
    # The smallest the formats can do: compressed once, read by every phone.
    packed = brotli.compress(body, quality=11) if encoding == "br" else gzip.compress(body, 9, mtime=0)
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = kept.with_suffix(f".{secrets.token_hex(4)}")
            tmp.write_bytes(packed)
            tmp.replace(kept)  # atomic: another worker may be writing the same file
        except OSError:
            pass  # a read-only data directory: compressed again at the next start, that is all
    return packed


def versioned_index(html: str, version: str, files: dict[str, bytes]) -> tuple[str, list[str]]:
    """index.html with its links to files of the folder pointing at this version's
    addresses (the manifest keeps its own), and the files it links."""
    linked: list[str] = []

    def swap(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in files:
            return match.group(0)
        linked.append(name)
        if name in NOT_VERSIONED:
            return f'{match.group(1)}="/{name}"'
        return f'{match.group(1)}="{VERSIONED}{version}/{name}"'

    return _LOCAL_REF.sub(swap, html), linked


def imports_of(name: str, source: str) -> list[str]:
    """The folder's files a module imports statically."""
    here = PurePosixPath(name).parent
    found = []
    for match in _IMPORT.finditer(source):
        parts: list[str] = []
        for part in (here / match.group(2)).parts:
            if part == "..":
                if not parts:
                    raise ValueError(f"{name} imports {match.group(2)}, outside the PWA folder")
                parts.pop()
            elif part != ".":
                parts.append(part)
        found.append("/".join(parts))
    return found


def with_imports(files: dict[str, bytes], start: list[str]) -> list[str]:
    """``start`` and every module they import statically, in order, each once; never a
    staff-only file. A name that is not a file of the folder stops start-up."""
    order: list[str] = []
    todo = list(start)
    while todo:
        name = todo.pop(0)
        if name in order or name.startswith(STAFF_ONLY):
            continue
        if name not in files:
            raise ValueError(f"the PWA has no {name} (named in {PRECACHE_LIST} or imported by a module in it)")
        order.append(name)
        if name.endswith(".js"):
            todo.extend(imports_of(name, files[name].decode()))
    return order


def precache_list(files: dict[str, bytes], linked: list[str], version: str) -> list[str]:
    """The addresses the service worker saves at install: the page, what it links, and the
    first screens (precache.json) with every module they import; never js/staff/."""
    wanted = json.loads(files[PRECACHE_LIST])
    modules = wanted.get("modules") if isinstance(wanted, dict) else None
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise ValueError(f'{PRECACHE_LIST} must be {{"modules": ["js/…", …]}}')
    return ["/"] + [f"/{name}" if name in NOT_VERSIONED else f"{VERSIONED}{version}/{name}"
                    for name in with_imports(files, linked + modules)]


def preload_modules(html: str, linked: list[str], version: str, files: dict[str, bytes]) -> str:
    """``<link rel="modulepreload">`` for every module the page's scripts import: the phone asks for them all at once instead of one import level per round
    trip (on a slow connection each level costs a round trip)."""
    scripts = [name for name in linked if name.endswith(".js")]
    imported = [name for name in with_imports(files, scripts) if name not in scripts]
    links = "".join(f'  <link rel="modulepreload" href="{VERSIONED}{version}/{name}">\n' for name in imported)
    return html.replace("</head>", links + "</head>", 1)


# --- serving --------------------------------------------------------------------------


def _accepts(request: Request, encoding: str) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        token, _, params = part.strip().partition(";")
        if token.strip() == encoding:
            q = params.strip()
            return not (q.startswith("q=") and _zero(q[2:]))
    return False


def _zero(value: str) -> bool:
    try:
        return float(value) == 0
    except ValueError:
        return False


def answer(request: Request, asset: Asset, cache_control: str) -> ASGIResponse:
    headers = {"Cache-Control": cache_control, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if asset.etag in request.headers.get("if-none-match", ""):
        return ASGIResponse(status_code=304, headers=headers)
    body = asset.body
    for encoding in ("br", "gzip"):
        if encoding in asset.encoded and _accepts(request, encoding):
            body = asset.encoded[encoding]
            headers["Content-Encoding"] = encoding
            break
    headers |= {"Content-Type": asset.media_type, "Content-Length": str(len(body))}
    head = request.method == "HEAD"
    return ASGIResponse(body=b"" if head else body, headers=headers, is_head_response=head)


def pwa_router(files: PwaFiles) -> Router:
    """The routes that serve the PWA (see the module's docstring)."""

    @route("/", http_method=["GET", "HEAD"], name="pwa-index", include_in_schema=False)
    async def index(request: Request) -> ASGIResponse:
        return answer(request, files.index, REVALIDATE)

    @route("/{file_path:path}", http_method=["GET", "HEAD"], name="pwa", include_in_schema=False)
    async def serve(request: Request, file_path: str) -> ASGIResponse:
        name = file_path.lstrip("/")
        if name in ("", "index.html"):
            return answer(request, files.index, REVALIDATE)
        if name == "sw.js":
            return answer(request, files.service_worker, REVALIDATE)
        if name.startswith(VERSIONED[1:]):
            version, _, name = name[len(VERSIONED) - 1:].partition("/")
            if name in NOT_VERSIONED or name not in files.assets:
                raise NotFoundException()
            if version != files.version:  # an older (or newer) page: this version's copy
                return ASGIResponse(status_code=307, media_type="text/plain",
                                    headers={"Location": files.versioned(name), "Cache-Control": "no-store"})
            return answer(request, files.assets[name], IMMUTABLE)
        if name not in files.assets:
            raise NotFoundException()
        return answer(request, files.assets[name], REVALIDATE)

    return Router(path="/", route_handlers=[index, serve], opt={"skip_rate_limiting": True, "precompressed": True})
