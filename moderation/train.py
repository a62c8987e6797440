"""Train the learned layer (moderation/model.json) from the development split.

    python -m moderation.train            # make train-moderation; about a minute on one core

Pure Python, seeded: the same data gives the same file. Only the DEV split
(moderation/data/dev.jsonl) is read; the held-out split is never touched here.

* Instances: a risky line is one instance (its whole text, long composed posts too, so
  everyday clauses weigh about nothing); an ordinary (or other) line gives one negative
  instance per window of WINDOW tokens, so every stretch of an everyday post is ordinary.
* Three one-against-the-rest logistic regressions (risk_to_life, self_harm,
  danger_from_others) fitted by stochastic gradient descent with L2 shrinkage, each text
  counted by its best stretch as Model.score counts it (see fit()).
* Thresholds: the dev split is cut into FOLDS parts; each part is scored by a model
  trained on the others, and for each category the threshold that costs least
  (a missed risky line costs MISS_COST false alarms, and false alarms on ordinary dev
  lines may not pass MAX_FALSE_ALARMS) becomes ``thresholds[c]["raise"]``.
* Weights smaller than PRUNE are dropped (a smaller file and a faster phone check).
"""
from __future__ import annotations

import hashlib
import json
import math
import random
import sys
import zlib
from pathlib import Path

from .engine import assess
from .model import MODEL_PATH, NGRAM_LEN, Model, best_stretch, token_features, tokens, windows
from .rules import Rules

DATA = Path(__file__).with_name("data")
DEV = DATA / "dev.jsonl"
CATEGORIES = ("risk_to_life", "self_harm", "danger_from_others")
HIGH_LEVELS = ("high", "urgent")
SEED = 7
EPOCHS = 12
RATE = 0.5
L2 = float(__import__("os").environ.get("WAYMARK_L2", "1e-3"))
PRUNE = 0.04
CHAR_RATE = float(__import__("os").environ.get("WAYMARK_CHAR_RATE", "0.15"))   # character pieces learn more slowly: a word has many, and they should only tip the balance
FOLDS = 3
MISS_COST = 3.0
MAX_FALSE_ALARMS = 0.03
MIN_RAISE = 0.15   # no threshold lower than this: at 0.05 a stray "he ... me" tips an ordinary post over
# Long posts (LONG_TOKENS words or more): their best stretch is picked from many, so an ordinary
# long post reaches a given probability more easily. Their own threshold ("raise_long", never
# under "raise") is picked the same way on the dev split's hand-written long posts alone (and
# their noisy copies; not the composed long_* posts, which are short lines glued together).
LONG_TOKENS = 40

# Words worth recognising when misspelt: each gets its one-edit variants (a letter left
# out, two letters swapped, c/s and i/y mixed) unless the variant is a word in its own right.
KEY_WORDS = """suicide suicidal myself yourself herself himself themselves anymore alive living overdose
unalive killing kill cutting harming attempt attempted goodbye burden hopeless worthless scared abuse
abused abusive touched threatened threatening hurting beaten strangled bruises depressed relapsed relapse
scars blade pills tablets future existing exist forever everyone nobody tonight tomorrow pointless
disappear planned decided funeral wrists bleeding anyone someone exhausted tired living deserve""".split()
EXTRA = {"sewerslide": "suicide", "sui": "suicide", "kys": "kys", "kms": "killmyself", "unalived": "unalive",
         "od": "overdose", "oding": "overdose", "sh": "selfharm", "selfharm": "selfharm", "shd": "selfharmed",
         "mself": "myself", "meself": "myself", "tonite": "tonight", "2nite": "tonight", "tmrw": "tomorrow",
         "tomoz": "tomorrow", "2moro": "tomorrow", "tommorow": "tomorrow", "anymor": "anymore",
         "nemore": "anymore", "wanna": "wanna", "wana": "wanna", "gona": "gonna", "gunna": "gonna",
         "im": "im", "ima": "imma", "u": "you", "ya": "you", "yu": "you", "ppl": "people", "every1": "everyone",
         "any1": "anyone", "pls": "please", "plz": "please", "cuz": "because", "cos": "because", "coz": "because",
         "bc": "because", "rly": "really", "dnt": "dont", "wnt": "want", "wamt": "want", "kil": "kill",
         "kll": "kill", "kilk": "kill", "suicidial": "suicidal", "suisidal": "suicidal"}


