"""The rules of the mood journal: check-ins, journal entries, goals and ratings, each
private to the young person who wrote it. Free text is encrypted before it reaches the
database and decrypted only for its author (or their export).

Nothing here logs a body, a note, a title or an id.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.services import register_exporter
from backend.clock import utcnow
from backend.errors import Problem
from backend.journal.crypto import DecryptionError, Keyring, get_keyring
from backend.journal.models import Goal, GoalRating, JournalEntry, MoodCheckin
from backend.journal.rotation import EncryptedColumn
from backend.journal.schemas import (
    BODY_MAX_CHARS,
    FEELING_SLUGS,
    FUTURE_SKEW,
    MAX_GOALS,
    OLDEST,
    TITLE_MAX_CHARS,
    GoalOut,
    GoalRatingOut,
    JournalEntryOut,
    MoodOut,
)

log = logging.getLogger("waymark.journal")

# What each encrypted column is called in the associated data (binds a ciphertext to it).
MOOD_NOTE = "mood_checkin.note"
JOURNAL_BODY = "journal_entry.body"
GOAL_TITLE = "goal.title"

# Every encrypted column of the journal (``waymark rotate-encryption`` re-encrypts them).
ENCRYPTED_COLUMNS = (
    EncryptedColumn(MoodCheckin, "note", MOOD_NOTE, owner="user_id"),
    EncryptedColumn(JournalEntry, "body", JOURNAL_BODY, owner="user_id"),
    EncryptedColumn(Goal, "title", GOAL_TITLE, owner="user_id"),
)


def _open(keyring: Keyring, stored: str, *, kind: str, owner: uuid.UUID, record: uuid.UUID) -> str:
    try:
        return keyring.decrypt(stored, kind=kind, owner=owner, record=record)
    except DecryptionError as exc:
        log.error("a stored %s could not be decrypted (%s)", kind, exc)
        raise Problem(
            500,
            "Part of your journal couldn't be opened just now. Please try again later.",
            code="unreadable",
        ) from exc


def _client(value: uuid.UUID | None) -> str | None:
    return str(value) if value else None


def check_moment(when: dt.datetime | None, *, what: str, now: dt.datetime) -> dt.datetime:
    """The time a check-in or rating was made: now, or a time the phone kept while it was
    offline (no later than a few minutes ahead, no older than a year)."""
    if when is None:
        return now
    if when.tzinfo is None:  # no offset given: read it as UTC
        when = when.replace(tzinfo=dt.UTC)
    when = when.astimezone(dt.UTC)
    if when > now + FUTURE_SKEW:
        raise Problem(
            400,
            f"The time of this {what} is in the future. Please check the date and time on your phone.",
            code="time_in_future",
        )
    if when < now - OLDEST:
        raise Problem(400, f"This {what} is more than a year old, so it can't be added.", code="time_too_old")
    return when


async def _insert_once(db: AsyncSession, model: type, values: dict[str, Any]) -> Any:
    """INSERT ... ON CONFLICT (user_id, client_id) DO NOTHING, then read the stored row:
    a retried write (or two racing ones) with one client_id stores one record and both
    answer with it."""
    if values.get("client_id") is None:
        row = model(**values)
        db.add(row)
        await db.flush()
        return row
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=["user_id", "client_id"])
    await db.execute(stmt)
    stored = (
        await db.execute(
            select(model)
            .where(model.user_id == values["user_id"], model.client_id == values["client_id"])
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    return stored


# --- mood check-ins -----------------------------------------------------------------------


def mood_out(row: MoodCheckin, keyring: Keyring) -> MoodOut:
    note = _open(keyring, row.note, kind=MOOD_NOTE, owner=row.user_id, record=row.id) if row.note is not None else None
    return MoodOut(
        id=str(row.id),
        score=row.score,
        feelings=list(row.feelings or []),
        note=note,
        recorded_at=row.recorded_at,
        client_id=_client(row.client_id),
        created_at=row.created_at,
    )


def check_feelings(feelings: Sequence[str]) -> list[str]:
    """Feeling words from the fixed list, each once, in the order given."""
    chosen: list[str] = []
    unknown: list[str] = []
    for word in feelings:
        slug = word.strip().lower()
        if slug not in FEELING_SLUGS:
            unknown.append(word)
        elif slug not in chosen:
            chosen.append(slug)
    if unknown:
        shown = ", ".join(f'"{w[:40]}"' for w in unknown[:3])
        raise Problem(
            400,
            f"We don't know the feeling word {shown}. Please choose feelings from the list.",
            code="unknown_feeling",
            unknown=unknown[:8],
        )
    return chosen


async def record_mood(
    db: AsyncSession,
    user_id: uuid.UUID,
    *,
    score: int,
    feelings: Sequence[str],
    note: str | None,
    recorded_at: dt.datetime | None,
    client_id: uuid.UUID | None,
) -> MoodOut:
    keyring = get_keyring()
    now = utcnow()
    slugs = check_feelings(feelings)
    when = check_moment(recorded_at, what="check-in", now=now)
    record_id = uuid.uuid4()
    stored_note = None
    if note is not None and note.strip():
        stored_note = keyring.encrypt(note, kind=MOOD_NOTE, owner=user_id, record=record_id)
    row = await _insert_once(
        db,
        MoodCheckin,
        {
            "id": record_id,
            "user_id": user_id,
            "score": score,
            "feelings": slugs,
            "note": stored_note,
            "recorded_at": when,
            "created_at": now,
            "client_id": client_id,
        },
    )
    return mood_out(row, keyring)


async def list_moods(db: AsyncSession, user_id: uuid.UUID, *, days: int, limit: int) -> tuple[list[MoodOut], int]:
    keyring = get_keyring()
    since = utcnow() - dt.timedelta(days=days)
    where = (MoodCheckin.user_id == user_id, MoodCheckin.recorded_at >= since)
    total = (await db.execute(select(func.count()).select_from(MoodCheckin).where(*where))).scalar_one()
    rows = (
        (
            await db.execute(
                select(MoodCheckin)
                .where(*where)
                .order_by(MoodCheckin.recorded_at.desc(), MoodCheckin.created_at.desc(), MoodCheckin.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return [mood_out(r, keyring) for r in rows], total


# --- journal entries ----------------------------------------------------------------------


def _check_body(body: str) -> None:
    if not body.strip():
        raise Problem(400, "Your journal entry is empty. Write something first.", code="empty")
    if len(body) > BODY_MAX_CHARS:  # the schema refuses this too; kept for callers other than HTTP
        raise Problem(
            400,
            f"A journal entry can be up to {BODY_MAX_CHARS:,} characters.",
            code="too_long",
            max_length=BODY_MAX_CHARS,
        )


def entry_out(row: JournalEntry, keyring: Keyring) -> JournalEntryOut:
    return JournalEntryOut(
        id=str(row.id),
        body=_open(keyring, row.body, kind=JOURNAL_BODY, owner=row.user_id, record=row.id),
        created_at=row.created_at,
        updated_at=row.updated_at,
        client_id=_client(row.client_id),
    )


async def write_journal_entry(
    db: AsyncSession, user_id: uuid.UUID, *, body: str, client_id: uuid.UUID | None
) -> JournalEntryOut:
    keyring = get_keyring()
    _check_body(body)
    record_id = uuid.uuid4()
    row = await _insert_once(
        db,
        JournalEntry,
        {
            "id": record_id,
            "user_id": user_id,
            "client_id": client_id,
            "created_at": utcnow(),
            "body": keyring.encrypt(body, kind=JOURNAL_BODY, owner=user_id, record=record_id),
        },
    )
    return entry_out(row, keyring)


async def _own_entry(db: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID, *, lock: bool = False) -> JournalEntry:
    """The entry if it is this person's; otherwise 404 whether or not it exists."""
    stmt = select(JournalEntry).where(JournalEntry.id == entry_id, JournalEntry.user_id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    row = (await db.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, "We couldn't find that journal entry.", code="not_found")
    return row


async def list_journal_entries(
    db: AsyncSession, user_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[JournalEntryOut], int]:
    keyring = get_keyring()
    total = (
        await db.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.user_id == user_id))
    ).scalar_one()
    rows = (
        (
            await db.execute(
                select(JournalEntry)
                .where(JournalEntry.user_id == user_id)
                .order_by(JournalEntry.created_at.desc(), JournalEntry.id)
                .limit(limit)
                .offset(offset)
            )
        )
        .scalars()
        .all()
    )
    return [entry_out(r, keyring) for r in rows], total


