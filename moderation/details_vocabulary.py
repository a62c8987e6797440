"""The personal-details patterns exported to the phone, for the private check that tells a
young person, before a forum post is sent, that it looks like it names a phone number, a
school, a social media name... (the post is then held for a moderator, as the server does).

Same form as :func:`moderation.risk_vocabulary` (and its ``normalise`` steps), with one
addition: each pattern names the ``view`` of the text it is matched against, because the
personal-details rules look at three views (see normalise.py):

* ``original`` - the text as typed (case matters: "St Mary's School");
* ``plain``    - the first ``views.plain.steps`` normalise steps (NFKC, lower case,
  look-alike letters, accents, invisible characters): digits and punctuation kept;
* ``words``    - every step (also l33t inside words, separators to spaces), and the
  ``spaced_letters`` copy, as for the risk vocabulary.

A pattern with ``needs`` is only tried when ``needs`` is found in the same view (as the
engine does). A finding counts unless it lies wholly inside a match of an ``allow``
pattern (in its own view; offsets are comparable because every view keeps one character
for one, except where NFKC changes the length). Sources are the engine's own: Python and
JavaScript read them alike; some use lookbehind (ES2018, every current browser), and a
browser that can't compile one skips it.

Reads the rules only through their public attributes; the rule files stay the one source.
"""
from __future__ import annotations

from .engine import risk_vocabulary
from .patterns import words_regex_source
from .rules import LEVELS, Rules

__all__ = ["CATEGORY", "details_vocabulary"]

CATEGORY = "personal_details"


def _patterns(rules: Rules, block: dict) -> list[dict]:
    out: list[dict] = []
    for rid, rule in block["rules"].items():
        info = rules.rule_info[f"{CATEGORY}:{rid}"]
        for pat in rule.get("words") or ():
            out.append({"rule": info.id, "view": "words", "source": words_regex_source(pat, rules.macros)})
        for view in ("plain", "original"):
            for entry in rule.get(view) or ():
                pat, needs = (entry, None) if isinstance(entry, str) else (entry["re"], entry.get("needs"))
                item = {"rule": info.id, "view": view, "source": pat}
                if needs:
                    item["needs"] = needs
                out.append(item)
    return out


def details_vocabulary(rules: Rules | None = None) -> dict:
    """JSON-ready personal-details patterns (forum posts) for checking text on the phone."""
    rules = rules or Rules.default()
    block = rules.data["categories"][CATEGORY]
    normalise = risk_vocabulary(rules)["normalise"]
    names = [s["step"] for s in normalise["steps"]]
    plain_steps = names.index("leet") if "leet" in names else len(names)
    allow = ([{"view": "words", "source": words_regex_source(p, rules.macros)} for p in block["allow"]["words"]]
             + [{"view": "plain", "source": p} for p in block["allow"]["plain"]])
    return {
        "version": 1,
        "flags": "g",
        "category": CATEGORY,
        "level": LEVELS[rules.category_level[CATEGORY]],
        "patterns": _patterns(rules, block),
        "allow": allow,
        "normalise": normalise,
        "views": {"original": {"steps": 0}, "plain": {"steps": plain_steps},
                  "words": {"steps": len(names), "spaced_letters": True}},
        "usage": "Match each pattern on its view (if its needs is found there); a match counts "
                 "unless it lies wholly inside an allow match. Any match: tell the writer kindly "
                 "before sending that the post will wait for a moderator.",
    }
