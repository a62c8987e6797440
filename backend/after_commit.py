"""Work that waits for a commit: the one way to forget a cache, send a push or route the
queue after a change (like zulip's ``send_event_on_commit`` and Django's ``on_commit``).

``on_commit(db, work)`` keeps ``work`` on the session until its transaction ends: it runs
once the transaction has committed, and is dropped if it rolls back (or the session closes
without committing). Forgetting a cache before the commit would let a read in the same
worker cache the old rows again; a push before the commit could point at a change nobody
can read yet (or that never happens). ``work`` is a function of no arguments; when it
returns an awaitable, that runs as a task of its own (the request does not wait for it),
and a failure is logged by its kind only.

Announcements to the other workers (``backend.events.announce``) need no helper: they are
``pg_notify`` calls inside the transaction, and PostgreSQL sends them on commit.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("waymark.after_commit")

Work = Callable[[], Awaitable[Any] | None]
_PENDING = "waymark.on_commit"
_running: set[asyncio.Task[Any]] = set()  # held until done, so a task is never collected mid-way


def on_commit(db: AsyncSession | Session, work: Work) -> None:
    """Run ``work`` after this session's transaction commits; never if it does not."""
    session = db.sync_session if isinstance(db, AsyncSession) else db
    session.info.setdefault(_PENDING, []).append(work)


def sessionmaker_of(db: AsyncSession) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``db``'s engine, for work in transactions of its own: after ``db``'s
    commit (the request's session is finished by then), or beside it (the login throttle
    counts a failure that must stay stored when the request rolls back)."""
    return async_sessionmaker(db.bind, expire_on_commit=False)


def pending(db: AsyncSession | Session) -> int:
    """How many pieces of work wait for this session's commit."""
    session = db.sync_session if isinstance(db, AsyncSession) else db
    return len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    for work in session.info.pop(_PENDING, ()):
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - the change is committed; one failure must not stop the rest
            log.warning("after-commit work failed: %s", type(exc).__name__)
            continue
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            _running.add(task)
            task.add_done_callback(_done)


@event.listens_for(Session, "after_transaction_end")
def _drop(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed): its work
    goes with it. (After a commit ``_run`` has already taken it.)"""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _done(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.warning("after-commit work failed: %s", type(exc).__name__)
