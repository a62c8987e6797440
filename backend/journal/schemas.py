"""The mood journal: what comes in and goes out, and the fixed vocabulary of feelings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec

from backend.schema_rules import Out, stated

# --- limits (documented in the OpenAPI schema and in docs/journal-encryption.md) ------

MOOD_SCORE_MIN, MOOD_SCORE_MAX = 1, 5
RATING_MIN, RATING_MAX = 0, 10
MAX_FEELINGS = 8
NOTE_MAX_CHARS = 1_000
BODY_MAX_CHARS = 10_000
TITLE_MAX_CHARS = 140
MAX_GOALS = 20
MOOD_DAYS_DEFAULT, MOOD_DAYS_MAX = 30, 366
# A check-in or rating made offline carries the time it was made: at most this far in
# the future (a phone's clock may be a little fast) and at most MOOD_DAYS_MAX days old.
FUTURE_SKEW = dt.timedelta(minutes=5)
OLDEST = dt.timedelta(days=MOOD_DAYS_MAX)

# --- feelings: plain words a young person of 11 reads easily ---------------------------

FEELINGS: tuple[tuple[str, str], ...] = (
    ("happy", "Happy"),
    ("calm", "Calm"),
    ("proud", "Proud"),
    ("hopeful", "Hopeful"),
    ("excited", "Excited"),
    ("grateful", "Grateful"),
    ("loved", "Loved"),
    ("tired", "Tired"),
    ("bored", "Bored"),
    ("worried", "Worried"),
    ("stressed", "Stressed"),
    ("sad", "Sad"),
    ("lonely", "Lonely"),
    ("angry", "Angry"),
    ("scared", "Scared"),
    ("numb", "Numb"),
)
FEELING_SLUGS = frozenset(slug for slug, _ in FEELINGS)

# --- in ---------------------------------------------------------------------------------

FeelingSlug = Annotated[
    str, msgspec.Meta(min_length=1, max_length=40, description="a slug from GET /api/v1/mood/feelings")
]
ClientId = Annotated[
    uuid.UUID | None, msgspec.Meta(description="a UUID the phone makes: the same one twice stores one record")
]


class MoodIn(msgspec.Struct, forbid_unknown_fields=False):
    score: Annotated[
        int, msgspec.Meta(ge=MOOD_SCORE_MIN, le=MOOD_SCORE_MAX, description="1 (very low) to 5 (very good)")
    ]
    feelings: Annotated[
        list[FeelingSlug], msgspec.Meta(max_length=MAX_FEELINGS),
        stated(items={"type": "string", "enum": sorted(FEELING_SLUGS)}),  # checked by the service, which says which
    ] = msgspec.field(default_factory=list)
    note: (
        Annotated[str, msgspec.Meta(max_length=NOTE_MAX_CHARS, description=f"up to {NOTE_MAX_CHARS:,} characters")]
        | None
    ) = None
    recorded_at: Annotated[dt.datetime, msgspec.Meta(description="when it was made (offline); default now")] | None = (
        None
    )
    client_id: ClientId = None


class JournalEntryIn(msgspec.Struct, forbid_unknown_fields=False):
    body: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=BODY_MAX_CHARS, description=f"1 to {BODY_MAX_CHARS:,} characters"),
    ]
    client_id: ClientId = None


class JournalEntryUpdate(msgspec.Struct, forbid_unknown_fields=False):
    body: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=BODY_MAX_CHARS, description=f"1 to {BODY_MAX_CHARS:,} characters"),
    ]


class GoalIn(msgspec.Struct, forbid_unknown_fields=False):
    title: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=TITLE_MAX_CHARS, description=f"1 to {TITLE_MAX_CHARS} characters"),
    ]
    client_id: ClientId = None


class GoalRatingIn(msgspec.Struct, forbid_unknown_fields=False):
    score: Annotated[int, msgspec.Meta(ge=RATING_MIN, le=RATING_MAX, description="0 (not at all) to 10 (goal reached)")]
    rated_at: Annotated[dt.datetime, msgspec.Meta(description="when it was made (offline); default now")] | None = None
    client_id: ClientId = None


# Kind sentences for each field that can be wrong, used for the 400 detail.
FIELD_HELP: dict[str, str] = {
    "score": f"Please choose how you feel on the scale from {MOOD_SCORE_MIN} to {MOOD_SCORE_MAX}.",
    "feelings": f"Please choose up to {MAX_FEELINGS} feeling words from the list.",
    "note": (f"Your note can be up to {NOTE_MAX_CHARS:,} characters. You could write the rest in your journal."),
    "recorded_at": "The time of the check-in needs to be a date and time like 2025-01-31T18:30:00Z.",
    "client_id": "client_id needs to be a UUID.",
    "body": (
        f"A journal entry can be up to {BODY_MAX_CHARS:,} characters, and can't be empty. "
        "If it's longer, you could split it into two entries."
    ),
    "title": f"A goal needs a short title of 1 to {TITLE_MAX_CHARS} characters.",
    "rated_at": "The time of the rating needs to be a date and time like 2025-01-31T18:30:00Z.",
}
RATING_HELP: dict[str, str] = {
    **FIELD_HELP,
    "score": (
        f"Please rate your goal with a whole number from {RATING_MIN} (not at all) to {RATING_MAX} (reached it)."
    ),
}

# --- out --------------------------------------------------------------------------------


class FeelingOut(msgspec.Struct):
    slug: str
    label: str


class DeviceKeyOut(msgspec.Struct):
    id: str  # the id of the server key it is derived from (8 hex characters)
    key: str  # urlsafe base64 of 32 bytes, no padding


class DeviceKeysOut(msgspec.Struct):
    keys: list[DeviceKeyOut]  # newest first: seal with the first, open with the one named


class MoodOut(msgspec.Struct):
    id: str
    score: int
    feelings: list[str]
    note: str | None
    recorded_at: dt.datetime
    client_id: str | None
    created_at: dt.datetime


class MoodList(msgspec.Struct):
    items: list[MoodOut]
    total: int


class JournalEntryOut(msgspec.Struct):
    id: str
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime | None
    client_id: str | None


class JournalEntryList(msgspec.Struct):
    items: list[JournalEntryOut]
    total: int


class GoalRatingOut(msgspec.Struct):
    id: str
    goal_id: str
    score: int
    rated_at: dt.datetime
    client_id: str | None


class GoalOut(msgspec.Struct):
    id: str
    title: str
    created_at: dt.datetime
    client_id: str | None
    ratings: list[GoalRatingOut]


class GoalList(msgspec.Struct):
    items: list[GoalOut]
    total: int


# --- on-device vocabularies: sent as ready-made JSON bytes; these structs document their shape
# (moderation/engine.py risk_vocabulary and moderation/details_vocabulary.py say what each part means)


class RiskVocabulary(Out):
    """Risk patterns for the private journal check on the phone (pwa/js/risk-check.js)."""

    version: int
    usage: str
    flags: str
    normalise: dict[str, Any]
    categories: dict[str, Any]
    dampen: dict[str, Any]
    # Left out only when the learned model has not been made (make train-moderation).
    model: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class DetailsVocabulary(Out):
    """Personal-details patterns for the check before posting on the phone."""

    version: int
    usage: str
    flags: str
    category: str
    level: str
    normalise: dict[str, Any]
    views: dict[str, Any]
    patterns: list[dict[str, Any]]
    allow: list[dict[str, Any]]
