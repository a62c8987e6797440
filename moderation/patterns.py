"""Pattern compilation: the "words" pattern syntax, and the index that makes it fast.

* :func:`stretch` turns a "words" pattern (see README: letters may repeat, a space is an
  optional space, an apostrophe is optional) into a regex; :func:`words_regex_source`
  also expands macros and adds word boundaries. The result is in the subset of regex
  syntax shared by Python and JavaScript.
* :func:`prefixes` reads a regex and tells the first KEY characters a match can start
  with; :class:`WordIndex` indexes patterns by them.
* :class:`Prefilter` holds every pattern (lookaheads left out: :func:`prefilter_source`)
  in one RE2 set: one linear pass over a text says which patterns can match it at all.
"""
from __future__ import annotations

import re
from functools import cache
from re import _constants as _C  # Python 3.11+
from re import _parser as _P

import re2

__all__ = ["KEY", "WordIndex", "expand_macros", "prefilter_source", "prefixes", "stretch",
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


# -- helpers -------------------------------------------------------------------------------
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


# -- the prefilter: every pattern at once, in one pass (RE2) ------------------------------------
_UNSAFE = re.compile(r"[$^]|\\[1-9AZzG]|\(\?[<P]")  # not read the same by RE2 (or unsupported)


def prefilter_source(src: str) -> str | None:
    """``src`` with its lookaheads removed, for RE2: it matches wherever ``src`` can (a
    looser pattern), on the ASCII "words" view. None when RE2 could read it differently
    (``$``, ``^``, back-references, lookbehind): such a pattern is always tried.
    (``\\b``, ``\\d``, ``\\s``, ``\\w`` read the same as Python's on the ASCII words view.)"""
    out: list[str] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            out.append(src[i:i + 2])
            i += 2
        elif c == "[":
            j = src.index("]", i + 2)
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("(?!", i) or src.startswith("(?=", i):
            i = _group_end(src, i) + 1
            if i < len(src) and src[i] in _QUANT:
                return None
        else:
            out.append(c)
            i += 1
    loose = "".join(out)
    return None if _UNSAFE.search(re.sub(r"\[(?:\\.|[^]])*\]", "", loose)) else loose


class Prefilter:
    """All of a WordIndex's patterns in one RE2 set: one linear pass over the text tells
    which patterns can match anywhere in it (a superset: lookaheads are left out). Almost
    every message matches none, and then no pattern is tried at all."""

    def __init__(self, sources: list[str | None]):
        opts = re2.Options()
        opts.max_mem = 64 << 20   # the DFA's cache; a Set has no slower fallback, so be generous
        self._set = re2.Set.SearchSet(opts)
        self._ids: list[int] = []   # set index -> pattern index
        always = set()
        for i, s in enumerate(sources):
            try:
                if s is None:
                    raise re2.error("not for RE2")
                self._set.Add(s)
            except re2.error:
                always.add(i)
            else:
                self._ids.append(i)
        self.always = frozenset(always)
        self.empty = not self._ids
        if not self.empty:
            self._set.Compile()

    def candidates(self, text: str) -> frozenset[int]:
        """Indices of the patterns that may match ``text`` (an ASCII "words" view)."""
        if self.empty:
            return self.always
        got = self._set.Match(text)
        if not got:
            return self.always
        ids = self._ids
        return self.always.union(ids[i] for i in got)


class WordIndex:
    """"words" patterns indexed by the first KEY characters they can match.

    A pattern is compiled without its leading ``\\b``: it is only tried at word starts
    (``keys_of``: the starts it is indexed under). ``prefilter`` (RE2, every pattern at
    once) says which patterns can match a text at all: ``rules`` indices, then
    ``unindexed`` ones after them."""

    def __init__(self, entries: list[tuple[str, object]]):
        self.rules: list[tuple[re.Pattern, object]] = []       # (regex, RuleInfo)
        self.unindexed: list[tuple[re.Pattern, object]] = []   # tried everywhere (slow)
        index: dict[str, list[int]] = {}
        loose: list[str | None] = []
        loose_unindexed: list[str | None] = []
        for src, info in entries:
            body = src[2:]
            keys = prefixes(body)
            if keys is None or any(len(k) < KEY for k in keys):  # could match < KEY chars
                self.unindexed.append((re.compile(src), info))
                loose_unindexed.append(prefilter_source(src))
                continue
            self.rules.append((re.compile(body), info))
            loose.append(prefilter_source(src))
            for key in keys:
                if key[0] in WORD_CHARS:
                    index.setdefault(key, []).append(len(self.rules) - 1)
        self.index: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in index.items()}
        self.prefilter = Prefilter(loose + loose_unindexed)
        # for each pattern (rules index), the keys it is indexed under
        self.keys_of: dict[int, tuple[str, ...]] = {}
        for key, idx in self.index.items():
            for i in idx:
                self.keys_of[i] = (*self.keys_of.get(i, ()), key)
