"""The self-help library: loading articles from content/, listing, search, reading."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml
from cachetools import LRUCache
from sqlalchemy import case, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.after_commit import on_commit
from backend.content.markdown import render_markdown
from backend.content.models import THRIVE, Article, Topic
from backend.errors import NotFound
from backend.short_memory import ShortMemory

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
ARTICLE_FIELDS = ("title", "summary", "topics", "thrive", "kind", "min_age", "max_age", "reading_minutes", "reviewed_on")


class ContentError(ValueError):
    """A content file that cannot be loaded (the message names the file)."""


# --- loading -----------------------------------------------------------------------------


def read_topics(path: Path) -> list[dict[str, Any]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [{"slug": r["slug"], "name": r["name"], "position": i} for i, r in enumerate(rows)]


def read_article(path: Path, topic_slugs: set[str]) -> dict[str, Any]:
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise ContentError(f"{path.name}: no front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    missing = [f for f in ARTICLE_FIELDS if f not in meta]
    if missing:
        raise ContentError(f"{path.name}: missing {', '.join(missing)}")
    unknown = set(meta["topics"]) - topic_slugs
    if unknown:
        raise ContentError(f"{path.name}: unknown topics {sorted(unknown)}")
    if meta["thrive"] not in THRIVE:
        raise ContentError(f"{path.name}: thrive must be one of {THRIVE}")
    if not 0 < int(meta["min_age"]) <= int(meta["max_age"]) <= 30:
        raise ContentError(f"{path.name}: bad age range")
    reviewed = meta["reviewed_on"]
    body = match.group(2).strip() + "\n"
    return {
        "slug": meta.get("slug") or path.stem,
        "title": str(meta["title"]).strip(),
        "summary": str(meta["summary"]).strip(),
        "kind": meta["kind"],
        "body_md": body,
        "body_html": render_markdown(body),
        "topics": list(meta["topics"]),
        "thrive": meta["thrive"],
        "min_age": int(meta["min_age"]),
        "max_age": int(meta["max_age"]),
        "reading_minutes": int(meta["reading_minutes"]),
        "reviewed_on": reviewed if isinstance(reviewed, dt.date) else dt.date.fromisoformat(str(reviewed)),
        "content_hash": hashlib.sha256(raw.encode()).hexdigest(),
    }


async def import_library(db: AsyncSession, content_dir: Path) -> dict[str, int]:
    """Load topics and articles; idempotent. Returns counts of what changed."""
    topics = read_topics(content_dir / "topics.yaml")
    for row in topics:
        stmt = insert(Topic).values(**row)
        await db.execute(stmt.on_conflict_do_update(index_elements=[Topic.slug],
                                                    set_={"name": row["name"], "position": row["position"]}))
    slugs = {t["slug"] for t in topics}
    articles = [read_article(p, slugs) for p in sorted((content_dir / "articles").glob("*.md"))]
    existing = dict((await db.execute(select(Article.slug, Article.content_hash))).all())
    created = updated = 0
    for values in articles:
        if existing.get(values["slug"]) == values["content_hash"]:
            continue
        if values["slug"] in existing:
            await db.execute(update(Article).where(Article.slug == values["slug"]).values(**values))
            updated += 1
        else:
            await db.execute(insert(Article).values(**values))
            created += 1
    gone = set(existing) - {a["slug"] for a in articles}
    if gone:
        await db.execute(delete(Article).where(Article.slug.in_(gone)))
    on_commit(db, forget_library_caches)
    return {"articles created": created, "articles updated": updated, "articles removed": len(gone),
            "articles unchanged": len(articles) - created - updated}


# --- reading -----------------------------------------------------------------------------

# Library lists and searches, remembered per worker for a few minutes (bounded; the oldest
# go first): the library changes only on import, which forgets them all.
_CACHE_SECONDS = 300.0
_RESULTS_MAX = 5000
_results_cache: ShortMemory[tuple[Any, ...], tuple[list[dict[str, Any]], Intent]] = ShortMemory(
    maxsize=_RESULTS_MAX, ttl=_CACHE_SECONDS)
_library_cache: ShortMemory[str, Any] = ShortMemory(maxsize=4, ttl=_CACHE_SECONDS)  # "topics", "vocabulary"
_synonyms_cache: LRUCache[Path, list[tuple[tuple[str, ...], frozenset[str], frozenset[str], bool]]] = LRUCache(4)
_corrections: LRUCache[str, str] = LRUCache(maxsize=20_000)  # a search word -> the library word it meant


def forget_library_caches() -> None:
    for cache in (_results_cache, _answers_cache, _library_cache, _synonyms_cache, _corrections):
        cache.clear()


def _results_key(reader: Reader, topic: str | None, q: str | None, sort: str, limit: int | None) -> tuple[Any, ...]:
    return (reader.age, topic, " ".join((q or "").lower().split()), sort, limit)


async def find_articles_cached(sessionmaker: Any, *, reader: Reader, topic: str | None, q: str | None,
                               sort: str, limit: int | None, content_dir: Path) -> tuple[list[dict[str, Any]], Intent]:
    """find_articles, remembered for _CACHE_SECONDS (no database session on a hit)."""
    key = _results_key(reader, topic, q, sort, limit)
    hit = _results_cache.get(key)
    if hit is not None and sort != "popular":
        return hit
    async with sessionmaker() as db:
        items, intent = await find_articles(db, reader=reader, topic=topic, q=q, sort=sort, limit=limit,
                                            content_dir=content_dir)
    _results_cache[key] = (items, intent)
    return items, intent


# The encoded answers of those lists and searches, kept as long as their results.
_answers_cache: ShortMemory[tuple[Any, ...], bytes] = ShortMemory(maxsize=_RESULTS_MAX, ttl=_CACHE_SECONDS)


async def articles_answer_json(sessionmaker: Any, *, reader: Reader, topic: str | None, q: str | None, sort: str,
                               limit: int | None, content_dir: Path, support: dict[str, Any]) -> bytes:
    """``{items, total}`` (and ``support`` when the search suggests risk), encoded once per
    cached result (no database session and no encoding on a hit)."""
    key = _results_key(reader, topic, q, sort, limit)
    hit = _answers_cache.get(key)
    if hit is not None and sort != "popular":
        return hit
    items, intent = await find_articles_cached(sessionmaker, reader=reader, topic=topic, q=q, sort=sort,
                                               limit=limit, content_dir=content_dir)
    answer: dict[str, Any] = {"items": items, "total": len(items)}
    if intent.risk:  # the search itself suggests the reader may not be safe: help comes first
        answer["support"] = support
    encoded = msgspec.json.encode(answer)
    if key in _results_cache and sort != "popular":  # kept no longer than the results it encodes
        _answers_cache[key] = encoded
    return encoded


async def list_topics(db: AsyncSession) -> list[dict[str, str]]:
    if (topics := _library_cache.get("topics")) is not None:
        return topics
    rows = (await db.execute(select(Topic.slug, Topic.name).order_by(Topic.position))).all()
    topics = _library_cache["topics"] = [{"slug": s, "name": n} for s, n in rows]
    return topics


async def _vocabulary(db: AsyncSession) -> tuple[frozenset[str], tuple[str, ...]]:
    """Every word in the library (lower case, unstemmed), to correct typos in searches."""
    if (vocabulary := _library_cache.get("vocabulary")) is not None:
        return vocabulary
    rows = await db.execute(text(
        "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || summary || ' ' || body_md) "
        "FROM article$$) WHERE length(word) >= 3 AND word ~ '^[a-z]+$'"))
    words = tuple(sorted(r[0] for r in rows))
    vocabulary = _library_cache["vocabulary"] = (frozenset(words), words)
    return vocabulary


_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Intent:
    """What a query is about, from content/search-synonyms.yaml."""

    articles: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    risk: bool = False


def _synonyms(content_dir: Path) -> list[tuple[tuple[str, ...], frozenset[str], frozenset[str], bool]]:
    if (parsed := _synonyms_cache.get(content_dir)) is None:
        path = content_dir / "search-synonyms.yaml"
        groups = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
        parsed = _synonyms_cache[content_dir] = [
            (tuple(_normalise(str(t)) for t in g["terms"]), frozenset(g.get("articles") or ()),
             frozenset(g.get("topics") or ()), bool(g.get("risk"))) for g in groups or []]
    return parsed


def _normalise(text_: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text_.lower().replace("'", "")))


def query_intent(query: str, content_dir: Path) -> Intent:
    padded = f" {_normalise(query)} "
    articles: set[str] = set()
    topics: set[str] = set()
    risk = False
    for terms, group_articles, group_topics, group_risk in _synonyms(content_dir):
        if any(f" {term} " in padded for term in terms):
            articles |= group_articles
            topics |= group_topics
            risk = risk or group_risk
    return Intent(frozenset(articles), frozenset(topics), risk)


async def correct_query(db: AsyncSession, query: str) -> list[str]:
    """The words of a query, each misspelt one replaced by the nearest library word
    (each correction is worked out once per worker)."""
    known, ordered = await _vocabulary(db)
    words = []
    for word in _WORD.findall(query.lower())[:12]:
        if len(word) < 4 or word in known:
            words.append(word)
            continue
        if (corrected := _corrections.get(word)) is None:
            close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.72)
            corrected = _corrections[word] = close[0] if close else word
        words.append(corrected)
    return words


@dataclass
class Reader:
    """Who is reading: a young person's age narrows the list to what fits them."""

    age: int | None = None


