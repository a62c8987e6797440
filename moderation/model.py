"""The learned layer: a small linear model over word and character n-grams.

Trained by ``python -m moderation.train`` (``make train-moderation``) from the project's
own labelled development split; the result, ``moderation/model.json``, is a committed,
reproducible artefact (the script is seeded; a test checks the file matches the data it
was trained on). Inference is pure Python (a dict lookup per n-gram) and is mirrored in
JavaScript for the phone (pwa/js/risk-check.js) from the same JSON.

How a text is scored, for each category (risk_to_life, self_harm, danger_from_others):

1. Tokens are the runs of ``[a-z0-9']`` in the engine's "words" view (lower case,
   accents, look-alikes and l33t undone). Apostrophes are dropped, runs of three or more
   of one letter become one ("dieee" -> "die"), and known misspellings are mapped to
   their word (``canon``: "sucide" -> "suicide", "kil" -> "kill").
2. A clause boundary lies between two tokens when the words view has a newline between
   them (a newline typed, or punctuation that ends a clause: see normalise.CLAUSE).
3. Each token i carries features that END at it: ``w:`` the word, ``b:`` the two words
   and ``t:`` the three words ending at i (not across a clause boundary), and, for words
   of CHAR_MIN letters or more, ``c:`` the 4-character pieces of ``<word>``. A token's score is the sum of its features'
   weights.
4. The text's score is the bias plus the best sum over a stretch of 1..WINDOW tokens,
   where a stretch counts every feature that touches it (n-grams that start before it or
   end after it included). So a long post where the risk is one clause scores like that
   clause, while the words around it still count: "not suicidal" and "suicide squad"
   weigh where "suicidal" and "suicide" are.
5. probability = 1 / (1 + e^-score); compared with the category's thresholds.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice, repeat
from operator import add, sub
from pathlib import Path

__all__ = ["MODEL_PATH", "Model", "Scored", "tokens", "token_features", "WINDOW", "STRIDE", "CHAR_MIN", "RUN",
           "TOKEN_RE", "default_model", "token_strings"]

MODEL_PATH = Path(__file__).with_name("model.json")
WINDOW = 10
CHAR_MIN = 5   # words this long also get their 4-character pieces (misspellings, new forms)
STRIDE = 3
TOKEN_RE = re.compile(r"[a-z0-9']+")
RUN = r"([a-z])\1\1+"   # three or more of one letter: one is kept
_RUN = re.compile(RUN)


def tokens(words: str, canon: dict[str, str]) -> list[tuple[str, int, int, bool]]:
    """[(token, start, end, starts_a_clause)] with offsets in the words view."""
    out = []
    prev_end = 0
    runs = _RUN.search(words) is not None  # rare: only then is each word looked at for them
    clauses = "\n" in words
    find = words.find
    for m in TOKEN_RE.finditer(words):
        t = m.group()
        if "'" in t:
            t = t.replace("'", "")
            if not t:
                continue
        if runs and len(t) > 2:
            t = _RUN.sub(r"\1", t)
        t = canon.get(t, t)
        start, end = m.span()
        if t == "killmyself" and out and out[-1][0].isdigit() and m.group() == "kms":
            t = "km"  # "5 kms": kilometres
        out.append((t, start, end, not out or (clauses and find("\n", prev_end, start) >= 0)))
        prev_end = end
    return out


def token_strings(words: str, canon: dict[str, str]) -> tuple[list[str], list[int]]:
    """The tokens of ``tokens()`` without their offsets (the fast path for scoring), and
    the indices of the tokens that start a clause (0 first)."""
    out: list[str] = []
    starts: list[int] = []
    runs = _RUN.search(words) is not None
    apos = "'" in words
    get = canon.get
    for seg in (words.split("\n") if "\n" in words else (words,)):
        raw = TOKEN_RE.findall(seg)
        if not raw:
            continue
        if apos:
            raw = [r for r in raw if r.strip("'")]
            ts = [r.replace("'", "") for r in raw]
        else:
            ts = raw
        if runs:
            ts = [_RUN.sub(r"\1", t) if len(t) > 2 else t for t in ts]
        ts = [get(t, t) for t in ts]
        if "killmyself" in ts:   # "5 kms": kilometres (as tokens() does)
            for i, t in enumerate(ts):
                if t == "killmyself" and raw[i] == "kms":
                    prev = ts[i - 1] if i else (out[-1] if out else "")
                    if prev.isdigit():
                        ts[i] = "km"
        starts.append(len(out))
        out.extend(ts)
    return out, starts


def token_features(toks: list[tuple[str, int, int, bool]], i: int) -> list[str]:
    """The features that end at token i."""
    t = toks[i][0]
    feats = ["w:" + t]
    if not toks[i][3]:
        feats.append("b:" + toks[i - 1][0] + " " + t)
        if i > 1 and not toks[i - 1][3]:
            feats.append("t:" + toks[i - 2][0] + " " + toks[i - 1][0] + " " + t)
    if len(t) >= CHAR_MIN:
        p = "<" + t + ">"
        for j in range(len(p) - 3):
            feats.append("c:" + p[j:j + 4])
    return feats


def windows(n: int) -> list[tuple[int, int]]:
    """Windows of WINDOW tokens every STRIDE tokens (training negatives from long texts)."""
    if n <= WINDOW:
        return [(0, n)]
    out = [(s, s + WINDOW) for s in range(0, n - WINDOW, STRIDE)]
    out.append((n - WINDOW, n))
    return out


@dataclass(frozen=True)
class Scored:
    category: str
    probability: float
    start: int          # offsets in the words/plain view of the best window's strongest n-grams
    end: int
    reasons: tuple[str, ...]   # the n-grams that weighed most, strongest first


class Model:
    """Weights loaded from model.json: {"categories": [...], "bias": [...],
    "weights": {feature: [w per category]}, "canon": {...}, "thresholds": {...}}."""

    def __init__(self, data: dict):
        self.data = data
        self.categories: tuple[str, ...] = tuple(data["categories"])
        self.bias: list[float] = list(data["bias"])
        self.weights: dict[str, list[float]] = data["weights"]
        self.canon: dict[str, str] = data.get("canon", {})
        self.thresholds: dict[str, dict[str, float]] = data.get("thresholds", {})
        self._cache: dict[str, tuple[float, ...] | None] = {}
        # per category: bigram/trigram weight by key (non-zero only), and each word's summed
        # own features (filled as words are met): score() then works with C-level maps
        k = len(self.categories)
        self._ngram: list[dict[str, float]] = [
            {f: v[j] for f, v in self.weights.items() if f[0] in "bt" and v[j]} for j in range(k)]
        self._words: list[dict[str, float]] = [{} for _ in range(k)]

    @classmethod
    def from_file(cls, path: str | Path = MODEL_PATH) -> Model:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def _unigram(self, t: str) -> tuple[float, ...] | None:
        """The summed weights of a word's own features (``w:`` and its ``c:`` pieces),
        cached per word: they depend on the word alone."""
        v = self._cache.get(t, False)
        if v is False:
            k = len(self.categories)
            acc = [0.0] * k
            found = False
            for f in token_features([(t, 0, 0, True)], 0):
                x = self.weights.get(f)
                if x is not None:
                    found = True
                    for j in range(k):
                        acc[j] += x[j]
            v = tuple(acc) if found else None
            if len(self._cache) > 50_000:  # bounded: the oldest half go (dicts keep their order)
                for old in list(islice(self._cache, 25_000)):
                    del self._cache[old]
            self._cache[t] = v
        return v

    def score(self, words: str, want_reasons=True, cutoff: dict[str, float] | None = None) -> list[Scored]:
        """One Scored per category: the probability of the text's best stretch. The
        stretch and the reasons are worked out when ``want_reasons`` is True, or is a
        function (category, probability) -> bool that says so (e.g. "it is found").

        ``cutoff`` (category -> probability; for callers that only ask "does it reach
        this?"): a category whose upper bound (the bias plus the best sum of the positive
        weights of WINDOW + 2 neighbouring tokens: a stretch touches no more) stays
        under its cutoff is not searched; its Scored carries that bound, which is at least
        the true probability and under the cutoff."""
        toks, starts = token_strings(words, self.canon)
        k = len(self.categories)
        if not toks:
            return [Scored(c, _sigmoid(self.bias[j]), 0, 0, ()) for j, c in enumerate(self.categories)]
        n = len(toks)
        known = self._words
        new = set(toks).difference(known[0])
        if new:
            if len(known[0]) > 50_000:  # bounded: the oldest half go (dicts keep their order)
                for d in known:
                    for old in list(islice(d, 25_000)):
                        del d[old]
                new = set(toks).difference(known[0])
            for t in new:
                v = self._unigram(t)
                for j in range(k):
                    known[j][t] = v[j] if v else 0.0
        bkeys = ["b:" + a + " " + b for a, b in zip(toks, toks[1:], strict=False)]
        tkeys = ["t:" + a + " " + b + " " + c for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)]
        U, B, T = [], [], []
        for j in range(k):
            ng = self._ngram[j].get
            U.append(list(map(known[j].__getitem__, toks)))
            b = [0.0, *map(ng, bkeys, repeat(0.0))]
            t = [0.0, 0.0, *map(ng, tkeys, repeat(0.0))][:n]
            for i in starts[1:]:   # clause starts: no bigram ending at one, no trigram ending at it or the next
                b[i] = t[i] = 0.0
                if i + 1 < n:
                    t[i + 1] = 0.0
            B.append(b)
            T.append(t)
        out = []
        full = None
        for j, cat in enumerate(self.categories):
            if cutoff is not None and cat in cutoff:
                pos = list(map(add, map(add, map(max, U[j], repeat(0.0)), map(max, B[j], repeat(0.0))),
                               map(max, T[j], repeat(0.0))))
                if len(pos) > WINDOW + 2:   # the best sum of WINDOW + 2 neighbouring tokens' positive parts
                    ps = list(accumulate(pos, initial=0.0))
                    top = max(map(sub, ps[WINDOW + 2:], ps))
                else:
                    top = sum(pos)
                bound = _sigmoid(self.bias[j] + top)
                if bound < cutoff[cat]:
                    out.append(Scored(cat, bound, 0, 0, ()))
                    continue
            best, _ = best_stretch(U[j], B[j], T[j], False)
            p = _sigmoid(self.bias[j] + best)
            start = end = 0
            reasons: tuple[str, ...] = ()
            if want_reasons is True or (want_reasons and want_reasons(cat, p)):
                if full is None:
                    full = tokens(words, self.canon)
                start, end, reasons = self._explain(full, best_stretch(U[j], B[j], T[j])[1], j)
            out.append(Scored(cat, p, start, end, reasons))
        return out

    def _explain(self, toks, ab, j) -> tuple[int, int, tuple[str, ...]]:
        """The strongest word n-grams touching the stretch, and the text they cover."""
        a, b = ab
        n = len(toks)
        ranked = []
        for i in range(a, min(n, b + 3)):
            for f in token_features(toks, i):
                ln = NGRAM_LEN.get(f[0])
                v = self.weights.get(f)
                if v is not None and v[j] > 0 and f[0] != "c" and i - ln + 1 <= b:
                    ranked.append((v[j], f[2:], max(0, i - ln + 1), i))
        if not ranked:
            return toks[a][1], toks[b][2], ()
        ranked.sort(key=lambda r: -r[0])
        top = ranked[:3]
        start = toks[min(r[2] for r in top)][1]
        end = toks[max(r[3] for r in top)][2]
        seen, reasons = set(), []
        for _, phrase, _, _ in ranked:
            if phrase not in seen:
                seen.add(phrase)
                reasons.append(phrase)
            if len(reasons) == 4:
                break
        return start, end, tuple(reasons)


NGRAM_LEN = {"w": 1, "c": 1, "b": 2, "t": 3}


def best_stretch(u: list[float], b: list[float], t: list[float], where: bool = True) -> tuple[float, tuple[int, int]]:
    """The best sum over a stretch of 1..WINDOW tokens (every feature that touches it) and
    the stretch (a, b inclusive; only worked out when ``where``).

    With prefix sums, sum(a, b) = E[b] - S[a], so the best is the maximum over a of
    max(E[a:a+WINDOW]) - S[a]; the sliding maximum is taken block by block (prefix and
    suffix maxima of blocks of WINDOW), all in C loops: linear in the length."""
    n = len(u)
    pu, pb, pt = list(accumulate(u, initial=0.0)), list(accumulate(b, initial=0.0)), list(accumulate(t, initial=0.0))
    sb, st = pb[2:], pt[3:]
    sb += [pb[n]] * (n - len(sb))
    st += [pt[n]] * (n - len(st))
    E = list(map(add, map(add, pu[1:], sb), st))
    S = list(map(add, map(add, pu[:n], pb[:n]), pt[:n]))
    blocks = -(-n // WINDOW) * WINDOW + WINDOW
    padded = E + [-math.inf] * (blocks - n)
    pref: list[float] = []
    suf: list[float] = []
    for s0 in range(0, blocks, WINDOW):
        blk = padded[s0:s0 + WINDOW]
        pref.extend(accumulate(blk, max))
        suf.extend(reversed(list(accumulate(reversed(blk), max))))
    M = list(map(max, suf[:n], pref[WINDOW - 1:WINDOW - 1 + n]))
    D = list(map(sub, M, S))
    best = max(D)
    if not where:
        return best, (0, 0)
    a = D.index(best)
    return best, (a, a + E[a:a + WINDOW].index(M[a]))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@lru_cache(maxsize=1)
def default_model() -> Model | None:
    """The shipped model, or None when model.json has not been made (make train-moderation)."""
    return Model.from_file() if MODEL_PATH.exists() else None
