"""The rule set: loaded from data files (moderation/rules/*.yaml|*.json), compiled once.

File format (every file is a mapping; files are merged in name order)::

    settings: {...}                 # levels, categories, contexts, normalise (00_settings.yaml)
    macros: {NAME: pattern}         # usable as <NAME> in "words" patterns
    dampen:                         # findings of these categories that are negated, or in
      categories: [...]             # a story, game, song, the news or a lesson, are dropped:
      before: [words pattern, ...]  #   ends right before the finding (same clause)
      after: [words pattern, ...]   #   starts right after the finding (same clause)
      clause: [words pattern, ...]  #   anywhere in the finding's clause
      learned_keep: 0.95            # a learned finding this sure is kept all the same
      turn: [words pattern, ...]    # words that end a clause for dampening ("but", "though")
      story_before: [...]           # a story (the past, recovery, someone else's words): as
      story_clause: [...]           #   before / clause, but a finding is kept when its clause
      unless: [words pattern, ...]  #   matches "unless" (it is the author's, now)
    <category>:
      allow: [words pattern, ...]   # or {words: [...], plain: [...]}: a finding that lies
                                    # wholly inside an allowed match is dropped
      rules:
        <rule id>:
          level: high               # optional, overrides the category level
          words: [pattern, ...]     # matched on the "words" view, letters stretched
          plain: [regex, ...]       # matched on the "plain" view, as written; an entry
                                    # may be {re: regex, needs: regex}: only run when
                                    # "needs" is found (a cheap gate)
          original: [regex, ...]    # matched on the text as typed, as written (same)

See README.md for the pattern syntax.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import re2
import yaml

from .model import default_model
from .normalise import Normaliser
from .patterns import WordIndex, expand_macros, stretch, watched_word_source, words_regex_source

__all__ = ["Rules", "WatchedWord", "LEVELS", "CATEGORIES", "RULES_DIR", "level_rank"]

LEVELS = ("none", "low", "medium", "high", "urgent")


def level_rank(level: str | None) -> int:
    """How severe a level is (0 for none or one not known): the one ordering every part of
    Waymark compares risk levels by."""
    return LEVELS.index(level) if level in LEVELS else 0
CATEGORIES = ("risk_to_life", "danger_from_others", "self_harm", "abuse_bullying", "grooming", "sexual", "hate",
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


# A gate ("needs") that RE2 reads as Python does, or more loosely (so it never wrongly
# skips a pattern): literals, classes, "." and \S (RE2's \S also takes a few Unicode
# spaces), no \b \w \d \s (ASCII-only in RE2), no lookaround or back-reference. RE2
# searches the whole text in one pass, several times faster than Python's re here.
_RE2_GATE = re.compile(r"(?:[^\\(]|\\[^bBwWdDsAZz0-9]|\((?!\?[=!<P]))*")


class _Re2Gate:
    """A gate searched with the others of its view in one RE2 set (Rules.open_gates)."""

    def __init__(self, src: str):
        self.pattern = src


@cache
def _gate(src: str):
    """One gate object per source (patterns are grouped by their gate)."""
    return _Re2Gate(src) if _RE2_GATE.fullmatch(src) else re.compile(src)


# -- loading ------------------------------------------------------------------------------
def _load_file(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text) or {}


def merge_rule_data(docs: Iterable[dict]) -> dict:
    """Merge loaded files into {settings, macros, categories: {cat: {allow, rules}}}."""
    data: dict = {"settings": {}, "macros": {}, "categories": {},
                  "dampen": {"categories": [], "before": [], "after": [], "clause": [], "turn": [],
                             "story_before": [], "story_clause": [], "unless": []}}
    for doc in docs:
        for key, value in doc.items():
            if key == "settings":
                data["settings"].update(value)
            elif key == "macros":
                data["macros"].update(value)
            elif key == "dampen":
                for part, items in value.items():
                    if part == "learned_keep":
                        data["dampen"][part] = float(items)
                    elif part not in data["dampen"]:
                        raise ValueError(f"dampen has no part {part!r}")
                    else:
                        data["dampen"][part].extend(items)
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

    Speed: every "words" pattern is in one RE2 set (WordIndex.prefilter), so one linear
    pass over a message says which patterns can match it at all (almost always none).
    Those few are tried at the word starts they can begin at (indexed by their first KEY
    characters). Watched words have their own small index, so changing them recompiles
    nothing else."""

    def __init__(self, data: dict, watched: Iterable[WatchedWord] = ()):
        self.data = data
        s = data["settings"]
        if tuple(s.get("levels", LEVELS)) != LEVELS:
            raise ValueError(f"levels must be {LEVELS}")
        self.category_level = {c: LEVELS.index(lv) for c, lv in s["categories"].items()}
        self.categories = tuple(self.category_level)
        self.support_categories = frozenset(s.get("support_categories", ()))
        self.alert_categories = frozenset(s.get("alert_categories", ()))
        self.watched_levels = {a: LEVELS.index(lv) for a, lv in s["watched_word_levels"].items()}
        self.contexts = s["contexts"]
        self.escalations = s.get("escalations", [])
        norm = s["normalise"]
        self.normaliser = Normaliser(norm["leet"], norm["leet_skip"], norm["confusables"])
        self.macros = {k: v.lower() for k, v in data["macros"].items()}

        self.rule_info: dict[str, RuleInfo] = {}
        self.base_words: list[tuple[str, RuleInfo]] = []   # (regex source, rule)
        # "plain"/"original" patterns grouped by (view, gate): a pattern is only run when
        # its gate ("needs") regex is found, and each gate is searched once.
        self.gated: dict[tuple[str, re.Pattern | None], list[tuple[str, re.Pattern, RuleInfo]]] = {}
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
                        gate = _gate(needs) if needs else None
                        self.gated.setdefault((view, gate), []).append((cat, re.compile(pat), info))
            for view in ("words", "plain"):
                for pat in block["allow"][view]:
                    src = words_regex_source(pat, self.macros) if view == "words" else pat
                    self.allow.setdefault(cat, []).append((view, re.compile(src)))
                    if view == "words":
                        self.allow_sources.setdefault(cat, []).append(src)
        # the RE2 gates of each view, searched together in one pass
        self._gate_sets: list[tuple[str, re2.Set, list[_Re2Gate]]] = []
        self._py_gates = [(view, g) for view, g in self.gated if g is not None and not isinstance(g, _Re2Gate)]
        for view in ("plain", "original"):
            gates = [g for v, g in self.gated if v == view and isinstance(g, _Re2Gate)]
            if gates:
                gate_set = re2.Set.SearchSet()
                for g in gates:
                    gate_set.Add(g.pattern)
                gate_set.Compile()
                self._gate_sets.append((view, gate_set, gates))
        self._compile_dampen(data.get("dampen") or {})
        self._set_watched(tuple(watched))
        self.compiled = False  # True once warm_up() has run (the learned layer is loaded)

    def open_gates(self, views: dict[str, tuple[str, object]]) -> set:
        """The gates ("needs") found in a message's views ({view: (text, map)})."""
        found = {g for view, g in self._py_gates if g.search(views[view][0])}
        for view, gate_set, gates in self._gate_sets:
            found.update(gates[i] for i in gate_set.Match(views[view][0]) or ())
        return found

    def _compile_dampen(self, d: dict) -> None:
        """Regex sources (JavaScript-compatible) of the dampeners; see dampen_sources."""
        words = lambda p: stretch(expand_macros(p, self.macros).lower())  # noqa: E731
        self.dampen_categories = frozenset(d.get("categories") or ())
        self.learned_keep = d.get("learned_keep", 1.0)
        turn = d.get("turn") or []
        self.dampen_turn_source = words_regex_source("|".join(f"(?:{t})" for t in turn), self.macros) if turn else None
        self.dampen_turn = re.compile(self.dampen_turn_source) if turn else None
        self.dampen_sources = {
            # searched in the clause text before the finding: ends right before it
            "before": [r"\b(?:" + words(p) + r") *$" for p in d.get("before") or ()],
            # matched at the end of the finding
            "after": [r"^ *(?:" + words(p) + r")\b" for p in d.get("after") or ()],
            # searched in the whole clause of the finding
            "clause": [words_regex_source(p, self.macros) for p in d.get("clause") or ()],
            # stories (see the rule file): as "before" and "clause", cancelled by "unless" in the clause
            "story_before": [r"\b(?:" + words(p) + r") *$" for p in d.get("story_before") or ()],
            "story_clause": [words_regex_source(p, self.macros) for p in d.get("story_clause") or ()],
            "unless": [words_regex_source(p, self.macros) for p in d.get("unless") or ()],
        }
        # one regex per part (any of its patterns), so a finding costs three searches
        self.dampen = {part: [re.compile("|".join(f"(?:{src})" for src in srcs))] if srcs else []
                       for part, srcs in self.dampen_sources.items()}

    @property
    def sources(self) -> dict[str, list[tuple[str, str]]]:
        """{category: [(rule id, JavaScript-compatible source)]} of the "words" patterns."""
        out: dict[str, list[tuple[str, str]]] = {}
        for src, info in self.base_words:
            out.setdefault(info.category, []).append((info.id, src))
        return out

    def _set_watched(self, words: tuple[WatchedWord, ...]) -> None:
        self.watched = words
        if not hasattr(self, "words_index"):  # shared by the with_watched_words() copies
            self.words_index = WordIndex(self.base_words)
        self.watched_index = WordIndex(
            [(watched_word_source(w.word), RuleInfo(f"watched_word:{w.action}:{w.word}",
                                                    "watched_word", self.watched_levels[w.action]))
             for w in words]) if words else None

    def warm_up(self) -> Rules:
        """Load the learned layer now rather than on the first post (the rules themselves
        are compiled when they are loaded): call it once at start-up, e.g. in a background
        thread."""
        default_model()  # the learned layer's weights
        self.compiled = True
        return self

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_data(cls, docs: Iterable[dict]) -> Rules:
        return cls(merge_rule_data(docs))

    @classmethod
    def from_dir(cls, path: str | Path = RULES_DIR) -> Rules:
        files = sorted(p for p in Path(path).iterdir()
                       if p.suffix in (".yaml", ".yml", ".json"))
        return cls.from_data(_load_file(p) for p in files)

    @classmethod
    def default(cls) -> Rules:
        """The shipped rules (loaded and compiled once per process)."""
        return _default_rules()

    def with_watched_words(self, words: Iterable[WatchedWord]) -> Rules:
        """A new Rules with these admin watched words (replacing any set before)."""
        new = copy.copy(self)
        new._set_watched(tuple(words))
        return new

    def __repr__(self) -> str:
        return f"<Rules {len(self.rule_info)} rules, {len(self.watched)} watched words>"


@lru_cache(maxsize=1)
def _default_rules() -> Rules:
    return Rules.from_dir(RULES_DIR)


def default_rules_compiled() -> bool:
    """Whether the shipped rules were warmed up (loaded, compiled, the learned layer
    loaded: assessing a short text then takes well under a millisecond and loads nothing)."""
    return _default_rules.cache_info().currsize > 0 and _default_rules().compiled
