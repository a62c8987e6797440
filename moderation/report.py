"""How well the engine does on labelled sets.

    python -m moderation.report                     # per family, both held-out splits (the honest figures)
    python -m moderation.report --split heldout_long   # only the long-post held-out split
    python -m moderation.report --split dev         # per family, development split
    python -m moderation.report --split heldout --errors   # and every miss and false alarm
    python -m moderation.report tests/moderation/labelled.jsonl [--errors]   # per category

Per family (moderation/data/*.jsonl, lines ``{"text", "label", "family", "split", ...}``):
for risky labels the share raised to ``high`` or above and to ``medium`` or above, and
the share that gets the support block; for ordinary lines the false alarms at ``high``+
and at ``medium``+. Per category (any ``{"text", "categories", "level"}`` file): recall
and precision; a message with no categories is "ordinary".
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .engine import assess
from .rules import LEVELS, Rules

ORDINARY = "(ordinary)"
DATA = Path(__file__).with_name("data")
SPLITS = {"dev": DATA / "dev.jsonl", "heldout": DATA / "heldout.jsonl",
          "heldout_long": DATA / "heldout_long.jsonl"}
HELD_OUT = ("heldout", "heldout_long")  # what the report shows when no split is named
RISKY = ("risk_to_life", "self_harm", "danger_from_others")
# The groups the goals are stated for: explicit first-person risk to life, all risk to life,
# self-harm, danger from others, and ordinary posts (every line labelled ordinary).
EXPLICIT_FAMILIES = ("explicit", "plan", "farewell", "post_risk_explicit", "post_risk_plan", "post_risk_farewell",
                     "longpost_explicit", "longpost_plan", "longpost_farewell")


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


def _rates(rows: list[tuple[dict, object]]) -> dict:
    n = len(rows)
    high = sum(LEVELS.index(v.level) >= 3 for _, v in rows)
    medium = sum(LEVELS.index(v.level) >= 2 for _, v in rows)
    support = sum(v.needs_support for _, v in rows)
    return {"n": n, "high": high / n if n else 0.0, "medium": medium / n if n else 0.0,
            "support": support / n if n else 0.0}


def by_family(items: list[dict], rules: Rules | None = None) -> dict:
    """{"families": {family: rates}, "groups": {group: rates}, "rows": [(item, verdict)]}.

    rates: n, and the shares raised to high+ ("high"), to medium+ ("medium") and shown
    support ("support"). For a risky family these are recalls; for an ordinary family,
    false alarms."""
    rules = rules or Rules.default()
    rows = [(it, assess(it["text"], None, rules)) for it in items]
    fams: dict[str, list] = {}
    for it, v in rows:
        fams.setdefault(f"{it['label']}/{it['family']}", []).append((it, v))
    groups = {
        "risk_to_life (explicit, first person)": [r for r in rows if r[0]["label"] == "risk_to_life"
                                                  and r[0]["family"] in EXPLICIT_FAMILIES],
        "risk_to_life (all)": [r for r in rows if r[0]["label"] == "risk_to_life"],
        "self_harm (all)": [r for r in rows if r[0]["label"] == "self_harm"],
        "danger_from_others (all)": [r for r in rows if r[0]["label"] == "danger_from_others"],
        "ordinary (all): false alarms": [r for r in rows if r[0]["label"] == "ordinary"],
    }
    return {"families": {k: _rates(v) for k, v in sorted(fams.items())},
            "groups": {k: _rates(v) for k, v in groups.items()}, "rows": rows}


def format_families(result: dict) -> str:
    head = f"{'':<44}{'n':>6}{'high+':>8}{'medium+':>9}{'support':>9}"
    lines = [head]
    for name, r in result["groups"].items():
        lines.append(f"{name:<44}{r['n']:>6}{r['high']:>8.3f}{r['medium']:>9.3f}{r['support']:>9.3f}")
    lines.append("")
    lines.append(head.replace(" " * 44, f"{'label/family':<44}", 1))
    for name, r in result["families"].items():
        lines.append(f"{name:<44}{r['n']:>6}{r['high']:>8.3f}{r['medium']:>9.3f}{r['support']:>9.3f}")
    lines.append("(risky labels: share recalled; ordinary: share of false alarms)")
    return "\n".join(lines)


def family_errors(result: dict) -> list[str]:
    out = []
    for it, v in result["rows"]:
        risky = it["label"] in RISKY
        if (risky and LEVELS.index(v.level) < 3) or (not risky and it["label"] == "ordinary" and v.level != "none"):
            rules = ",".join(s.rule for s in v.spans) or "-"
            out.append(f"- [{it['label']}/{it['family']}] got {v.level} {rules}: {it['text']}")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    split_at = argv.index("--split") + 1 if "--split" in argv else None
    files = [a for i, a in enumerate(argv) if not a.startswith("--") and i != split_at]
    if files:
        result = evaluate(load(files[0]))
        print(format_table(result))
        if "--errors" in argv:
            for e in result["errors"]:
                print(f"- want {e['want']} got {e['got']} {e['spans']}: {e['text']}")
        return 0
    splits = [argv[split_at]] if split_at is not None and split_at < len(argv) else list(HELD_OUT)
    if any(s not in SPLITS for s in splits):
        print(f"--split must be one of {sorted(SPLITS)}")
        return 2
    for i, split in enumerate(splits):
        result = by_family(load(SPLITS[split]))
        print(("\n" if i else "") + f"split: {split} ({SPLITS[split].name})")
        print(format_families(result))
        if "--errors" in argv:
            print("\n".join(family_errors(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