_LIST_COLUMNS = (Article.slug, Article.title, Article.summary, Article.topics, Article.thrive,
                 Article.reading_minutes, Article.kind)


def _item(row: Any) -> dict[str, Any]:
    return {"slug": row.slug, "title": row.title, "summary": row.summary, "topics": list(row.topics),
            "thrive": row.thrive, "reading_minutes": row.reading_minutes, "kind": row.kind}


async def find_articles(db: AsyncSession, *, reader: Reader, topic: str | None, q: str | None,
                        sort: str = "title", limit: int | None = None,
                        content_dir: Path | None = None) -> tuple[list[dict[str, Any]], Intent]:
    """Articles for a reader: by topic, most read, or searched (ranked, stemmed, typos
    corrected, and what young people type mapped to the pages that answer it)."""
    base = select(*_LIST_COLUMNS)
    if topic:
        base = base.where(Article.topics.any(topic))
    if reader.age is not None:
        base = base.where(Article.min_age <= reader.age, Article.max_age >= reader.age)
    if q and q.strip():
        words = await correct_query(db, q)
        intent = query_intent(" ".join([q, *words]), content_dir) if content_dir else Intent()
        if not words:
            return [], intent
        boost = (case((Article.slug.in_(intent.articles), 2.0), else_=0.0)
                 + case((Article.topics.overlap(list(intent.topics)), 1.0), else_=0.0))
        by_intent = or_(Article.slug.in_(intent.articles), Article.topics.overlap(list(intent.topics)))
        for joiner in (" ", " or "):  # all the words first; any of them when that finds nothing
            tsquery = func.websearch_to_tsquery("english", joiner.join(words))
            rank = (func.ts_rank_cd(Article.search, tsquery) + boost).label("rank")
            matches = or_(Article.search.op("@@")(tsquery), by_intent)
            stmt = base.add_columns(rank).where(matches).order_by(text("rank DESC"), Article.title)
            rows = (await db.execute(stmt.limit(limit or 50))).all()
            if rows or len(words) == 1:
                return [_item(r) for r in rows], intent
        return [], intent
    order = (Article.view_count.desc(), Article.title) if sort == "popular" else (Article.title,)
    stmt = base.order_by(*order)
    if limit:
        stmt = stmt.limit(limit)
    return [_item(r) for r in (await db.execute(stmt)).all()], Intent()


async def read_article_counting_view(db: AsyncSession, slug: str, count: bool = True) -> dict[str, Any]:
    """One article; each read adds one to its anonymous view count (unless ``count`` is False)."""
    stmt = (update(Article).where(Article.slug == slug)
            .values(view_count=Article.view_count + (1 if count else 0))
            .returning(Article.slug, Article.title, Article.summary, Article.body_html, Article.topics,
                       Article.thrive, Article.min_age, Article.max_age, Article.reviewed_on,
                       Article.reading_minutes, Article.kind))
    row = (await db.execute(stmt)).first()
    if row is None:
        raise NotFound("We couldn't find that page. It may have moved: try the library or search.")
    return {"slug": row.slug, "title": row.title, "summary": row.summary, "body_html": row.body_html,
            "topics": list(row.topics), "thrive": row.thrive, "min_age": row.min_age, "max_age": row.max_age,
            "reviewed_on": row.reviewed_on.isoformat(), "reading_minutes": row.reading_minutes, "kind": row.kind}
