"""The mood journal over HTTP: thin handlers around backend.journal.services.

Every personal endpoint is for the young person who owns the records: staff roles get
403 and there is no staff endpoint at all. Another person's record answers 404.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from functools import lru_cache
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Dependency, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Invalid, domain_problem
from backend.journal import services
from backend.journal.crypto import get_keyring
from backend.journal.schemas import (
    BODY_MAX_CHARS,
    FEELINGS,
    FIELD_HELP,
    MOOD_DAYS_DEFAULT,
    MOOD_DAYS_MAX,
    RATING_HELP,
    DetailsVocabulary,
    DeviceKeyOut,
    DeviceKeysOut,
    FeelingOut,
    GoalIn,
    GoalList,
    GoalOut,
    GoalRatingIn,
    GoalRatingOut,
    JournalEntryIn,
    JournalEntryList,
    JournalEntryOut,
    JournalEntryUpdate,
    MoodIn,
    MoodList,
    MoodOut,
    RiskVocabulary,
)
from backend.security import requires_young_person

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]

QUERY_HELP = {
    "days": f"days needs to be a whole number from 1 to {MOOD_DAYS_MAX}.",
    "limit": "limit needs to be a whole number from 1 to 100.",
    "offset": "offset needs to be a whole number, 0 or more.",
}
_PATH_KEY = re.compile(r"at `\$\.([A-Za-z_]+)")
_MISSING = re.compile(r"missing required field `([A-Za-z_]+)`")


def _kind_problem(keys: list[str], help_: dict[str, str], errors: list[dict[str, Any]]) -> Invalid:
    for key in keys:
        if key in help_:
            return Invalid(help_[key], code="bad_input", field=key, errors=errors)
        if key in QUERY_HELP:
            return Invalid(QUERY_HELP[key], code="bad_input", field=key, errors=errors)
    return Invalid(
        "Something in what was sent needs fixing. Please check it and try again.",
        code="bad_input",
        errors=errors,
    )


def _validation_problem(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's validation errors, with a detail a young person can read (and the limit,
    when something was too long)."""
    errors = exc.extra if isinstance(exc.extra, list) else []
    keys: list[str] = []
    for e in errors:
        if isinstance(e, dict):
            missing = _MISSING.search(str(e.get("message", "")))
            keys.append(missing.group(1) if missing else str(e.get("key", "")).split(".")[0])
    help_ = request.route_handler.opt.get("field_help", FIELD_HELP)
    return domain_problem(request, _kind_problem(keys, help_, errors))


async def _strict(request: Request[Any, Any, Any], type_: type, help_: dict[str, str]) -> Any:
    """Check the body again without Litestar's lenient conversions: "3" is not a score."""
    raw = await request.json()
    try:
        return msgspec.convert(raw, type_, strict=True)
    except msgspec.ValidationError as exc:
        match = _PATH_KEY.search(str(exc))
        key = match.group(1) if match else ""
        raise _kind_problem(
            [key], help_, [{"message": str(exc).split(" - ")[0], "key": key, "source": "body"}]
        ) from exc


class _Private(Controller):
    guards = [requires_young_person]
    exception_handlers = {ValidationException: _validation_problem}

    def __init__(self, owner: Any) -> None:
        get_keyring()  # a missing or malformed key stops the app at start-up, not at the first entry
        super().__init__(owner)


