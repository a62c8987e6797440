"""Same verdicts before and after a speed change: snapshot every labelled line's verdict, compare.

    # on the code before the change (any checkout: --root points at it)
    .venv/bin/python bench/moderation_verdicts.py save /tmp/verdicts_before.pickle --root /path/to/old/checkout
    # on the changed code
    .venv/bin/python bench/moderation_verdicts.py compare /tmp/verdicts_before.pickle
    # or two snapshots already saved (e.g. made at the same time)
    .venv/bin/python bench/moderation_verdicts.py diff /tmp/verdicts_before.pickle /tmp/verdicts_after.pickle

The lines: every message of moderation/data/*.txt and every "text" of moderation/data/*.jsonl
and tests/moderation/labelled.jsonl, each as typed, stretched to 600 characters (the
longest a chat message is assessed inline) and joined with another line (risk in the
middle of a longer post), plus the bench's posts. Each is assessed in every context of the
rule files (post, chat, journal, and no context), and the learned layer's own scores
(``Model.score`` with and without reasons: the training script picks thresholds from them)
are kept too. ``compare`` says how many differ and shows the first few; exit status 1 if any.

Both run with PYTHONHASHSEED=0 (the script restarts itself so): the engine drops negated
findings while going through a set, so the order of its "not counted" reasons follows
string hashing, which differs from one process to the next otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def labelled_lines(root: Path) -> list[str]:
    """Every labelled message of the data files, once each, in a fixed order."""
    seen: dict[str, None] = {}
    for path in sorted((root / "moderation" / "data").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                seen.setdefault(line)
    for path in [*sorted((root / "moderation" / "data").glob("*.jsonl")), root / "tests/moderation/labelled.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(json.loads(line)["text"])
    return list(seen)


def messages(root: Path) -> list[str]:
    """The labelled lines, their 600-character stretches and joins, and the bench's posts."""
    sys.path.insert(0, str(root / "bench"))
    from moderation_bench import POSTS  # the old checkout's bench
    lines = labelled_lines(root)
    n = len(lines)
    stretched = [(p * (600 // len(p) + 1))[:600] for p in lines if p]
    joined = [(lines[(i * 7919) % n] + " " + p + " " + lines[(i * 104729 + 1) % n])[:600] for i, p in enumerate(lines)]
    return [*lines, *stretched, *joined, *POSTS, *[(p * (600 // len(p) + 1))[:600] for p in POSTS]]


def snapshot(root: Path) -> dict:
    sys.path.insert(0, str(root))
    from moderation import Rules, assess
    from moderation.model import default_model
    rules = Rules.default().warm_up()
    model = default_model()
    contexts = [None, *({"kind": k} for k in rules.contexts)]
    out: dict = {"contexts": [c and c["kind"] for c in contexts], "verdicts": {}, "scores": {}}
    msgs = messages(root)
    t0 = time.process_time()
    for text in msgs:
        for ctx in contexts:
            v = assess(text, ctx, rules=rules)
            out["verdicts"][(text, ctx and ctx["kind"])] = (
                v.level, v.categories, tuple((s.start, s.end, s.category, s.rule, s.text) for s in v.spans),
                v.action, v.needs_support, v.needs_alert, v.reasons)
        words = rules.normaliser.words(rules.normaliser.plain(text)[0])
        out["scores"][text] = tuple(
            tuple((s.category, s.probability, s.start, s.end, s.reasons) for s in model.score(words, want))
            for want in (True, False))
    out["cpu_seconds"] = time.process_time() - t0
    out["messages"] = len(msgs)
    return out


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})  # noqa: S606 - this script, again
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["save", "compare", "diff"])
    ap.add_argument("file")
    ap.add_argument("other", nargs="?", help="diff: the second snapshot")
    ap.add_argument("--root", default=str(HERE), help="the checkout whose moderation/ is used (default: this one)")
    args = ap.parse_args()
    if args.what == "diff":
        snap = pickle.loads(Path(args.other).read_bytes())  # noqa: S301 - our own file
    else:
        snap = snapshot(Path(args.root).resolve())
    print(f"{snap['messages']} messages x {len(snap['contexts'])} contexts {snap['contexts']}: "
          f"{snap['cpu_seconds']:.1f} s of CPU")
    if args.what == "save":
        Path(args.file).write_bytes(pickle.dumps(snap))
        return
    old = pickle.loads(Path(args.file).read_bytes())  # noqa: S301 - our own file
    bad = 0
    for part in ("verdicts", "scores"):
        if old[part].keys() != snap[part].keys():
            print(f"{part}: not the same messages ({len(old[part])} before, {len(snap[part])} now)")
            bad += 1
            continue
        diff = [k for k, v in old[part].items() if snap[part][k] != v]
        print(f"{part}: {len(old[part]) - len(diff)} of {len(old[part])} identical")
        for k in diff[:5]:
            print(f"  {k!r}\n    before {old[part][k]!r}\n    now    {snap[part][k]!r}")
        bad += len(diff)
    print(f"CPU: {old['cpu_seconds']:.1f} s before, {snap['cpu_seconds']:.1f} s now")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
