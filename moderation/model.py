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
from itertools import accumulate, chain, compress, islice, repeat
from operator import add, ge, sub
from pathlib import Path

import re2

__all__ = ["MODEL_PATH", "Model", "Scored", "tokens", "token_features", "WINDOW", "STRIDE", "CHAR_MIN", "RUN",
           "TOKEN_RE", "default_model", "token_strings", "token_spans"]

MODEL_PATH = Path(__file__).with_name("model.json")
WINDOW = 10
CHAR_MIN = 5   # words this long also get their 4-character pieces (misspellings, new forms)
STRIDE = 3
TOKEN_RE = re.compile(r"[a-z0-9']+")
RUN = r"([a-z])\1\1+"   # three or more of one letter: one is kept
_RUN = re.compile(RUN)
_RUN_ANY = re2.compile("|".join(c * 3 for c in "abcdefghijklmnopqrstuvwxyz"))   # the same test as _RUN, in one RE2 pass
_NOT_WORDS = re.compile(r"[^a-z0-9\n ]")   # (after apostrophes are dropped)


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
    runs = _RUN_ANY.search(words) is not None   # (looked for before apostrophes go, as tokens() does)
    if "'" in words:   # dropping apostrophes first gives the same tokens (and no empty ones)
        words = words.replace("'", "")
    if runs:   # runs lie inside tokens: the same as token by token
        words = _RUN.sub(r"\1", words)
    # on the words view a token is what lies between spaces and newlines (str.split is
    # several times faster than a regex); any other text is cut by the regex
    split = str.split if _NOT_WORDS.search(words) is None else TOKEN_RE.findall
    if "\n" in words:
        parts = [p for p in map(split, words.split("\n")) if p]
        raw = list(chain.from_iterable(parts))
        starts = list(accumulate(map(len, parts[:-1]), initial=0)) if parts else []
    else:
        raw = split(words)
        starts = [0] if raw else []
    out = list(map(canon.get, raw, raw))
    if "killmyself" in out:   # "5 kms": kilometres (as tokens() does)
        for i, t in enumerate(out):
            if t == "killmyself" and raw[i] == "kms" and i and out[i - 1].isdigit():
                out[i] = "km"
    return out, starts


def token_spans(words: str) -> list[tuple[int, int]]:
    """The (start, end) in the words view of each token of ``tokens()`` (and of
    ``token_strings()``: the same tokens), without working out the tokens themselves."""
    if "'" not in words:
        return [m.span() for m in TOKEN_RE.finditer(words)]
    return [m.span() for m in TOKEN_RE.finditer(words) if m.group().strip("'")]   # (one of apostrophes only is none)


