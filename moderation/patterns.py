"""Pattern compilation: the "words" pattern syntax, and the index that makes it fast.

* :func:`stretch` turns a "words" pattern (see README: letters may repeat, a space is an
  optional space, an apostrophe is optional) into a regex; :func:`words_regex_source`
  also expands macros and adds word boundaries. The result is in the subset of regex
  syntax shared by Python and JavaScript.
* :func:`prefixes` reads a regex and tells the first KEY characters a match can start
  with; :class:`WordIndex` indexes patterns by them and builds one "detector" regex per
  key, from which :func:`specialise` removes the alternatives that cannot start so.
"""
from __future__ import annotations

import re
from functools import cache
from re import _constants as _C  # Python 3.11+ (the project's floor)
from re import _parser as _P

__all__ = ["KEY", "WordIndex", "expand_macros", "prefixes", "specialise", "stretch",
           "watched_word_source", "words_regex_source"]

KEY = 2            # patterns are indexed by their first KEY characters
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_MAX_KEYS = 4000   # more possible prefixes than this: the pattern is not indexed
_MACRO = re.compile(r"<([A-Z][A-Z0-9_]*)>")
_QUANT = "?*+{"


# -- the "words" pattern syntax ------------------------------------------------------------
def expand_macros(src: str, macros: dict[str, str]) -> str:
    for _ in range(10):
        new = _MACRO.sub(lambda m: macros[m.group(1)], src)
        if new == src:
            return new
        src = new
    raise ValueError(f"macros nest too deep in {src!r}")


def stretch(src: str) -> str:
    """Turn a "words" pattern into a regex over the words view.

    A run of n letters x matches n or more (written ``xx*``, which keeps a literal first
    so the regex engine can skip quickly): "die" matches "dieee". A space becomes `` *``
    (zero or more spaces; write `` +`` for one or more); an apostrophe becomes optional;
    ``(`` becomes ``(?:``. Escapes and character classes are copied as they are.
    """
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            out.append(src[i:i + 2])
            i += 2
        elif c == "[":
            j = src.index("]", i + 2)  # a class has at least one character
            out.append(src[i:j + 1])
            i = j + 1
        elif c == "(":
            if src.startswith("(?", i):
                out.append(src[i:i + 3])  # (?: (?= (?!
                i += 3
            else:
                out.append("(?:")
                i += 1
        elif c == " ":
            i += 1
            if i < n and src[i] == "+":  # " +" keeps a space required
                out.append(" +")
                i += 1
            else:
                out.append(" *")
                if i < n and src[i] in "?*":
                    i += 1
        elif c == "'":
            out.append("'?")
            i += 1
            if i < n and src[i] == "?":
                i += 1
        elif "a" <= c <= "z":
            j = i
            while j < n and src[j] == c:
                j += 1
            run = src[i:j]
            if j < n and src[j] in _QUANT:
                out.append(run[:-1] + "(?:" + c + c + "*)")
            else:
                out.append(run + c + "*")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def words_regex_source(pattern: str, macros: dict[str, str]) -> str:
    """Source of the regex (JavaScript-compatible subset) for one "words" pattern."""
    return r"\b(?:" + stretch(expand_macros(pattern, macros).lower()) + r")\b"


def watched_word_source(word: str) -> str:
    """A watched word, normalised like text is, as a "words" pattern source."""
    w = re.sub(r"[^a-z0-9'* ]+", " ", word.lower()).strip()
    w = re.sub(r" +", " ", w)
    return words_regex_source(w.replace("*", "[a-z0-9]*"), {})


# -- the first characters of a pattern (for indexing) -------------------------------------
class _TooMany(Exception):
    pass


@cache
def prefixes(src: str, k: int = KEY) -> frozenset | None:
    """Every string of up to ``k`` characters a match of ``src`` can start with (a shorter
    one means the match may end there), or None if that cannot be told or is too many. A
    pattern whose prefixes are None is tried at every word start: slower, still correct."""
    try:
        out = _pref_seq(_P.parse(src), k)
    except (_TooMany, Exception):
        return None
    return None if out is None else frozenset(out)


def _concat(heads: set, tails_of, k: int) -> set | None:
    out = set()
    for h in heads:
        if len(h) >= k:
            out.add(h)
            continue
        tails = tails_of(k - len(h))
        if tails is None:
            return None
        out.update(h + t for t in tails)
        if len(out) > _MAX_KEYS:
            raise _TooMany
    return out


def _pref_seq(seq, k: int) -> set | None:
    cur: set | None = {""}
    for op, av in seq:
        cur = _concat(cur, lambda n, op=op, av=av: _pref_op(op, av, n), k)
        if cur is None:
            return None
        if all(len(s) >= k for s in cur):
            break
    return cur