def edits(word: str) -> set[str]:
    out = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1:])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
        for a, b in (("c", "s"), ("s", "c"), ("i", "y"), ("y", "i"), ("e", "a")):
            if word[i] == a:
                out.add(word[:i] + b + word[i + 1:])
    return out


def build_canon(known_words: set[str]) -> dict[str, str]:
    canon: dict[str, str] = {}
    for w in KEY_WORDS:
        if len(w) < 5:
            continue
        for v in edits(w):
            if len(v) >= 4 and v not in known_words and v not in KEY_WORDS:
                canon.setdefault(v, w)
    canon.update({k: v for k, v in EXTRA.items() if k != v})
    return dict(sorted(canon.items()))


def load(path: Path = DEV) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Featuriser:
    def __init__(self, rules: Rules, canon: dict[str, str]):
        self.norm, self.canon = rules.normaliser, canon

    def token_feats(self, text: str) -> list[list[str]]:
        plain, _ = self.norm.plain(text)
        toks = tokens(self.norm.words(plain), self.canon)
        return [token_features(toks, i) for i in range(len(toks))]


def labels_of(it: dict) -> list[int]:
    cats = set(it.get("categories") or ()) | {it["label"]}
    return [int(c in cats) for c in CATEGORIES]


def encode(items: list[dict], feats: list[list[list[str]]], index: dict[str, int], grow: bool) -> list[tuple]:
    """Per item: (labels, per token [(feature index, n-gram length)]). Character pieces
    get indices from CHAR_BASE on, so fit() can tell them apart."""
    out = []
    for it, tf in zip(items, feats, strict=True):
        toks = []
        for fs in tf:
            row = []
            for f in fs:
                j = index.get(f)
                if j is None and grow:
                    j = index[f] = len(index)
                    if f[0] == "c":
                        char_features.add(j)
                if j is not None:
                    row.append((j, NGRAM_LEN[f[0]]))
            toks.append(row)
        out.append((labels_of(it), toks))
    return out


def touching(toks: list, a: int, b: int) -> list[int]:
    """Feature indices that touch tokens a..b (as Model.score counts them)."""
    n = len(toks)
    out = set()
    for i in range(a, min(n, b + 3)):
        for f, ln in toks[i]:
            if i - ln + 1 <= b and i >= a:
                out.add(f)
    return list(out)


def liked_stretch(Wj: list[float], toks: list) -> tuple[int, int]:
    """The stretch of the text the current weights like best (as Model.score finds it)."""
    n = len(toks)
    parts = ([0.0] * n, [0.0] * n, [0.0] * n)
    for i, row in enumerate(toks):
        for f, ln in row:
            parts[ln - 1][i] += Wj[f]
    return best_stretch(*parts)[1]


char_features: set[int] = set()


def fit(data: list[tuple], n_features: int, seed: int) -> tuple[list[list[float]], list[float]]:
    """Logistic regressions where a text counts by its best stretch (multiple-instance
    learning): after a first pass over whole texts and windows, each text is trained on
    the stretch the current weights like best (for an ordinary text, its most alarming
    stretch must come out ordinary)."""
    rng = random.Random(seed)
    k = len(CATEGORIES)
    W = [[0.0] * n_features for _ in range(k)]
    bias = [0.0] * k
    order = list(range(len(data)))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        lr = RATE / math.sqrt(1 + epoch)
        shrink = 1 - lr * L2 * 10
        for n in order:
            y, toks = data[n]
            if not toks:
                continue
            for j in range(k):
                Wj = W[j]
                if epoch == 0:
                    spans = [(0, len(toks) - 1)] if y[j] else [(a, b - 1) for a, b in windows(len(toks))]
                else:
                    spans = [liked_stretch(Wj, toks)]
                for a, b in spans:
                    idx = touching(toks, a, b)
                    s = bias[j] + sum(map(Wj.__getitem__, idx))
                    p = 1 / (1 + math.exp(-s)) if s > -30 else 0.0
                    err = y[j] - p
                    if -0.01 < err < 0.01:
                        continue
                    step = lr * err
                    small = step * CHAR_RATE
                    bias[j] += step
                    for i in idx:
                        Wj[i] = Wj[i] * shrink + (small if i in char_features else step)
    return W, bias