async def read_journal_entry(db: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID) -> JournalEntryOut:
    return entry_out(await _own_entry(db, user_id, entry_id), get_keyring())


async def rewrite_journal_entry(
    db: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID, *, body: str
) -> JournalEntryOut:
    keyring = get_keyring()
    _check_body(body)
    row = await _own_entry(db, user_id, entry_id, lock=True)
    row.body = keyring.encrypt(body, kind=JOURNAL_BODY, owner=user_id, record=row.id)
    row.updated_at = utcnow()
    await db.flush()
    return entry_out(row, keyring)


async def delete_journal_entry(db: AsyncSession, user_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    result = await db.execute(delete(JournalEntry).where(JournalEntry.id == entry_id, JournalEntry.user_id == user_id))
    if result.rowcount == 0:
        raise Problem(404, "We couldn't find that journal entry.", code="not_found")


# --- goals and ratings --------------------------------------------------------------------


def rating_out(row: GoalRating) -> GoalRatingOut:
    return GoalRatingOut(
        id=str(row.id),
        goal_id=str(row.goal_id),
        score=row.score,
        rated_at=row.rated_at,
        client_id=_client(row.client_id),
    )


def goal_out(row: Goal, ratings: Sequence[GoalRating], keyring: Keyring) -> GoalOut:
    return GoalOut(
        id=str(row.id),
        title=_open(keyring, row.title, kind=GOAL_TITLE, owner=row.user_id, record=row.id),
        created_at=row.created_at,
        client_id=_client(row.client_id),
        ratings=[rating_out(r) for r in ratings],
    )


async def _ratings_of(db: AsyncSession, goal_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[GoalRating]]:
    by_goal: dict[uuid.UUID, list[GoalRating]] = {gid: [] for gid in goal_ids}
    if goal_ids:
        rows = (
            (
                await db.execute(
                    select(GoalRating)
                    .where(GoalRating.goal_id.in_(goal_ids))
                    .order_by(GoalRating.rated_at, GoalRating.created_at, GoalRating.id)
                )
            )
            .scalars()
            .all()
        )
        for r in rows:
            by_goal[r.goal_id].append(r)
    return by_goal


async def set_goal(db: AsyncSession, user_id: uuid.UUID, *, title: str, client_id: uuid.UUID | None) -> GoalOut:
    keyring = get_keyring()
    title = title.strip()
    if not title or len(title) > TITLE_MAX_CHARS:
        raise Problem(400, f"A goal needs a short title of 1 to {TITLE_MAX_CHARS} characters.", code="bad_title")
    # One person's goal writes queue behind each other (transaction-scoped lock), so two
    # at once cannot pass the limit together.
    await db.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"waymark.goal:{user_id}", 0))))
    if client_id is not None:
        existing = (
            await db.execute(select(Goal).where(Goal.user_id == user_id, Goal.client_id == client_id))
        ).scalar_one_or_none()
        if existing is not None:
            return goal_out(existing, (await _ratings_of(db, [existing.id]))[existing.id], keyring)
    count = (await db.execute(select(func.count()).select_from(Goal).where(Goal.user_id == user_id))).scalar_one()
    if count >= MAX_GOALS:
        raise Problem(
            409,
            f"You can have up to {MAX_GOALS} goals at once. To set a new one, you could remove a goal "
            "you've reached or don't need any more.",
            code="too_many_goals",
            max_goals=MAX_GOALS,
        )
    record_id = uuid.uuid4()
    row = await _insert_once(
        db,
        Goal,
        {
            "id": record_id,
            "user_id": user_id,
            "client_id": client_id,
            "created_at": utcnow(),
            "title": keyring.encrypt(title, kind=GOAL_TITLE, owner=user_id, record=record_id),
        },
    )
    return goal_out(row, [], keyring)


