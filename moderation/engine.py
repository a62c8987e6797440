"""assess(text) -> Verdict, and the risk vocabulary exported to the phone."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import CHAR_MIN, RUN, TOKEN_RE, WINDOW, Model, default_model
from .normalise import CLAUSE, SEPARATOR, SPACED_LETTERS, TOKEN
from .patterns import KEY
from .rules import LEVELS, RuleInfo, Rules

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
    # Why, in words a moderator can read: one line per finding of the learned layer
    # ("risk_to_life 0.97: want to die, to die") and per finding dropped as negated,
    # fictional or joking.
    reasons: tuple[str, ...] = ()

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
                "spans": [s.to_dict() for s in self.spans], "action": self.action,
                "reasons": list(self.reasons)}


_WORD_START = re.compile(r"\b[a-z0-9]")
MAX_PHRASE = 200  # a "words" match is looked for in the 200 characters from its start


def _map(s: int, e: int, index: list[int] | None) -> tuple[int, int]:
    return (s, e) if index is None else (index[s], index[e - 1] + 1)


def _scan_words(windex, subject: str, index, wanted, out: set) -> None:
    """Try the "words" patterns of ``windex`` (a WordIndex) at each word start.

    First the prefilter (every pattern at once, one pass in RE2) says which patterns can
    match the text at all: usually none, and then nothing else is done. Otherwise only
    those are tried, at the word starts they are indexed under; the result is the same as
    trying every pattern (the prefilter never leaves out a pattern that matches)."""
    maybe = windex.prefilter.candidates(subject)
    if not maybe:
        return
    rules, n_rules = windex.rules, len(windex.rules)
    keys = {k for i in maybe if i < n_rules for k in windex.keys_of.get(i, ())}
    if keys:
        for m in _WORD_START.finditer(subject):
            p = m.start()
            key = subject[p:p + KEY]
            if key not in keys:
                continue
            end = p + MAX_PHRASE  # bounds the work on long runs ("aaaa…") to O(length)
            found = set()  # one finding per category at one start
            for i in windex.index[key]:
                if i not in maybe:
                    continue
                pattern, info = rules[i]
                if info.category not in found and wanted(info.category):
                    hit = pattern.match(subject, p, end)
                    if hit:
                        found.add(info.category)
                        out.add((*_map(p, hit.end(), index), info))
    for j, (rx, info) in enumerate(windex.unindexed):
        if n_rules + j in maybe and wanted(info.category):
            for hit in rx.finditer(subject):
                out.add((*_map(*hit.span(), index), info))


def assess(text: str, context: dict | None = None, rules: Rules | None = None,
           model: Model | None | bool = True) -> Verdict:
    """Assess one post, chat message or journal entry.

    context: ``{"kind": "post"|"chat"|"journal", "author_age": int|None}``; an unknown or
    missing kind is treated as ``post`` (the strictest). model: the learned layer
    (True: the shipped one; False or None: rules only)."""
    rules = rules or Rules.default()
    if model is True:
        model = default_model()
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
    gates = rules.open_gates(views)
    for (view, gate), group in rules.gated.items():
        subject, index = views[view]
        if gate is None or gate in gates:
            for cat, rx, info in group:
                if wanted(cat):
                    for hit in rx.finditer(subject):
                        if hit.end() > hit.start():
                            hits.add((*_map(*hit.span(), index), info))
    reasons: list[str] = []
    if hits:
        hits = _drop_allowed(rules, hits, views)
        if rules.dampen_categories:
            hits = _drop_dampened(rules, hits, words, pmap, reasons)
    if model:
        _model_findings(model, rules, words, pmap, wanted, hits, reasons)
    if not hits:
        return Verdict(support_categories=rules.support_categories, alert_categories=rules.alert_categories,
                       reasons=tuple(reasons))

    level_of: dict[str, int] = {}
    for _, _, info in hits:
        level_of[info.category] = max(level_of.get(info.category, 0), info.level)
    age = ctx.get("author_age")
    for esc in rules.escalations:
        if "min_author_age" in esc and not (isinstance(age, (int, float)) and age >= esc["min_author_age"]):
            continue
        for cat in esc["categories"]:
            if cat in level_of and len({h[2].id for h in hits if h[2].category == cat}) >= esc.get(
                    "min_distinct_rules", 1):
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
    return Verdict(LEVELS[level], categories, spans, action, rules.support_categories, rules.alert_categories,
                   tuple(reasons))


def _model_findings(model: Model, rules: Rules, words: str, pmap, wanted, hits: set,
                    reasons: list[str]) -> None:
    """Add the learned layer's findings to ``hits``: a category whose probability reaches
    its "raise" threshold is found, at the category's level, over the stretch of text its
    strongest n-grams cover (no second span when a rule found the category already); unless that stretch is negated or not real in its clause
    (dampened) and the probability is under ``learned_keep``."""
    cats = [c for c in model.categories if wanted(c)]
    if not cats:
        return
    raise_at = raise_thresholds(model, words)

    def found(cat: str, p: float) -> bool:
        return cat in cats and p >= raise_at[cat]

    # categories not wanted are never searched (cutoff above 1); the rest only when they can reach "raise"
    cutoff = {c: raise_at[c] if c in cats else 2.0 for c in model.categories}
    for sc in model.score(words, found, cutoff):
        if sc.category not in cats:
            continue
        if sc.probability >= raise_at[sc.category] and sc.end > sc.start:
            if sc.probability < rules.learned_keep and sc.category in rules.dampen_categories:
                why = dampened(rules, words, sc.start, sc.end)
                if why is not None:
                    reasons.append(f"{sc.category} {sc.probability:.2f} (learned layer) not counted: "
                                   f"\"{why}\" in the same clause")
                    continue
            reasons.append(f"{sc.category} {sc.probability:.2f} (learned layer): " + ", ".join(sc.reasons))
            if not any(h[2].category == sc.category for h in hits):  # a rule's span already shows it
                hits.add((*_map(sc.start, sc.end, pmap), _model_rule(rules, sc.category)))


def raise_thresholds(model: Model, words: str) -> dict[str, float]:
    """Each category's "raise" threshold for this text. A long post (``long_tokens`` words or
    more in the words view) has many stretches for its best one to be picked from, so an
    ordinary one reaches a given probability more easily: it is held to ``raise_long``
    (picked by train.py on the development split's long texts, out of fold)."""
    n = None
    out = {}
    for c in model.categories:
        t = model.thresholds.get(c, {})
        r = t.get("raise", 0.5)
        if "raise_long" in t:
            if n is None:
                n = len(words.split())
            if n >= t["long_tokens"]:
                r = t["raise_long"]
        out[c] = r
    return out


def _model_rule(rules: Rules, category: str) -> RuleInfo:
    return RuleInfo(f"{category}:learned", category, rules.category_level[category])


def clause_of(rules: Rules, words: str, start: int, end: int) -> tuple[int, int]:
    """The clause around words[start:end]: between newlines of the words view, and between
    words that turn a sentence ("but", "though": ``dampen.turn``)."""
    a = words.rfind("\n", 0, start) + 1
    b = words.find("\n", end)
    b = len(words) if b < 0 else b
    if rules.dampen_turn is not None:
        for m in rules.dampen_turn.finditer(words, a, b):
            if m.end() <= start:
                a = m.end()
            elif m.start() >= end:
                b = m.start()
                break
    return a, b


def dampened(rules: Rules, words: str, start: int, end: int, memo: dict | None = None) -> str | None:
    """Why the finding words[start:end] does not count (negated, a story, a game, a song,
    the news, a lesson: see ``dampen`` in the rule files), or None. ``memo`` (a dict kept
    for one message) keeps each clause's "clause" search, as several findings share one.

    A "before" pattern is looked for in the MAX_PHRASE characters before the finding (a
    negation and its helper words are a few words long; a clause can be a whole long post)."""
    a, b = clause_of(rules, words, start, end)
    d = rules.dampen
    before = words[max(a, start - MAX_PHRASE):start]
    for rx in d["before"]:
        m = rx.search(before)
        if m:
            return m.group().strip()
    after = words[end:b]
    for rx in d["after"]:
        m = rx.match(after)
        if m:
            return m.group().strip()
    clause = words[a:b]
    why = _in_clause(d, "clause", clause, (a, b), memo)
    if why is not None:
        return why
    # a story (the past, recovery, someone else's words, a song) counts for nothing only
    # while its clause doesn't say it is the author's now ("unless")
    for rx in d["story_before"]:
        m = rx.search(before)
        if m:
            why = m.group().strip()
            break
    else:
        why = _in_clause(d, "story_clause", clause, (a, b), memo)
    if why is not None and _in_clause(d, "unless", clause, (a, b), memo) is not None:
        return None
    return why


def _in_clause(d: dict, part: str, clause: str, at: tuple[int, int], memo: dict | None) -> str | None:
    """What a dampen ``part`` finds anywhere in the clause (kept in ``memo`` per clause)."""
    key = (part, *at)
    if memo is not None and key in memo:
        return memo[key]
    why = None
    for rx in d[part]:
        m = rx.search(clause)
        if m:
            why = m.group().strip()
            break
    if memo is not None:
        memo[key] = why
    return why


def _drop_dampened(rules: Rules, hits: set, words: str, pmap, reasons: list[str]) -> set:
    """Drop rule findings that are negated or fictional in their own clause (the learned
    layer still scores the text as a whole afterwards)."""
    inverse = None
    kept = set()
    memo: dict = {}
    for h in sorted(hits, key=lambda h: (h[0], h[1], h[2].id)):  # in text order: the same reasons every run
        s, e, info = h
        if info.category not in rules.dampen_categories:
            kept.add(h)
            continue
        if pmap is not None:
            if inverse is None:
                inverse = {}
                for i, o in enumerate(pmap):
                    inverse.setdefault(o, i)
            s, e = inverse.get(s, 0), inverse.get(e - 1, len(words) - 1) + 1
        why = dampened(rules, words, s, e, memo)
        if why is None:
            kept.add(h)
        else:
            reasons.append(f"{info.id} not counted: \"{why}\" in the same clause")
    return kept


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
        cat = (h[2].category, h[2].level)  # a finding inside a less severe one still counts
        last = max_end.get(cat)
        if last is None or h[1] > last[1] or (h[0], h[1]) == last[0]:
            kept.add(h)
            if last is None or h[1] > last[1]:
                max_end[cat] = ((h[0], h[1]), h[1])
    return kept


PHONE_PRUNE = 0.2    # the phone's copy of the model: features whose largest weight is under this are left out,
PHONE_ZERO = 0.05    # single weights under this become 0, the rest are rounded to two decimals


def phone_weights(weights: dict[str, list[float]]) -> dict[str, list[float]]:
    """The learned layer's weights cut down for the phone (about 0.4 of the features, a
    third of the bytes): a cheap phone on a bad connection downloads ~85 KB (brotli)
    instead of ~300 KB, and decides as the server on >= 99 % of the dev split's lines."""
    return {f: [round(x, 2) if abs(x) >= PHONE_ZERO else 0 for x in v]
            for f, v in weights.items() if max(map(abs, v)) >= PHONE_PRUNE}


def risk_vocabulary(rules: Rules | None = None, model: Model | None | bool = True) -> dict:
    """JSON-ready patterns and the learned layer for risk to life, danger from others and
    self-harm, for checking text on the phone (the private journal) as the server does.

    Every regex ``source`` is in the JavaScript-compatible subset (no lookbehind, no named
    groups, no inline flags); use it as ``new RegExp(source, flags)`` on text normalised by
    the ``normalise.steps``. pwa/js/risk-check.js is the implementation; README.md says how."""
    rules = rules or Rules.default()
    if model is True:
        model = default_model()
    n = rules.normaliser
    cats = [c for c in rules.categories if c in rules.support_categories]
    out = {
        "version": 2,
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
                {"step": "clause", "pattern": CLAUSE, "flags": "g", "with": "\n",
                 "note": "punctuation that ends a clause becomes a newline"},
                {"step": "replace", "pattern": SEPARATOR, "flags": "g", "with": " "},
            ],
            "spaced_letters": {
                "pattern": SPACED_LETTERS, "flags": "g",
                "note": "if it matches, also test a second copy of the text in which every "
                        "match has its spaces removed ('k i l l' -> 'kill')"},
        },
        "dampen": {"categories": sorted(rules.dampen_categories), **rules.dampen_sources,
                   "learned_keep": rules.learned_keep, "turn": rules.dampen_turn_source,
                   "note": "a pattern match of these categories does not count when, inside its clause "
                           "(between newlines and matches of 'turn'), a 'before' source matches the text "
                           "before it, an 'after' source the text after it, or a 'clause' source the "
                           "clause; a model finding only when its probability is under learned_keep"},
        "usage": "A pattern's match counts unless it lies wholly inside a match of one of "
                 "its category's allow patterns, or is dampened. A category is also found when the "
                 "model's probability reaches its threshold. Any finding: show support at once.",
    }
    if model:
        out["model"] = {
            "categories": list(model.categories), "bias": model.bias, "weights": phone_weights(model.weights),
            "canon": model.canon, "thresholds": {c: t["raise"] for c, t in model.thresholds.items()},
            "thresholds_long": {c: [t["long_tokens"], t["raise_long"]] for c, t in model.thresholds.items()
                                if "raise_long" in t},
            "window": WINDOW, "char_min": CHAR_MIN, "token": TOKEN_RE.pattern, "run": RUN,
            "note": "see moderation/model.py: tokens of the normalised text, features w: b: t: c:, "
                    "the best stretch of 1..window tokens, probability = sigmoid(bias + sum); "
                    "thresholds_long {category: [n, t]}: a text of n or more space-separated words "
                    "(of the normalised text) is held to threshold t instead"}
    return out