class MoodController(_Private):
    path = "/api/v1/mood"
    tags = ["mood journal"]

    @post(
        "",
        status_code=HTTP_201_CREATED,
        summary="Record a mood check-in",
        field_help=FIELD_HELP,
        description="score 1..5, up to 8 feeling slugs from GET /api/v1/mood/feelings, an optional note "
        "(encrypted at rest), recorded_at for a check-in made offline (at most 5 minutes ahead, "
        "at most 366 days old). The same client_id twice stores one check-in.",
    )
    async def record(self, request: Request, data: MoodIn, db_session: DB) -> MoodOut:
        data = await _strict(request, MoodIn, FIELD_HELP)
        return await services.record_mood(
            db_session,
            request.scope["user"].id,
            score=data.score,
            feelings=data.feelings,
            note=data.note,
            recorded_at=data.recorded_at,
            client_id=data.client_id,
        )

    @get("", summary="My mood check-ins of the last days, newest first")
    async def list_moods(
        self,
        request: Request,
        db_session: DB,
        days: Annotated[int, Parameter(ge=1, le=MOOD_DAYS_MAX, description="how many days back")] = MOOD_DAYS_DEFAULT,
        limit: Annotated[int, Parameter(ge=1, le=5000, description="at most this many items")] = 1000,
    ) -> MoodList:
        items, total = await services.list_moods(db_session, request.scope["user"].id, days=days, limit=limit)
        return MoodList(items=items, total=total)


class JournalController(_Private):
    path = "/api/v1/journal"
    tags = ["mood journal"]

    @post(
        "",
        status_code=HTTP_201_CREATED,
        summary="Write a private journal entry",
        field_help=FIELD_HELP,
        description=f"body: 1 to {BODY_MAX_CHARS:,} characters, encrypted at rest. The same client_id twice "
        "stores one entry.",
    )
    async def write(self, request: Request, data: JournalEntryIn, db_session: DB) -> JournalEntryOut:
        data = await _strict(request, JournalEntryIn, FIELD_HELP)
        return await services.write_journal_entry(
            db_session, request.scope["user"].id, body=data.body, client_id=data.client_id
        )

    @get("", summary="My journal entries, newest first")
    async def list_entries(
        self,
        request: Request,
        db_session: DB,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
    ) -> JournalEntryList:
        items, total = await services.list_journal_entries(
            db_session, request.scope["user"].id, limit=limit, offset=offset
        )
        return JournalEntryList(items=items, total=total)

    @get(
        "/device-key",
        summary="The keys my phone seals what it keeps of my journal with",
        description="For this young person only: AES-256-GCM keys (urlsafe base64, newest first, each "
        "named by an id) that the PWA imports as non-extractable keys to encrypt its offline outbox and "
        "the entries it keeps for reading offline. Log-out and Quick exit delete them from the phone; "
        "the next log-in fetches them again. Never cached.",
        cache_control=CacheControlHeader(no_store=True),
    )
    async def device_key(self, request: Request) -> DeviceKeysOut:
        keys = get_keyring().device_keys(request.scope["user"].id)
        return DeviceKeysOut(keys=[DeviceKeyOut(id=kid, key=key) for kid, key in keys])

    @get("/{entry_id:uuid}", summary="One of my journal entries")
    async def read(self, request: Request, entry_id: uuid.UUID, db_session: DB) -> JournalEntryOut:
        return await services.read_journal_entry(db_session, request.scope["user"].id, entry_id)

    @put(
        "/{entry_id:uuid}",
        status_code=HTTP_200_OK,
        summary="Rewrite one of my journal entries",
        field_help=FIELD_HELP,
    )
    async def rewrite(
        self, request: Request, entry_id: uuid.UUID, data: JournalEntryUpdate, db_session: DB
    ) -> JournalEntryOut:
        data = await _strict(request, JournalEntryUpdate, FIELD_HELP)
        return await services.rewrite_journal_entry(db_session, request.scope["user"].id, entry_id, body=data.body)

    @delete("/{entry_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Delete one of my journal entries")
    async def remove(self, request: Request, entry_id: uuid.UUID, db_session: DB) -> None:
        await services.delete_journal_entry(db_session, request.scope["user"].id, entry_id)


