"""Forums: what comes in. Every string has a length limit: oversize input is a 400."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

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
    title: Annotated[str, msgspec.Meta(max_length=TITLE_MAX)]
    body: Annotated[str, msgspec.Meta(max_length=BODY_MAX)]
    client_id: uuid.UUID | None = None


class ReplyIn(msgspec.Struct):
    body: Annotated[str, msgspec.Meta(max_length=BODY_MAX)]
    client_id: uuid.UUID | None = None


class ReactionIn(msgspec.Struct):
    kind: Annotated[str, msgspec.Meta(max_length=40)]


class ReportIn(msgspec.Struct):
    reason: Annotated[str, msgspec.Meta(max_length=REASON_MAX)]
