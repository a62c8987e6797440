"""Recall and precision of the engine on a labelled set.

    python -m moderation.report tests/moderation/labelled.jsonl [--errors]

Each line of the file is ``{"text": ..., "categories": [...], "level": ...}``. A message
with no categories is "ordinary": the engine should find nothing in it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .engine import assess
from .rules import LEVELS, Rules

ORDINARY = "(ordinary)"


def load(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(items: list[dict], rules: Rules | None = None, context: dict | None = None) -> dict:
    """Per category: true/false positives, false negatives, recall and precision.

    The ordinary class counts a message as predicted ordinary when no category is found.
    Also counts messages whose level the engine put lower than the label ("under")."""
    rules = rules or Rules.default()
    cats = [c for c in rules.categories
            if any(c in it["categories"] for it in items) or c == "risk_to_life"]
    counts = {c: {"tp": 0, "fp": 0, "fn": 0} for c in [*cats, ORDINARY]}
    errors, exact, under = [], 0, 0
    for it in items:
        v = assess(it["text"], context, rules)
        truth, found = set(it["categories"]), set(v.categories)
        for c in cats:
            key = ("tp" if c in found else "fn") if c in truth else ("fp" if c in found else None)
            if key:
                counts[c][key] += 1
        t_ord, f_ord = not truth, not found
        key = ("tp" if f_ord else "fn") if t_ord else ("fp" if f_ord else None)
        if key:
            counts[ORDINARY][key] += 1
        want = it.get("level", "none")
        exact += v.level == want
        under += LEVELS.index(v.level) < LEVELS.index(want)
        if truth != found:
            errors.append({"text": it["text"], "want": sorted(truth), "got": list(v.categories),
                           "spans": [s.rule for s in v.spans]})
    for n in counts.values():
        n["support"] = n["tp"] + n["fn"]
        n["recall"] = n["tp"] / n["support"] if n["support"] else 1.0
        found = n["tp"] + n["fp"]
        n["precision"] = n["tp"] / found if found else 1.0
    return {"n": len(items), "categories": counts, "level_exact": exact, "level_under": under,
            "errors": errors}


def format_table(result: dict) -> str:
    lines = [f"{'category':<18}{'support':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'recall':>9}{'precision':>11}"]
    for c, n in result["categories"].items():
        lines.append(f"{c:<18}{n['support']:>8}{n['tp']:>6}{n['fp']:>6}{n['fn']:>6}"
                     f"{n['recall']:>9.3f}{n['precision']:>11.3f}")
    lines.append(f"messages: {result['n']}; level exactly right: {result['level_exact']}; "
                 f"level lower than labelled: {result['level_under']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    result = evaluate(load(argv[0]))
    print(format_table(result))
    if "--errors" in argv:
        for e in result["errors"]:
            print(f"- want {e['want']} got {e['got']} {e['spans']}: {e['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
