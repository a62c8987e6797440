"""Forums: what comes in (every string has a length limit: oversize input is a 400) and goes out."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from backend.schema_rules import NOT_BLANK, Out, one_of
from backend.signposting.schemas import Support

TITLE_MAX = 120
BODY_MAX = 5000
REASON_MAX = 500

# Supportive reactions only. No counts are ever shown: a reader sees which kinds were
# used on a post and which of them are theirs, never how many.
REACTION_KINDS = {
    "hug": "Sending a hug",
    "same_here": "Same here",
    "you_got_this": "You've got this",
    "thank_you": "Thank you for sharing",
}

FIELD_HELP = {
    "title": f"Please give your thread a title (up to {TITLE_MAX} characters).",
    "body": f"Please write your post (up to {BODY_MAX:,} characters).",
    "client_id": "client_id must be a UUID made on your device.",
    "kind": "Please choose one of these: " + ", ".join(REACTION_KINDS) + ".",
    "reason": f"Please tell us what's wrong (up to {REASON_MAX} characters).",
}


class ThreadIn(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(max_length=TITLE_MAX), NOT_BLANK]
    body: Annotated[str, msgspec.Meta(max_length=BODY_MAX), NOT_BLANK]
    client_id: uuid.UUID | None = None


class ReplyIn(msgspec.Struct):
    body: Annotated[str, msgspec.Meta(max_length=BODY_MAX), NOT_BLANK]
    client_id: uuid.UUID | None = None


class ReactionIn(msgspec.Struct):
    kind: Annotated[str, msgspec.Meta(max_length=40), one_of(REACTION_KINDS)]


class ReportIn(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(max_length=REASON_MAX), NOT_BLANK]


# --- out ------------------------------------------------------------------------------------

PostStatus = Literal["pending", "published", "rejected", "held"]


class BoardOut(Out):
    slug: str
    name: str
    description: str


class ThreadSummary(Out):
    id: str
    title: str
    author: str
    created_at: str
    reply_count: int
    last_activity_at: str
    status: PostStatus
    waiting_for_moderator: bool  # the reader's own thread, not yet published


class ThreadList(Out):
    items: list[ThreadSummary]
    total: int
    retired: bool


class ReactionUse(Out):
    """A kind used on a post, and whether the reader used it (never a count)."""

    kind: str
    mine: bool


class PostInThread(Out):
    id: str
    author: str
    body: str
    status: PostStatus
    created_at: str
    reactions: list[ReactionUse]
    mine: bool
    edited_by_moderator: bool
    # the reader's own unpublished post: the moderator's kind words, and whether to show support again
    moderator_message: str | None | UnsetType = UNSET
    needs_support: bool | UnsetType = UNSET


class ThreadOut(Out):
    id: str
    title: str
    board: str
    author: str
    status: PostStatus
    created_at: str
    posts: list[PostInThread]


class PostAnswer(Out):
    id: str
    status: PostStatus
    thread_id: str
    message: str | None = None
    support: Support | UnsetType = UNSET


class ReactionsOut(Out):
    post_id: str
    kind: str
    reactions: list[ReactionUse]


class ReportOut(Out):
    id: str
    post_id: str
    status: str
    created_at: str
    message: str


class MyPost(Out):
    id: str
    thread_id: str
    body: str
    status: PostStatus
    created_at: str
    board: str
    is_thread: bool
    title: str | UnsetType = UNSET  # the first post of a thread
    thread_title: str | UnsetType = UNSET  # a reply
    reason: str | None | UnsetType = UNSET  # a rejected post: the moderator's kind words


class MyPosts(Out):
    items: list[MyPost]
    total: int


# --- the person's own export (GET /api/v1/me/export, "forums") ----------------------------


class ExportedThread(Out):
    id: str
    board: str
    title: str
    status: PostStatus
    created_at: str


class ExportedPost(Out):
    id: str
    thread_id: str
    body: str
    status: PostStatus
    created_at: str
    moderator_message: str | None
    edited_by_moderator: bool


class ExportedReaction(Out):
    post_id: str
    kind: str
    created_at: str


class ExportedReport(Out):
    id: str
    post_id: str
    reason: str
    status: str
    created_at: str


class ForumExport(Out):
    threads: list[ExportedThread]
    posts: list[ExportedPost]
    reactions: list[ExportedReaction]
    reports: list[ExportedReport]
    about: str