class GoalController(_Private):
    path = "/api/v1/goals"
    tags = ["mood journal"]

    @post(
        "",
        status_code=HTTP_201_CREATED,
        summary="Set a personal goal",
        field_help=FIELD_HELP,
        description="title: 1 to 140 characters, encrypted at rest. Up to 20 goals (409 over it).",
    )
    async def set_goal(self, request: Request, data: GoalIn, db_session: DB) -> GoalOut:
        data = await _strict(request, GoalIn, FIELD_HELP)
        return await services.set_goal(db_session, request.scope["user"].id, title=data.title, client_id=data.client_id)

    @get("", summary="My goals, newest first, each with its ratings oldest to newest")
    async def list_goals(self, request: Request, db_session: DB) -> GoalList:
        items, total = await services.list_goals(db_session, request.scope["user"].id)
        return GoalList(items=items, total=total)

    @post(
        "/{goal_id:uuid}/ratings",
        status_code=HTTP_201_CREATED,
        summary="Rate how close I am to a goal (0..10)",
        field_help=RATING_HELP,
    )
    async def rate(self, request: Request, goal_id: uuid.UUID, data: GoalRatingIn, db_session: DB) -> GoalRatingOut:
        data = await _strict(request, GoalRatingIn, RATING_HELP)
        return await services.rate_goal(
            db_session,
            request.scope["user"].id,
            goal_id,
            score=data.score,
            rated_at=data.rated_at,
            client_id=data.client_id,
        )

    @delete("/{goal_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Remove one of my goals and its ratings")
    async def remove(self, request: Request, goal_id: uuid.UUID, db_session: DB) -> None:
        await services.remove_goal(db_session, request.scope["user"].id, goal_id)


def _json_and_etag(data: dict) -> tuple[bytes, str]:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@lru_cache(maxsize=1)
def _risk_vocabulary_json() -> tuple[bytes, str]:
    from moderation import risk_vocabulary  # imported late: only these two endpoints need the engine

    return _json_and_etag(risk_vocabulary())


@lru_cache(maxsize=1)
def _details_vocabulary_json() -> tuple[bytes, str]:
    from moderation.details_vocabulary import details_vocabulary

    return _json_and_etag(details_vocabulary())


def _cacheable(request: Request, body: bytes, etag: str) -> Response[bytes]:
    """The JSON, or 304 when the phone already has this version (If-None-Match)."""
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


# The phone sends the ETag it has in If-None-Match; an unchanged vocabulary is not sent again.
NOT_CHANGED = {304: ResponseSpec(None, description="Not changed since the ETag in If-None-Match (no body).")}


class JournalVocabularyController(Controller):
    """Public, cacheable word lists for the PWA (nothing personal)."""

    path = "/api/v1"
    tags = ["mood journal"]

    @get(
        "/mood/feelings",
        summary="The feeling words a check-in can use",
        cache_control=CacheControlHeader(public=True, max_age=86_400),
    )
    async def feelings(self) -> list[FeelingOut]:
        return [FeelingOut(slug=slug, label=label) for slug, label in FEELINGS]

    @get(
        "/journal/risk-vocabulary",
        summary="Risk patterns for the private, on-device journal check",
        description="The risk-to-life and self-harm patterns of the moderation engine in a "
        "JavaScript-compatible form, so the PWA can offer support while a young person writes "
        "without the text leaving the phone.",
        cache_control=CacheControlHeader(public=True, max_age=3_600),
        responses=NOT_CHANGED,
    )
    async def risk_vocabulary(self, request: Request) -> Response[RiskVocabulary]:  # sent as ready-made JSON bytes
        return _cacheable(request, *_risk_vocabulary_json())

    @get(
        "/forums/details-vocabulary",
        tags=["forums"],
        summary="Personal-details patterns for the private, on-device check before posting",
        description="The moderation engine's personal-details patterns (phone numbers, e-mail "
        "addresses, postcodes, addresses, towns, schools, social media names, links) in a "
        "JavaScript-compatible form, each with the view of the text it reads, so the PWA can tell "
        "a young person before sending that a post will wait for a moderator, without the text "
        "leaving the phone.",
        cache_control=CacheControlHeader(public=True, max_age=3_600),
        responses=NOT_CHANGED,
    )
    async def details_vocabulary(self, request: Request) -> Response[DetailsVocabulary]:  # ready-made JSON bytes
        return _cacheable(request, *_details_vocabulary_json())
