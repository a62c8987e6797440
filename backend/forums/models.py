"""Anonymous peer forums: boards, threads, posts, supportive reactions and reports.

A thread's first post has the same id as the thread (the queue shows one id for both);
the thread's ``status`` follows that first post. Posts outlive their author's account
(``author_id`` SET NULL: other people's replies stay readable, the author reads as
"Former member"); reactions and reports are the person's own and go with the account.
The posting policy's two tables (the admin's settings and watched words) are here too:
``backend/forums/policy.py`` reads them, the moderation console (``backend/review``)
changes them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import Base
from moderation import LEVELS

POST_STATUSES = ("pending", "published", "rejected", "held")
RISK_LEVELS = LEVELS  # the moderation engine's levels, lowest first
REPORT_STATUSES = ("open", "dismissed", "upheld")
WATCHED_ACTIONS = ("block", "hold", "flag")
FORMER_MEMBER = "Former member"  # the author of a post whose account is gone


class Board(Base):
    """A topic board, loaded from content/boards.yaml."""

    __tablename__ = "forum_board"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    # A retired board is read-only: left out of the list, its threads still readable.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Added or edited by an admin in the console: loading content/ leaves it alone.
    managed_in_app: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class Thread(Base):
    __tablename__ = "forum_thread"
    __table_args__ = (
        CheckConstraint(f"status IN {POST_STATUSES!r}", name="status_known"),
        Index("ix_forum_thread_board_activity", "board_slug", "last_activity_at",
              postgresql_where=text("status = 'published'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    board_slug: Mapped[str] = mapped_column(ForeignKey("forum_board.slug"))
    title: Mapped[str] = mapped_column(String(120))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                        index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    last_activity_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                          server_default=func.now())


class Post(Base):
    """A thread's first post or a reply. ``status``: pending (waiting for a moderator),
    held (needs a human because of risk), published, rejected."""

    __tablename__ = "forum_post"
    __table_args__ = (
        CheckConstraint(f"status IN {POST_STATUSES!r}", name="status_known"),
        CheckConstraint(f"risk_level IN {RISK_LEVELS!r}", name="risk_level_known"),
        Index("uq_forum_post_client_id", "author_id", "client_id", unique=True,
              postgresql_where=text("client_id IS NOT NULL")),
        Index("ix_forum_post_thread_created", "thread_id", "created_at"),
        Index("ix_forum_post_author_created", "author_id", "created_at"),
        Index("ix_forum_post_queue", "created_at", postgresql_where=text("status IN ('pending', 'held')")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The author's council when they posted: anonymous figures per council, no identity.
    council_code: Mapped[str | None] = mapped_column(String(9))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    risk_categories: Mapped[list[str]] = mapped_column(JsonB, default=list)
    risk_spans: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    auto_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    edited_by_moderator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    moderator_message: Mapped[str | None] = mapped_column(Text)  # the kind words the author sees
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # set by the account rule (backend/restrictions) for a repeat offender: e.g. "hold_all";
    # such a post comes first in the review queue. Never acted on automatically.
    suggested_action: Mapped[str | None] = mapped_column(String(20))


class Reaction(Base):
    """A supportive reaction. No counts are ever shown (no popularity contest)."""

    __tablename__ = "forum_reaction"

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())


class Report(Base):
    """Someone asking moderators to look at a published post again."""

    __tablename__ = "forum_report"
    __table_args__ = (
        CheckConstraint(f"status IN {REPORT_STATUSES!r}", name="status_known"),
        CheckConstraint(f"risk_level IN {RISK_LEVELS!r}", name="risk_level_known"),
        Index("uq_forum_report_open", "post_id", "reporter_id", unique=True,
              postgresql_where=text("status = 'open'")),
        Index("ix_forum_report_post_open", "post_id", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forum_post.id", ondelete="CASCADE"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    # The engine's reading of the reason ("they said they want to end it" ranks urgent).
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    closed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


# --- the posting policy: the admin's settings and watched words (backend/forums/policy.py) ---


class ForumSettings(Base):
    """One row (id 1): the admin's forum policy. ``watched_words_version`` grows with every
    watched-word change so each worker knows when to rebuild its compiled rules."""

    __tablename__ = "forum_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("auto_publish_min_approved BETWEEN 1 AND 100", name="min_approved_range"),
    )

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    auto_publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    auto_publish_min_approved: Mapped[int] = mapped_column(SmallInteger, default=5, server_default=text("5"))
    watched_words_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())


class WatchedWordRow(Base):
    __tablename__ = "watched_word"
    __table_args__ = (
        CheckConstraint(f"action IN {WATCHED_ACTIONS!r}", name="action_known"),
        Index("uq_watched_word_word", text("lower(word)"), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    word: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow,
                                                    server_default=func.now())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