def to_model(W, bias, index: dict[str, int], canon: dict[str, str], thresholds: dict | None = None) -> dict:
    weights = {}
    for f, i in sorted(index.items()):
        v = [round(W[j][i], 4) for j in range(len(CATEGORIES))]
        if max(abs(x) for x in v) >= PRUNE:
            weights[f] = v
    return {"version": 1, "categories": list(CATEGORIES), "bias": [round(b, 4) for b in bias],
            "weights": weights, "canon": canon, "thresholds": thresholds or {}}


def pick_thresholds(items: list[dict], probs: list[list[float]], caught: list[list[bool]] | None = None,
                    lengths: list[int] | None = None) -> dict:
    """``pick_raise`` on the texts under LONG_TOKENS words (``lengths[n]``; every text when no
    lengths are given), and on the hand-written long ones a "raise_long" of at least "raise"."""
    caught = caught or [[False] * len(CATEGORIES) for _ in items]
    if lengths:   # "raise" is for the texts under LONG_TOKENS words, so it is picked on them alone
        short = [n for n, k in enumerate(lengths) if k < LONG_TOKENS]
        out = pick_raise([items[n] for n in short], [probs[n] for n in short], [caught[n] for n in short])
    else:
        out = pick_raise(items, probs, caught)
    if lengths:   # hand-written long posts only: the composed ones (long_*) are everyday clauses glued together
        long = [n for n, k in enumerate(lengths) if k >= LONG_TOKENS and not items[n]["family"].startswith("long_")]
        if any(items[n]["label"] == "ordinary" for n in long):
            picked = pick_raise([items[n] for n in long], [probs[n] for n in long], [caught[n] for n in long],
                                floor={c: out[c]["raise"] for c in CATEGORIES}, prefer_high=True)
            for c in CATEGORIES:
                out[c].update({"long_tokens": LONG_TOKENS, "raise_long": picked[c]["raise"],
                               "dev_recall_long": picked[c]["dev_recall"],
                               "dev_false_alarms_long": picked[c]["dev_false_alarms"]})
    return out


def pick_raise(items: list[dict], probs: list[list[float]], caught: list[list[bool]] | None = None,
               floor: dict[str, float] | None = None, prefer_high: bool = False) -> dict:
    """Per category, the threshold with the least cost for the engine as a whole (MISS_COST per
    risky line that neither the rules nor the model raise, 1 per ordinary line the model
    alone raises) among those whose false alarms added by the model on ordinary dev lines
    (averaged over their families) stay at or under MAX_FALSE_ALARMS. ``caught[n][j]``: the
    rules alone raise line n to category j at high or above (None: the model alone).
    Of thresholds that cost the same, the lowest is taken, or with ``prefer_high`` the highest
    (long posts: the rules already catch most of their risk, and an ordinary long post has many
    stretches to raise a false alarm from, so a tie goes to fewer alarms)."""
    caught = caught or [[False] * len(CATEGORIES) for _ in items]
    out: dict = {}
    families: dict[str, list[tuple[list[float], list[bool]]]] = {}
    for it, p, c in zip(items, probs, caught, strict=True):
        if it["label"] == "ordinary":
            families.setdefault(it["family"], []).append((p, c))
    for j, cat in enumerate(CATEGORIES):
        pos = [(p[j], c[j]) for it, p, c in zip(items, probs, caught, strict=True) if labels_of(it)[j]]
        best = None
        lowest = max(MIN_RAISE, (floor or {}).get(cat, 0.0))
        for t in [x / 100 for x in range(round(lowest * 100), 99)]:
            miss = sum(not c and p < t for p, c in pos) / len(pos) if pos else 0.0
            # false alarms: the mean over ordinary families, so the many easy generated
            # lines cannot hide the hard hand-written ones
            fa = sum(sum(not c[j] and p[j] >= t for p, c in fam) / len(fam) for fam in families.values()) / len(families)
            cost = MISS_COST * miss + fa + (100 if fa > MAX_FALSE_ALARMS else 0)
            if best is None or cost < best[0] - 1e-9 or (prefer_high and cost <= best[0] + 1e-9):
                best = (cost, t, miss, fa)
        _, t, miss, fa = best
        out[cat] = {"raise": t, "dev_recall": round(1 - miss, 4), "dev_false_alarms": round(fa, 4)}
    return out


