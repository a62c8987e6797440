"""Key rotation: re-encrypt every stored value that is not under the newest key
(``waymark rotate-encryption``; docs/journal-encryption.md, "Rotating a key").

Each package that encrypts with the keyring of ``backend/journal/crypto.py`` describes its
columns as :class:`EncryptedColumn` (the journal's in ``backend/journal/services.py``, the
messages to the team's in ``backend/messages/services.py``); the CLI passes them all here.

Safe to stop and run again: a batch per transaction, and only values not yet under the newest
key are read, so an interrupted run resumes where it stopped and a finished one changes
nothing. A row written meanwhile by the app is never overwritten: each UPDATE names the old
value it replaces. A value no configured key opens is counted and left untouched. Nothing
here logs a value or an id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.journal.crypto import DecryptionError, Keyring

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class EncryptedColumn:
    """One encrypted column: ``kind`` is its name in the associated data; ``owner`` and
    ``record`` name the model's attributes bound there (the owner's id and the record's)."""

    model: Any
    column: str
    kind: str
    owner: str
    record: str = "id"


@dataclass
class RotationReport:
    rotated: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.failed.values())


async def _rotate_column(db: AsyncSession, keyring: Keyring, spec: EncryptedColumn, batch_size: int,
                         report: RotationReport) -> None:
    model, column = spec.model, getattr(spec.model, spec.column)
    key, owner, record = model.id, getattr(model, spec.owner), getattr(model, spec.record)
    old = ~column.startswith(keyring.current_prefix(), autoescape=True)
    report.current[spec.kind] = (
        await db.execute(select(func.count()).select_from(model).where(column.is_not(None), ~old))
    ).scalar_one()
    rotated = failed = 0
    after: uuid.UUID | None = None
    while True:
        stmt = select(key, owner, record, column).where(column.is_not(None), old).order_by(key).limit(batch_size)
        if after is not None:
            stmt = stmt.where(key > after)
        rows = (await db.execute(stmt)).all()
        if not rows:
            break
        for row_id, owner_id, record_id, stored in rows:
            try:
                plain = keyring.decrypt(stored, kind=spec.kind, owner=owner_id, record=record_id)
            except DecryptionError:
                failed += 1
                continue
            fresh = keyring.encrypt(plain, kind=spec.kind, owner=owner_id, record=record_id)
            result = await db.execute(update(model).where(key == row_id, column == stored)
                                      .values({spec.column: fresh}))
            rotated += result.rowcount
        after = rows[-1][0]
        await db.commit()
    report.rotated[spec.kind] = rotated
    report.failed[spec.kind] = failed


async def rotate_columns(db: AsyncSession, keyring: Keyring, columns: Iterable[EncryptedColumn], *,
                         batch_size: int = DEFAULT_BATCH) -> RotationReport:
    """Re-encrypt, column by column, every value not under the newest key with the newest key."""
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    report = RotationReport()
    for spec in columns:
        await _rotate_column(db, keyring, spec, batch_size, report)
    return report
