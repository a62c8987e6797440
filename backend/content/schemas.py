"""Self-help library: what goes out."""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from backend.schema_rules import Out


class TopicOut(msgspec.Struct):
    slug: str
    name: str


class ArticleItem(Out):
    slug: str
    title: str
    summary: str
    topics: list[str]
    thrive: str
    reading_minutes: int
    kind: str


class SearchSupport(Out):
    """When the search itself suggests the reader may not be safe: help comes first."""

    message: str
    can_talk_to_counsellor: bool


class ArticleList(Out):
    items: list[ArticleItem]
    total: int
    support: SearchSupport | UnsetType = UNSET


class ArticleOut(Out):
    slug: str
    title: str
    summary: str
    body_html: str
    topics: list[str]
    thrive: str
    min_age: int
    max_age: int
    reviewed_on: str
    reading_minutes: int
    kind: str
