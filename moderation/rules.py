"""The rule set: loaded from data files (moderation/rules/*.yaml|*.json), compiled once.

File format (every file is a mapping; files are merged in name order)::

    settings: {...}                 # levels, categories, contexts, normalise (00_settings.yaml)
    macros: {NAME: pattern}         # usable as <NAME> in "words" patterns
    <category>:
      allow: [words pattern, ...]   # or {words: [...], plain: [...]}: a finding that lies
                                    # wholly inside an allowed match is dropped
      rules:
        <rule id>:
          level: high               # optional, overrides the category level
          words: [pattern, ...]     # matched on the "words" view, letters stretched
          plain: [regex, ...]       # matched on the "plain" view, as written
          original: [regex, ...]    # matched on the text as typed, as written

See README.md for the pattern syntax.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .normalise import Normaliser

__all__ = ["Rules", "WatchedWord", "LEVELS", "CATEGORIES", "RULES_DIR", "stretch"]

LEVELS = ("none", "low", "medium", "high", "urgent")
CATEGORIES = ("risk_to_life", "self_harm", "abuse_bullying", "grooming", "sexual", "hate",
              "personal_details", "spam", "profanity", "watched_word")
VIEWS = ("words", "plain", "original")
RULES_DIR = Path(__file__).with_name("rules")
WATCHED_ACTIONS = ("block", "hold", "flag")


@dataclass(frozen=True)
class WatchedWord:
    """An admin-defined word or phrase. ``*`` is a wildcard for letters ("scam*").

    action: ``block`` never publish; ``hold`` needs a moderator; ``flag`` publishable but
    marked (level low)."""
    word: str
    action: str = "hold"

    def __post_init__(self):
        if self.action not in WATCHED_ACTIONS:
            raise ValueError(f"watched word action must be one of {WATCHED_ACTIONS}")
        if not re.search(r"[a-z0-9]", self.word.lower()):
            raise ValueError("a watched word needs at least one letter or digit")


@dataclass(frozen=True)
class RuleInfo:
    id: str          # "category:name", shown to moderators
    category: str
    level: int       # index into LEVELS


# -- pattern compilation ----------------------------------------------------------------
_MACRO = re.compile(r"<([A-Z][A-Z0-9_]*)>")
_QUANT = "?*+{"


def expand_macros(src: str, macros: dict[str, str]) -> str:
    for _ in range(10):
        new = _MACRO.sub(lambda m: macros[m.group(1)], src)
        if new == src:
            return new
        src = new
    raise ValueError(f"macros nest too deep in {src!r}")


def stretch(src: str) -> str:
    """Turn a "words" pattern into a regex over the words view.

    A run of n letters x matches n or more (written ``xx*``, which keeps a literal first so
    the regex engine can skip quickly) so "die" matches "dieee"; a space
    becomes `` *`` (zero or more spaces; write `` +`` for one or more); an apostrophe becomes optional; ``(`` becomes
    ``(?:``. Escapes and character classes are copied as they are.
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
try:  # Python 3.11+
    from re import _constants as _C, _parser as _P
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _C
    import sre_parse as _P

KEY = 2            # patterns are indexed by their first KEY characters
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_MAX_KEYS = 4000   # more possible prefixes than this: the pattern is not indexed


def prefixes(src: str, k: int = KEY) -> frozenset | None:
    """Every string of up to ``k`` characters a match of ``src`` can start with (a shorter
    one means the match may end there), or None if that cannot be told or is too many. A
    pattern whose prefixes are None is tried at every word start: slower, still correct."""
    try:
        out = _pref_seq(_P.parse(src), k)
    except (_TooMany, Exception):
        return None
    return None if out is None else frozenset(out)


class _TooMany(Exception):
    pass


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


# -- loading ------------------------------------------------------------------------------
def _load_file(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    try:
        import yaml  # PyYAML
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError(f"PyYAML is needed to read {path}; or convert it to JSON") from e
    return yaml.safe_load(text) or {}


def merge_rule_data(docs: Iterable[dict]) -> dict:
    """Merge loaded files into {settings, macros, categories: {cat: {allow, rules}}}."""
    data: dict = {"settings": {}, "macros": {}, "categories": {}}
    for doc in docs:
        for key, value in doc.items():
            if key == "settings":
                data["settings"].update(value)
            elif key == "macros":
                data["macros"].update(value)
            else:
                cat = data["categories"].setdefault(key, {"allow": {"words": [], "plain": []},
                                                          "rules": {}})
                allow = value.get("allow") or []
                if isinstance(allow, list):
                    allow = {"words": allow}
                for view in ("words", "plain"):
                    cat["allow"][view].extend(allow.get(view, []))
                for rid, rule in (value.get("rules") or {}).items():
                    if rid in cat["rules"]:
                        raise ValueError(f"rule {key}:{rid} is defined twice")
                    cat["rules"][rid] = rule
    return data


class Rules:
    """A compiled rule set. Build with :meth:`default`, :meth:`from_dir` or
    :meth:`from_data`; add admin words with :meth:`with_watched_words`.

    Speed: "words" patterns can only start at the start of a word, so each pattern is
    indexed by the characters it can start with; :func:`moderation.engine.assess` tries,
    at each word start, only one regex made of the patterns for that first character,
    and identifies the rule(s) only when it matches (rare)."""

    def __init__(self, data: dict, watched: Iterable[WatchedWord] = ()):
        self.data = data
        s = data["settings"]
        if tuple(s.get("levels", LEVELS)) != LEVELS:
            raise ValueError(f"levels must be {LEVELS}")
        self.category_level = {c: LEVELS.index(lv) for c, lv in s["categories"].items()}
        self.categories = tuple(self.category_level)
        self.support_categories = frozenset(s.get("support_categories", ()))
        self.watched_levels = {a: LEVELS.index(lv) for a, lv in s["watched_word_levels"].items()}
        self.contexts = s["contexts"]
        self.escalations = s.get("escalations", [])
        norm = s["normalise"]
        self.normaliser = Normaliser(norm["leet"], norm["leet_skip"], norm["confusables"])
        self.macros = {k: v.lower() for k, v in data["macros"].items()}

        self.rule_info: dict[str, RuleInfo] = {}
        self.base_words: list[tuple[str, RuleInfo]] = []   # (regex source, rule)
        # plain/original patterns: (view, category, regex, gate regex or None, rule)
        self.others: list[tuple[str, str, re.Pattern, re.Pattern | None, RuleInfo]] = []
        self.allow: dict[str, list[tuple[str, re.Pattern]]] = {}
        self.allow_sources: dict[str, list[str]] = {}
        for cat, block in data["categories"].items():
            if cat not in self.category_level:
                raise ValueError(f"unknown category {cat!r}: add it to settings.categories")
            for rid, rule in block["rules"].items():
                unknown = set(rule) - set(VIEWS) - {"level"}
                if unknown:
                    raise ValueError(f"rule {cat}:{rid} has unknown keys {sorted(unknown)}")
                level = LEVELS.index(rule["level"]) if "level" in rule else self.category_level[cat]
                info = RuleInfo(f"{cat}:{rid}", cat, level)
                self.rule_info[info.id] = info
                for pat in rule.get("words") or ():
                    src = words_regex_source(pat, self.macros)
                    re.compile(src)  # fail early, naming the pattern
                    self.base_words.append((src, info))
                for view in ("plain", "original"):
                    for entry in rule.get(view) or ():
                        pat, needs = (entry, None) if isinstance(entry, str) else (
                            entry["re"], entry.get("needs"))
                        self.others.append((view, cat, re.compile(pat),
                                            re.compile(needs) if needs else None, info))
            for view in ("words", "plain"):
                for pat in block["allow"][view]:
                    src = words_regex_source(pat, self.macros) if view == "words" else pat
                    self.allow.setdefault(cat, []).append((view, re.compile(src)))
                    if view == "words":
                        self.allow_sources.setdefault(cat, []).append(src)
        self._set_watched(tuple(watched))

    @property
    def sources(self) -> dict[str, list[tuple[str, str]]]:
        """{category: [(rule id, JavaScript-compatible source)]} of the "words" patterns."""
        out: dict[str, list[tuple[str, str]]] = {}
        for src, info in self.base_words:
            out.setdefault(info.category, []).append((info.id, src))
        return out

    def _set_watched(self, words: tuple[WatchedWord, ...]) -> None:
        self.watched = words
        entries = list(self.base_words)
        for w in words:
            info = RuleInfo(f"watched_word:{w.action}:{w.word}", "watched_word",
                            self.watched_levels[w.action])
            entries.append((watched_word_source(w.word), info))
        self._index_words(entries)

    def _index_words(self, entries: list[tuple[str, RuleInfo]]) -> None:
        """Compile each "words" pattern (without its leading \\b: it is only tried at
        word starts) and index it by the first KEY characters it can match."""
        self.word_rules: list[tuple[re.Pattern, RuleInfo]] = []
        self.word_index: dict[str, tuple[int, ...]] = {}
        index: dict[str, list[int]] = {}
        unindexed = []
        for i, (src, info) in enumerate(entries):
            body = src[2:]  # drop the leading \b
            self.word_rules.append((re.compile(body), info))
            keys = prefixes(body)
            if keys is None or any(len(k) < KEY for k in keys):  # could match < KEY chars
                unindexed.append(i)
                continue
            for key in keys:
                if key[0] in WORD_CHARS:
                    index.setdefault(key, []).append(i)
        self.word_index = {key: tuple(idx) for key, idx in index.items()}
        self.word_unindexed = [(re.compile(entries[i][0]), entries[i][1]) for i in unindexed]
        self._detectors: dict[str, re.Pattern] = {}

    def detector(self, key: str) -> re.Pattern | None:
        """One regex of every pattern indexed under ``key`` (compiled on first use)."""
        rx = self._detectors.get(key)
        if rx is None:
            idx = self.word_index.get(key)
            if idx is None:
                return None
            rx = re.compile("|".join(self.word_rules[i][0].pattern for i in idx))
            self._detectors[key] = rx
        return rx

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_data(cls, docs: Iterable[dict]) -> "Rules":
        return cls(merge_rule_data(docs))

    @classmethod
    def from_dir(cls, path: str | Path = RULES_DIR) -> "Rules":
        files = sorted(p for p in Path(path).iterdir()
                       if p.suffix in (".yaml", ".yml", ".json"))
        return cls.from_data(_load_file(p) for p in files)

    @classmethod
    def default(cls) -> "Rules":
        """The shipped rules (loaded and compiled once per process)."""
        return _default_rules()

    def with_watched_words(self, words: Iterable[WatchedWord]) -> "Rules":
        """A new Rules with these admin watched words (replacing any set before)."""
        new = copy.copy(self)
        new._set_watched(tuple(words))
        return new

    def __repr__(self) -> str:
        return f"<Rules {len(self.rule_info)} rules, {len(self.watched)} watched words>"


@lru_cache(maxsize=1)
def _default_rules() -> Rules:
    return Rules.from_dir(RULES_DIR)
