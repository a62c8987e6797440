"""Lighthouse (mobile) on Waymark's first screen, and what a phone downloads on its first visit.

The npm ``lighthouse`` package is installed from the registry at run time into the ignored
folder ``.lighthouse/`` (as tests/e2e/axe.py installs axe-core); Chromium is Debian's
(``CHROME_PATH=/usr/bin/chromium``), never a downloaded one.

What a run does: a fresh database (content imported), Waymark on a free loopback port, then
Lighthouse's default mobile run (a Moto G Power-sized screen, simulated slow 4G and a 4x
slower CPU) on ``/`` (the welcome screen every phone starts on). The baseline is the same
``pwa/`` folder from a plain static file server (``python -m http.server``: no compression,
no cache headers, no API), audited the same way in the same run. Prints the four category
scores side by side with the baseline's, the page's transfer size as Lighthouse saw it, and
the first visit's bytes on the wire (tests/page_weight.py: the page plus the service worker's
precache, the 100 KB budget of issue 15).

    .venv/bin/python bench/lighthouse.py                 # add --json for bench/results/lighthouse.json
    .venv/bin/python bench/lighthouse.py --no-baseline --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import app_database, clean_up, free_port  # noqa: E402
from tests.harness import Server  # noqa: E402
from tests.page_weight import first_visit  # noqa: E402

LIGHTHOUSE_DIR = ROOT / ".lighthouse"
LIGHTHOUSE_VERSION = "12"  # the newest 12.x from the registry
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 95
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index",
           "cumulative-layout-shift")


def lighthouse_bin() -> Path:
    cli = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        npm = shutil.which("npm")
        if not npm:
            sys.exit("npm is needed to install lighthouse")
        LIGHTHOUSE_DIR.mkdir(exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}", flush=True)
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_DIR),
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True, capture_output=True, timeout=600)
    return cli


def audit(url: str, out: Path) -> dict:
    """One Lighthouse mobile run: the category scores (0-100) and the page's transfer size."""
    run = subprocess.run(
        [str(lighthouse_bin()), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed ({run.returncode}): {run.stderr[-2000:]}")
    report = json.loads(out.read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = sorted({a for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
                      if ref["weight"] and (a := ref["id"]) in report["audits"]
                      and report["audits"][a]["score"] is not None and report["audits"][a]["score"] < 0.9})
    weight = report["audits"].get("total-byte-weight", {}).get("numericValue")
    metrics = {m: report["audits"].get(m, {}).get("numericValue") or 0 for m in METRICS}
    return {"scores": scores, "bytes": int(weight or 0), "below_0.9": failing, "metrics": metrics}


def runs_of(url: str, runs: int, tmp: Path, name: str) -> dict:
    results = [audit(url, tmp / f"{name}-{i}.json") for i in range(runs)]
    return {"scores": {c: statistics.median(r["scores"][c] for r in results) for c in CATEGORIES},
            "bytes": statistics.median(r["bytes"] for r in results),
            "metrics": {m: statistics.median(r["metrics"][m] for r in results) for m in METRICS},
            "below_0.9": sorted({a for r in results for a in r["below_0.9"]})}


def static_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                            cwd=ROOT / "pwa", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/", help="the address to audit (default: /, the welcome screen)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per target (the median is printed)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain static server run")
    parser.add_argument("--json", action="store_true", help="write bench/results/lighthouse.json")
    parser.add_argument("--keep", action="store_true", help="keep the server logs and reports")
    args = parser.parse_args()
    lighthouse_bin()

    tmp = Path(tempfile.mkdtemp(prefix="waymark-lighthouse-"))
    db, servers, static, ok = None, [], None, False
    try:
        db, env = app_database(tmp, {"WAYMARK_CHAT_HOURS": "always"})
        server = Server(env=env).start()
        servers.append(server)
        visit = first_visit(server.base_url)
        waymark = runs_of(server.base_url + args.path, args.runs, tmp, "waymark")
        baseline = None
        if not args.no_baseline:
            port = free_port()
            static = static_server(port)
            baseline = runs_of(f"http://127.0.0.1:{port}{args.path}", args.runs, tmp, "static")
        report(waymark, baseline, visit, args)
        ok = True
    finally:
        if static is not None:
            static.terminate()
            static.wait(10)
        clean_up(servers, db, tmp, ok=ok, keep=args.keep)


def report(waymark: dict, baseline: dict | None, visit: list, args: argparse.Namespace) -> None:
    print(f"\nLighthouse mobile on {args.path} (median of {args.runs}; goal {GOAL} or more in each category)")
    print(f"{'category':<16}{'waymark':>9}{'static':>9}{'ratio':>8}")
    for c in CATEGORIES:
        ours = waymark["scores"][c]
        theirs = baseline["scores"][c] if baseline else None
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        flag = "" if ours >= GOAL else "  < goal"
        print(f"{c:<16}{ours:>9}{theirs if theirs is not None else '-':>9}{ratio:>8}{flag}")
    print(f"{'page bytes':<16}{waymark['bytes']:>9}{baseline['bytes'] if baseline else '-':>9}"
          f"{waymark['bytes'] / baseline['bytes'] if baseline and baseline['bytes'] else 0:>8.2f}")
    for m in METRICS:
        ours = waymark["metrics"][m]
        theirs = baseline["metrics"][m] if baseline else None
        unit = "" if m == "cumulative-layout-shift" else " ms"
        print(f"{m:<26}{ours:>10.0f}{unit}" if unit else f"{m:<26}{ours:>10.3f}",
              f"(static {theirs:.0f}{unit})" if theirs is not None and unit else
              (f"(static {theirs:.3f})" if theirs is not None else ""))
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if waymark["below_0.9"]:
        print("audits under 0.9 (Waymark):", ", ".join(waymark["below_0.9"]))
    wire = sum(d.wire for d in visit)
    bodies = sum(d.body for d in visit)
    print(f"first visit (page + service worker + precache): {len(visit)} downloads, {wire} bytes on the wire "
          f"({bodies} of bodies), budget 100000: {'ok' if wire <= 100_000 else 'OVER'}")
    if args.json:
        out = ROOT / "bench" / "results" / "lighthouse.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"waymark": waymark, "baseline": baseline, "first_visit_wire": wire,
                                   "first_visit_bodies": bodies}, indent=2))


if __name__ == "__main__":
    main()
