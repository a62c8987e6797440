"""The forums' posting policy: the admin's settings (auto-publish) and the engine's rules
with the admin's watched words, and assessing a post's text under them. The moderation
console (``backend.review``) changes the settings and the watched words; posting here and a
moderator's edit there assess text through this module.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.forums.models import ForumSettings, WatchedWordRow

# What the author reads when the engine finds an admin "block" word (no human involved).
BLOCKED_MESSAGE = ("We couldn't post this because it uses words that aren't allowed on Waymark's boards. "
                   "You're welcome to post again without them.")


async def forum_settings(db: AsyncSession, *, for_update: bool = False) -> ForumSettings:
    """The one settings row (the migration creates it; made here if it is missing)."""
    stmt = select(ForumSettings).where(ForumSettings.id == 1).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await db.execute(stmt)).scalars().first()
    if row is None:
        await db.execute(insert(ForumSettings).values(id=1).on_conflict_do_nothing())
        row = (await db.execute(stmt)).scalars().one()
    return row


# --- the engine's rules, with the admin's watched words ------------------------------------


@dataclass
class _RulesCache:
    version: int = -1
    rules: Any = None
    lock: asyncio.Lock | None = None


_cache = _RulesCache()


async def rules_for(db: AsyncSession, version: int) -> Any:
    """The compiled rules for this watched-words ``version``. Compiled once per worker per
    version (compiling takes a while, so it runs in a thread); every worker sees a change
    on its next post because the version is read from PostgreSQL each time."""
    if _cache.rules is not None and _cache.version == version:
        return _cache.rules
    if _cache.lock is None:
        _cache.lock = asyncio.Lock()
    async with _cache.lock:
        if _cache.rules is not None and _cache.version == version:
            return _cache.rules
        from moderation import Rules, WatchedWord

        rows = (await db.execute(select(WatchedWordRow.word, WatchedWordRow.action)
                                 .order_by(WatchedWordRow.created_at))).all()
        base = await asyncio.to_thread(Rules.default)
        words = [WatchedWord(word, action) for word, action in rows]
        rules = await asyncio.to_thread(base.with_watched_words, words) if words else base
        _cache.version, _cache.rules = version, rules
        return rules


async def rules_and_settings(db: AsyncSession) -> tuple[Any, ForumSettings]:
    settings = await forum_settings(db)
    return await rules_for(db, settings.watched_words_version), settings


# --- assessing a post ------------------------------------------------------------------------


@dataclass
class Findings:
    level: str
    categories: list[str]
    spans: list[dict[str, Any]]
    action: str  # publish_ok | hold | block
    needs_support: bool
    needs_alert: bool = False
    verdict: Any = None  # the engine's Verdict, for the safeguarding alert


def _split_spans(spans: Any, title_len: int | None) -> list[dict[str, Any]]:
    """Engine spans over "title\\n\\nbody" as spans of each field (one finding that runs
    from the title into the body becomes one span in each). The matched text is not kept:
    the console slices it from the field."""
    out = []
    offset = (title_len + 2) if title_len is not None else 0
    for s in spans:
        base = {"category": s.category, "rule": s.rule}
        if title_len is not None and s.start < title_len:
            out.append({"start": s.start, "end": min(s.end, title_len), **base, "field": "title"})
            if s.end > offset:
                out.append({"start": 0, "end": s.end - offset, **base, "field": "body"})
        elif s.end > offset:
            out.append({"start": max(0, s.start - offset), "end": s.end - offset, **base, "field": "body"})
    return out


async def assess_post(rules: Any, title: str | None, body: str, author_age: int | None) -> Findings:
    """Assess the title and body together (a phrase split between them still counts)."""
    from moderation import assess

    whole = f"{title}\n\n{body}" if title is not None else body
    verdict = await asyncio.to_thread(assess, whole, {"kind": "post", "author_age": author_age}, rules)
    return Findings(level=verdict.level, categories=list(verdict.categories),
                    spans=_split_spans(verdict.spans, len(title) if title is not None else None),
                    action=verdict.action, needs_support=verdict.needs_support,
                    needs_alert=verdict.needs_alert, verdict=verdict)


async def reassess(db: AsyncSession, title: str | None, body: str) -> Findings:
    """For a moderator's edit: the current rules, no author age (the text is the moderator's)."""
    rules, _ = await rules_and_settings(db)
    return await assess_post(rules, title, body, None)