def rules_catch(items: list[dict], rules: Rules) -> list[list[bool]]:
    """Per line and category: do the rules alone (no learned layer) raise it at high or above?"""
    out = []
    for it in items:
        v = assess(it["text"], rules=rules, model=False)
        high = getattr(v.level, "value", str(v.level)) in HIGH_LEVELS
        out.append([high and c in v.categories for c in CATEGORIES])
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rules = Rules.default()
    items = load()
    known = set()
    for it in items:
        if it["label"] == "ordinary":
            known.update(it["text"].lower().split())
    canon = build_canon(known)
    fz = Featuriser(rules, canon)
    feats = [fz.token_feats(it["text"]) for it in items]
    lengths = [len(rules.normaliser.words(rules.normaliser.plain(it["text"])[0]).split()) for it in items]
    # a hand-written line, its noisy copies and the long posts made from it share a fold, so the
    # out-of-fold probabilities (and the thresholds picked from them) are not flattered by copies
    fold_of = [zlib.crc32((it.get("origin") or it["text"].lower()).encode("utf-8")) % FOLDS for it in items]
    probs: list[list[float] | None] = [None] * len(items)
    for f in range(0 if "--quick" in argv else FOLDS):
        tr = [n for n in range(len(items)) if fold_of[n] != f]
        index: dict[str, int] = {}
        data = encode([items[n] for n in tr], [feats[n] for n in tr], index, grow=True)
        W, bias = fit(data, len(index), SEED + f)
        m = Model(to_model(W, bias, index, canon))
        for n in range(len(items)):
            if fold_of[n] == f:
                plain, _ = rules.normaliser.plain(items[n]["text"])
                probs[n] = [s.probability for s in m.score(rules.normaliser.words(plain), False)]
        print(f"fold {f + 1}/{FOLDS} done", file=sys.stderr)
    caught = rules_catch(items, rules) if "--quick" not in argv else None
    if "--cv-only" in argv:
        print(json.dumps(pick_thresholds(items, probs, caught, lengths)))
        return 0
    thresholds = pick_thresholds(items, probs, caught, lengths) if "--quick" not in argv else json.loads(
        MODEL_PATH.read_text(encoding="utf-8"))["thresholds"]
    oof = [a for a in argv if a.startswith("--oof=")]
    if oof and "--quick" not in argv:  # the out-of-fold probabilities, to study the dev split's errors
        with open(oof[0][6:], "w", encoding="utf-8") as fh:
            for it, p in zip(items, probs, strict=True):
                fh.write(json.dumps({"text": it["text"], "label": it["label"], "family": it["family"], "p": p}) + "\n")
    index = {}
    data = encode(items, feats, index, grow=True)
    W, bias = fit(data, len(index), SEED)
    model = to_model(W, bias, index, canon, thresholds)
    model["trained_on"] = {"file": "moderation/data/dev.jsonl", "sha256": hashlib.sha256(DEV.read_bytes()).hexdigest(),
                           "lines": len(items)}
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else MODEL_PATH
    out.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(model['weights'])} features kept of {len(index)}; thresholds {json.dumps(thresholds)}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