def _clause_flags(starts: list[int], n: int) -> list[bool]:
    """Per token, whether it starts a clause (``starts``: the indices that do)."""
    flags = [False] * n
    for i in starts:
        flags[i] = True
    return flags


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
        # for score(): every bigram and trigram with a weight gets a number (1, 2, ...; 0 is
        # "none"), found with ONE dict look-up (keyed by its tokens, a tuple) for all
        # categories; per category, lists indexed by that number give its weight and its
        # positive part, so a text's per-token weights are C-level map()s, with no Python
        # loop over tokens (see score())
        k = len(self.categories)
        self._gram_ids: tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]] = ({}, {})
        whole: tuple[list[list[float]], ...] = ([[0.0] for _ in range(k)], [[0.0] for _ in range(k)])
        for f, v in self.weights.items():
            if f[0] in "bt" and any(v):
                g = f[0] == "t"
                key = tuple(f[2:].split(" "))
                if key not in self._gram_ids[g]:
                    self._gram_ids[g][key] = len(whole[g][0])
                    for j in range(k):
                        whole[g][j].append(v[j])
        self._gram_w = whole   # [bigrams | trigrams][category][id] -> weight
        self._gram_pos = tuple([[x if x > 0 else 0.0 for x in w] for w in ws] for ws in whole)
        # the most a word can add (its positive own weight plus the most positive bigram and
        # trigram ending at it): a bound that needs no n-gram look-up
        self._ends_max: dict[str, list[float]] = {}
        for g in (0, 1):
            most: dict[str, list[float]] = {}
            for key, i in self._gram_ids[g].items():
                m = most.setdefault(key[-1], [0.0] * k)
                for j in range(k):
                    x = self._gram_pos[g][j][i]
                    if x > m[j]:
                        m[j] = x
            for word, m in most.items():
                e = self._ends_max.setdefault(word, [0.0] * k)
                for j in range(k):
                    e[j] += m[j]
        # each word met: its own features' summed weights (per category), their positive
        # parts and the most it may add (filled as words are met)
        self._words: dict[str, tuple[float, ...]] = {}
        self._words_pos: dict[str, tuple[float, ...]] = {}
        self._words_most: dict[str, tuple[float, ...]] = {}

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
        this?"): the probability is exact when it reaches the cutoff; under it, the Scored
        carries some value under the cutoff. Only the stretches that could reach it are
        searched: those whose WINDOW + 2 tokens (a stretch touches no more) have positive
        weights that add up to enough; usually none."""
        toks, starts = token_strings(words, self.canon)
        if not toks:
            return [Scored(c, _sigmoid(self.bias[j]), 0, 0, ()) for j, c in enumerate(self.categories)]
        n = len(toks)
        known_most = self._words_most
        new = set(toks).difference(self._words)
        if new:
            self._learn(new)
        # the bigram and trigram ending at each token (their numbers; 0: none, or across a
        # clause start), and the tokens where one ends (usually about half of them)
        ids2 = list(map(self._gram_ids[0].get, zip(toks, islice(toks, 1, None), strict=False), repeat(0)))
        ids3 = list(map(self._gram_ids[1].get, zip(toks, islice(toks, 1, None), islice(toks, 2, None), strict=False),
                        repeat(0)))
        for c in islice(starts, 1, None):
            ids2[c - 1] = 0
            ids3[max(c - 2, 0):c] = [0] * len(ids3[max(c - 2, 0):c])
        at2 = list(compress(range(1, n), ids2))
        at3 = list(compress(range(2, n), ids3))
        U = pos_u = most = None
        out = []
        full = None
        for j, cat in enumerate(self.categories):
            starts_at = None
            if cutoff is not None and cat in cutoff:
                need = _logit(cutoff[cat]) - self.bias[j]   # the best stretch must reach this
                if need == math.inf:   # (a cutoff above 1: never reached, never searched)
                    out.append(Scored(cat, _sigmoid(self.bias[j]), 0, 0, ()))
                    continue
                if n > 4 * WINDOW:   # a long text always gets past the first bound
                    top = need
                else:
                    if most is None:   # what each token may add at most: no n-gram looked up yet
                        most = list(map(sum, zip(*map(known_most.__getitem__, toks), strict=False)))
                    top = most[j]
                if top >= need:
                    if pos_u is None:
                        pos_u = list(zip(*map(self._words_pos.__getitem__, toks), strict=False))
                    # what each token may add at most: its own features', its bigram's and its trigram's positive parts
                    pos = list(pos_u[j])
                    w = self._gram_pos[0][j]
                    for i in at2:
                        x = w[ids2[i - 1]]
                        if x:
                            pos[i] += x
                    w = self._gram_pos[1][j]
                    for i in at3:
                        x = w[ids3[i - 2]]
                        if x:
                            pos[i] += x
                    starts_at, top = _window_starts(list(accumulate(pos, initial=0.0)), n, need)
                else:
                    starts_at = []
                if not starts_at:
                    out.append(Scored(cat, _sigmoid(self.bias[j] + top), 0, 0, ()))
                    continue
            if U is None:
                U = list(zip(*map(self._words.__getitem__, toks), strict=False))   # per category: each token's own weight
            u = U[j]
            b = [0.0] * n
            w = self._gram_w[0][j]
            for i in at2:
                b[i] = w[ids2[i - 1]]
            t = [0.0] * n
            w = self._gram_w[1][j]
            for i in at3:
                t[i] = w[ids3[i - 2]]
            if starts_at is not None and len(starts_at) * 4 < n:   # only these starts can reach the cutoff
                best, where = best_from(u, b, t, starts_at)
                if best < need:   # (then the best stretch may start elsewhere: found below if asked)
                    where = None
            else:
                best, where = best_stretch(u, b, t)
            p = _sigmoid(self.bias[j] + best)
            start = end = 0
            reasons: tuple[str, ...] = ()
            if want_reasons is True or (want_reasons and want_reasons(cat, p)):
                if full is None:   # (token, start, end, starts a clause): the same tokens, with their offsets
                    full = list(zip(toks, *zip(*token_spans(words), strict=False), _clause_flags(starts, n),
                                    strict=False))
                start, end, reasons = self._explain(full, where or best_stretch(u, b, t)[1], j)
            out.append(Scored(cat, p, start, end, reasons))
        return out

    def _learn(self, new: set[str]) -> None:
        """Cache the words' own weights (per category), their positive parts and the most
        each may add, for score()."""
        known, known_pos, known_most = self._words, self._words_pos, self._words_most
        if len(known) > 50_000:  # bounded: the oldest half go (dicts keep their order)
            for old in list(islice(known, 25_000)):
                del known[old], known_pos[old], known_most[old]
            new = new.difference(known)
        zero = (0.0,) * len(self.categories)
        for t in new:
            v = self._unigram(t) or zero
            known[t] = v
            known_pos[t] = p = tuple(x if x > 0 else 0.0 for x in v)
            known_most[t] = tuple(map(add, p, self._ends_max.get(t, zero)))

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
    E, S = _ends_starts(u, b, t)
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


def _ends_starts(u, b, t) -> tuple[list[float], list[float]]:
    """E[i] - S[a] is the sum of every feature touching the stretch a..i (prefix sums)."""
    n = len(u)
    pu, pb, pt = list(accumulate(u, initial=0.0)), list(accumulate(b, initial=0.0)), list(accumulate(t, initial=0.0))
    sb, st = pb[2:], pt[3:]
    sb += [pb[n]] * (n - len(sb))
    st += [pt[n]] * (n - len(st))
    return list(map(add, map(add, pu[1:], sb), st)), list(map(add, map(add, pu[:n], pb[:n]), pt[:n]))


def _window_starts(ps: list[float], n: int, need: float) -> tuple[list[int], float]:
    """Given the prefix sums ``ps`` of what each token may add at most (none negative):
    the starts a from which WINDOW + 2 tokens may add up to ``need``, and the most any of
    them may add."""
    top = ps[n]
    if top < need:
        return [], top
    if n <= WINDOW + 2:
        return list(range(n)), top
    # (the sums of the last WINDOW + 1 starts, which run into the end, are no more than
    # the one before them: the most is among the whole windows)
    top = max(map(sub, islice(ps, WINDOW + 2, None), ps))
    if top < need:
        return [], top
    win = map(sub, chain(islice(ps, WINDOW + 2, None), repeat(ps[n], WINDOW + 1)), ps)
    return list(compress(range(n), map(ge, win, repeat(need)))), top


def best_from(u, b, t, starts: list[int]) -> tuple[float, tuple[int, int]]:
    """best_stretch's sum and stretch over the stretches that start at ``starts`` only
    (ascending): the same as best_stretch's when its best stretch starts at one of them."""
    E, S = _ends_starts(u, b, t)
    best, where = -math.inf, (0, 0)
    for a in starts:
        m = max(E[a:a + WINDOW])
        d = m - S[a]
        if d > best:
            best, where = d, (a, m)
    a, m = where
    return best, (a, a + E[a:a + WINDOW].index(m))


def _logit(p: float) -> float:
    return math.inf if p >= 1 else -math.inf if p <= 0 else math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@lru_cache(maxsize=1)
def default_model() -> Model | None:
    """The shipped model, or None when model.json has not been made (make train-moderation)."""
    return Model.from_file() if MODEL_PATH.exists() else None
