"""assess(text) -> Verdict, and the risk vocabulary exported to the phone."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalise import SEPARATOR, SPACED_LETTERS, TOKEN
from .patterns import KEY
from .rules import LEVELS, Rules

__all__ = ["Span", "Verdict", "assess", "risk_vocabulary"]


@dataclass(frozen=True)
class Span:
    """One finding: ``text[start:end]`` of the ORIGINAL text matched ``rule``."""
    start: int
    end: int
    category: str
    rule: str
    text: str = ""

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "category": self.category,
                "rule": self.rule, "text": self.text}


@dataclass(frozen=True)
class Verdict:
    level: str = "none"                 # one of LEVELS
    categories: tuple[str, ...] = ()    # most severe first
    spans: tuple[Span, ...] = ()        # in text order
    action: str = "publish_ok"          # "publish_ok" | "hold" | "block"
    support_categories: frozenset = field(default=frozenset({"risk_to_life", "danger_from_others", "self_harm"}),
                                          repr=False, compare=False)
    alert_categories: frozenset = field(default=frozenset({"risk_to_life", "danger_from_others"}),
                                        repr=False, compare=False)

    @property
    def is_risk_to_life(self) -> bool:
        return "risk_to_life" in self.categories

    @property
    def needs_support(self) -> bool:
        """The author should be shown crisis support and offered a counsellor."""
        return any(c in self.support_categories for c in self.categories)

    @property
    def needs_alert(self) -> bool:
        """A human must be told at once (a safeguarding alert): risk to life, or danger from others now."""
        return any(c in self.alert_categories for c in self.categories)

    def to_dict(self) -> dict:
        return {"level": self.level, "categories": list(self.categories),
                "spans": [s.to_dict() for s in self.spans], "action": self.action}


_WORD_START = re.compile(r"\b[a-z0-9]")
MAX_PHRASE = 200  # a "words" match is looked for in the 200 characters from its start


def _map(s: int, e: int, index: list[int] | None) -> tuple[int, int]:
    return (s, e) if index is None else (index[s], index[e - 1] + 1)


def _scan_words(windex, subject: str, index, wanted, out: set) -> None:
    """Try the "words" patterns of ``windex`` (a WordIndex) at each word start: one
    detector per start; the rule is named only when the detector matches."""
    rules, detectors, detector = windex.rules, windex.detectors, windex.detector
    for m in _WORD_START.finditer(subject):
        p = m.start()
        key = subject[p:p + KEY]
        rx = detectors.get(key)
        if rx is None:
            rx = detector(key)
        end = p + MAX_PHRASE  # bounds the work on long runs ("aaaa…") to O(length)
        if not rx or not rx.match(subject, p, end):
            continue
        found = set()  # one finding per category at one start
        for i in windex.index[key]:
            pattern, info = rules[i]
            if info.category not in found and wanted(info.category):
                hit = pattern.match(subject, p, end)
                if hit:
                    found.add(info.category)
                    out.add((*_map(p, hit.end(), index), info))
    for rx, info in windex.unindexed:
        if wanted(info.category):
            for hit in rx.finditer(subject):
                out.add((*_map(*hit.span(), index), info))


def assess(text: str, context: dict | None = None, rules: Rules | None = None) -> Verdict:
    """Assess one post, chat message or journal entry.

    context: ``{"kind": "post"|"chat"|"journal", "author_age": int|None}``; an unknown or
    missing kind is treated as ``post`` (the strictest)."""
    rules = rules or Rules.default()
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    ctx = context or {}
    policy = rules.contexts.get(ctx.get("kind") or "post") or rules.contexts["post"]
    only, ignore = policy.get("only"), set(policy.get("ignore") or ())

    if only is None and not ignore:
        def wanted(cat: str) -> bool:
            return True
    else:
        def wanted(cat: str) -> bool:
            return (only is None or cat in only) and cat not in ignore

    norm = rules.normaliser
    plain, pmap = norm.plain(text)
    words = norm.words(plain)
    views = {"original": (text, None), "plain": (plain, pmap), "words": (words, pmap)}

    hits: set = set()  # (start, end, RuleInfo), offsets in the original text
    joined = norm.joined(words)
    if joined is not None:  # spaced-out letters: joined index -> words -> original
        jtext, jmap = joined
        jmap = jmap if pmap is None else [pmap[i] for i in jmap]
    for windex in (rules.words_index, rules.watched_index):
        if windex is not None:
            _scan_words(windex, words, pmap, wanted, hits)
            if joined is not None:
                _scan_words(windex, jtext, jmap, wanted, hits)
    for (view, gate), group in rules.gated.items():
        subject, index = views[view]
        if gate is None or gate.search(subject):
            for cat, rx, info in group:
                if wanted(cat):
                    for hit in rx.finditer(subject):
                        if hit.end() > hit.start():
                            hits.add((*_map(*hit.span(), index), info))
    if hits:
        hits = _drop_allowed(rules, hits, views)
    if not hits:
        return Verdict(support_categories=rules.support_categories, alert_categories=rules.alert_categories)

    level_of: dict[str, int] = {}
    for _, _, info in hits:
        level_of[info.category] = max(level_of.get(info.category, 0), info.level)
    age = ctx.get("author_age")
    for esc in rules.escalations:
        if isinstance(age, (int, float)) and age >= esc.get("min_author_age", 0):
            for cat in esc["categories"]:
                if cat in level_of:
                    level_of[cat] = max(level_of[cat], LEVELS.index(esc["level"]))

    order = {c: i for i, c in enumerate(rules.categories)}
    categories = tuple(sorted(level_of, key=lambda c: (-level_of[c], order.get(c, 99))))
    level = max(level_of.values())
    spans = tuple(Span(s, e, info.category, info.id, text[s:e])
                  for s, e, info in sorted(hits, key=lambda h: (h[0], -h[1], h[2].id)))

    hold_at = policy.get("hold_at", "medium")
    if any(h[2].id.startswith("watched_word:block:") for h in hits):
        action = "block"
    elif hold_at != "never" and (level >= LEVELS.index(hold_at)
                                 or set(categories) & set(policy.get("hold_categories") or ())):
        action = "hold"
    else:
        action = "publish_ok"
    return Verdict(LEVELS[level], categories, spans, action, rules.support_categories, rules.alert_categories)


def _drop_allowed(rules: Rules, hits: set, views: dict) -> set:
    """Drop findings wholly inside an allowed phrase of their category, and findings
    wholly inside another finding of the same category (one highlight is enough)."""
    for cat in {h[2].category for h in hits} & rules.allow.keys():
        allowed = []
        for view, rx in rules.allow[cat]:
            subject, index = views[view]
            allowed.extend(_map(*m.span(), index) for m in rx.finditer(subject) if m.end() > m.start())
        if allowed:
            hits = {h for h in hits if h[2].category != cat
                    or not any(a <= h[0] and h[1] <= b for a, b in allowed)}
    kept, max_end = set(), {}
    for h in sorted(hits, key=lambda h: (h[0], -h[1])):  # longest first at each start
        cat = h[2].category
        last = max_end.get(cat)
        if last is None or h[1] > last[1] or (h[0], h[1]) == last[0]:
            kept.add(h)
            if last is None or h[1] > last[1]:
                max_end[cat] = ((h[0], h[1]), h[1])
    return kept


def risk_vocabulary(rules: Rules | None = None) -> dict:
    """JSON-ready patterns for risk to life and self-harm, for checking text on the phone.

    Every ``source`` is in the JavaScript-compatible regex subset (no lookbehind, no named
    groups, no inline flags); use it as ``new RegExp(source, flags)`` on text normalised
    by the ``normalise.steps`` below. See README.md for a reference implementation."""
    rules = rules or Rules.default()
    n = rules.normaliser
    cats = [c for c in rules.categories if c in rules.support_categories]
    return {
        "version": 1,
        "flags": "g",
        "categories": {
            c: {"level": LEVELS[rules.category_level[c]],
                "patterns": [{"rule": rid, "source": src} for rid, src in rules.sources.get(c, [])],
                "allow": list(rules.allow_sources.get(c, []))}
            for c in cats},
        "normalise": {
            "steps": [
                {"step": "nfkc", "note": "text.normalize('NFKC')"},
                {"step": "lowercase"},
                {"step": "map_characters", "map": dict(n.confusables),
                 "note": "look-alike letters, quotes, emoji joiners; one character each"},
                {"step": "strip_accents", "note": "normalize('NFD') then remove \\p{M}"},
                {"step": "delete", "unicode_categories": ["Cf"],
                 "note": "zero-width spaces, joiners, soft hyphens"},
                {"step": "leet", "token": TOKEN, "map": dict(n.leet),
                 "only_if_token_matches": "[a-z]", "skip_if_token_is": n._leet_skip.pattern,
                 "note": "for each match of token (flags g) that contains a letter and is "
                         "not wholly skip_if_token_is, replace each character found in map"},
                {"step": "replace", "pattern": SEPARATOR, "flags": "g", "with": " "},
            ],
            "spaced_letters": {
                "pattern": SPACED_LETTERS, "flags": "g",
                "note": "if it matches, also test a second copy of the text in which every "
                        "match has its spaces removed ('k i l l' -> 'kill')"},
        },
        "usage": "A pattern's match counts unless it lies wholly inside a match of one of "
                 "its category's allow patterns. Any risk_to_life match: show crisis "
                 "support at once.",
    }
