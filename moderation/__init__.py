"""Waymark moderation engine: pure Python (stdlib + PyYAML for the rule files).

    from moderation import assess
    verdict = assess("text", {"kind": "post", "author_age": 14})
    verdict.level, verdict.categories, verdict.spans, verdict.action, verdict.needs_support

Rules are data in ``moderation/rules/``; see README.md.
"""
from .engine import Span, Verdict, assess, risk_vocabulary
from .rules import CATEGORIES, LEVELS, Rules, WatchedWord, default_rules_compiled, level_rank

__all__ = ["assess", "Verdict", "Span", "Rules", "WatchedWord", "LEVELS", "CATEGORIES",
           "risk_vocabulary", "default_rules_compiled", "level_rank"]