def _pref_op(op, av, k: int) -> set | None:
    if op is _C.LITERAL:
        return {chr(av)}
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {""}
    if op is _C.IN:
        chars = set()
        for o, a in av:
            if o is _C.LITERAL:
                chars.add(chr(a))
            elif o is _C.RANGE:
                chars.update(chr(c) for c in range(a[0], a[1] + 1))
            else:
                return None
        return chars
    if op is _C.SUBPATTERN:
        return _pref_seq(av[-1], k)
    if op is _C.BRANCH:
        out = set()
        for item in av[1]:
            p = _pref_seq(item, k)
            if p is None:
                return None
            out |= p
        return out
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, hi, item = av
        out, cur = set(), {""}
        for r in range(max(lo, k) + 1):
            if r >= lo:
                out |= cur
            if r == hi or all(len(s) >= k for s in cur) and r >= lo:
                break
            cur = _concat(cur, lambda n: _pref_seq(item, n), k)
            if cur is None:
                return None
        return out
    return None


# -- detectors -------------------------------------------------------------------------------
def _split_top(src: str) -> list[str]:
    """Split a regex source at its top-level ``|``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i = src.index("]", i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(src[start:i])
            start = i + 1
        i += 1
    parts.append(src[start:])
    return parts


def _group_end(src: str, i: int) -> int:
    """Index of the ``)`` closing the group opened at ``src[i]``."""
    depth = 0
    while True:
        c = src[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i = src.index("]", i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def specialise(src: str, key: str, depth: int = 3) -> str:
    """``src`` without the alternatives that cannot match text starting with ``key``.

    Only used to build the per-key detectors (the full patterns still name the rule), so
    it may keep too much but never drops an alternative that could match: anything it
    cannot analyse is kept."""
    def can_start(head: str, rest: str = "") -> bool:
        p = prefixes(head)  # cached; the short head alone usually decides
        if p is not None and rest and any(len(x) < KEY for x in p):
            p = prefixes(head + rest)
        return p is None or any(key.startswith(x) or x.startswith(key) for x in p)

    alts = _split_top(src)
    if len(alts) > 1:
        kept = [a for a in alts if can_start(a)] or alts[:1]
        return "|".join(specialise(a, key, depth) if depth else a for a in kept)
    if depth and src.startswith("(?:"):
        end = _group_end(src, 0)
        rest = src[end + 1:]
        if rest[:1] not in ("?", "*", "+", "{"):
            inner = _split_top(src[3:end])
            heads = [prefixes(a) for a in inner]
            if all(p is not None and all(len(x) >= KEY for x in p) for p in heads):
                # each alternative decides alone: keep the group, drop alternatives
                kept = [a for a in inner if can_start(a)]
                if kept:
                    return "(?:" + "|".join(specialise(a, key, depth - 1) for a in kept) + ")" + rest
            else:  # some alternative is shorter than KEY: decide with what follows
                kept = [a for a in inner if can_start(a, rest)]
                if kept:
                    return "(?:" + "|".join(specialise(a + rest, key, depth - 1) for a in kept) + ")"
    return src


class WordIndex:
    """"words" patterns indexed by the first KEY characters they can match.

    A pattern is compiled without its leading ``\\b``: it is only tried at word starts.
    ``detector(key)`` is one regex of the patterns indexed under ``key``, specialised to
    text starting with ``key``, compiled on first use."""

    def __init__(self, entries: list[tuple[str, object]]):
        self.rules: list[tuple[re.Pattern, object]] = []       # (regex, RuleInfo)
        self.unindexed: list[tuple[re.Pattern, object]] = []   # tried everywhere (slow)
        index: dict[str, list[int]] = {}
        for src, info in entries:
            body = src[2:]
            keys = prefixes(body)
            if keys is None or any(len(k) < KEY for k in keys):  # could match < KEY chars
                self.unindexed.append((re.compile(src), info))
                continue
            self.rules.append((re.compile(body), info))
            for key in keys:
                if key[0] in WORD_CHARS:
                    index.setdefault(key, []).append(len(self.rules) - 1)
        self.index: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in index.items()}
        self.detectors: dict[str, re.Pattern | bool] = {}

    def detector(self, key: str) -> re.Pattern | bool:
        """The detector for ``key``; False when no pattern can start so."""
        rx = self.detectors.get(key)
        if rx is None:
            idx = self.index.get(key)
            rx = idx is not None and re.compile(
                "|".join(specialise(self.rules[i][0].pattern, key) for i in idx))
            self.detectors[key] = rx
        return rx