async def _own_goal(db: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> Goal:
    row = (await db.execute(select(Goal).where(Goal.id == goal_id, Goal.user_id == user_id))).scalar_one_or_none()
    if row is None:
        raise Problem(404, "We couldn't find that goal.", code="not_found")
    return row


async def rate_goal(
    db: AsyncSession,
    user_id: uuid.UUID,
    goal_id: uuid.UUID,
    *,
    score: int,
    rated_at: dt.datetime | None,
    client_id: uuid.UUID | None,
) -> GoalRatingOut:
    goal = await _own_goal(db, user_id, goal_id)
    now = utcnow()
    when = check_moment(rated_at, what="rating", now=now)
    row = await _insert_once(
        db,
        GoalRating,
        {
            "id": uuid.uuid4(),
            "goal_id": goal.id,
            "user_id": user_id,
            "score": score,
            "rated_at": when,
            "created_at": now,
            "client_id": client_id,
        },
    )
    if row.goal_id != goal.id:
        raise Problem(409, "That client_id was already used for a rating of another goal.", code="client_id_reused")
    return rating_out(row)


async def list_goals(db: AsyncSession, user_id: uuid.UUID) -> tuple[list[GoalOut], int]:
    keyring = get_keyring()
    goals = (
        (await db.execute(select(Goal).where(Goal.user_id == user_id).order_by(Goal.created_at.desc(), Goal.id)))
        .scalars()
        .all()
    )
    ratings = await _ratings_of(db, [g.id for g in goals])
    return [goal_out(g, ratings[g.id], keyring) for g in goals], len(goals)


async def remove_goal(db: AsyncSession, user_id: uuid.UUID, goal_id: uuid.UUID) -> None:
    result = await db.execute(delete(Goal).where(Goal.id == goal_id, Goal.user_id == user_id))
    if result.rowcount == 0:
        raise Problem(404, "We couldn't find that goal.", code="not_found")


# --- export -------------------------------------------------------------------------------


async def export_moods(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    keyring = get_keyring()
    rows = (
        (
            await db.execute(
                select(MoodCheckin)
                .where(MoodCheckin.user_id == user_id)
                .order_by(MoodCheckin.recorded_at, MoodCheckin.id)
            )
        )
        .scalars()
        .all()
    )
    return [_plain(mood_out(r, keyring)) for r in rows]


async def export_journal_entries(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    keyring = get_keyring()
    rows = (
        (
            await db.execute(
                select(JournalEntry)
                .where(JournalEntry.user_id == user_id)
                .order_by(JournalEntry.created_at, JournalEntry.id)
            )
        )
        .scalars()
        .all()
    )
    return [_plain(entry_out(r, keyring)) for r in rows]


async def export_goals(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    keyring = get_keyring()
    goals = (
        (await db.execute(select(Goal).where(Goal.user_id == user_id).order_by(Goal.created_at, Goal.id)))
        .scalars()
        .all()
    )
    ratings = await _ratings_of(db, [g.id for g in goals])
    return [_plain(goal_out(g, ratings[g.id], keyring)) for g in goals]


def _plain(struct: Any) -> dict[str, Any]:
    import msgspec

    return msgspec.to_builtins(struct)


register_exporter("moods", export_moods)
register_exporter("journal_entries", export_journal_entries)
register_exporter("goals", export_goals)
