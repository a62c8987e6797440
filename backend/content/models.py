"""Self-help: topics and articles (loaded from content/, searchable in PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Computed, Date, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from backend.database import Base

THRIVE = ("thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support")


class Topic(Base):
    __tablename__ = "topic"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_search", "search", postgresql_using="gin"),
        Index("ix_article_topics", "topics", postgresql_using="gin"),
    )

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20), default="article")
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(40)), default=list)
    thrive: Mapped[str] = mapped_column(String(30))
    min_age: Mapped[int] = mapped_column(SmallInteger)
    max_age: Mapped[int] = mapped_column(SmallInteger)
    reading_minutes: Mapped[int] = mapped_column(SmallInteger)
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    # An anonymous count of reads, for "most read" (no reader is recorded).
    view_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    search: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed(
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
            "setweight(to_tsvector('english', coalesce(body_md, '')), 'C')",
            persisted=True,
        ),
    )


__all__ = ["THRIVE", "Article", "Integer", "Topic"]
