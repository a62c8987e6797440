"""Ending a person's sessions everywhere at once: after recovery, a password change or
deletion, no other device stays signed in, on any worker.

Each worker remembers a session for a few seconds and who is signed in (backend.security,
backend.accounts.auth). Ending sessions deletes their rows and sends a PostgreSQL NOTIFY
on commit, and any change to an account sends one from a trigger; every worker listens and
forgets that person at once (and everything, and remembers nothing, while its listening
connection is lost and it may miss a message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from sqlalchemy import String, cast, delete, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import forget_all_users, forget_user
from backend.accounts.models import WebSession
from backend.after_commit import on_commit
from backend.security import SESSION_USER_KEY, SIGNED_OUT_CHANNEL, forget_sessions_of, set_caching

USER_CHANGED_CHANNEL = "waymark_user_changed"  # sent by a trigger (migration c7d2e91f4a60)
log = logging.getLogger("waymark.sessions")


def forget_signed_out(user_id: uuid.UUID) -> None:
    """This worker forgets what it remembered about the person's sessions."""
    forget_sessions_of(user_id)


async def end_sessions_of(db: AsyncSession, user_id: uuid.UUID, *, keep_session_id: str | None = None) -> int:
    """Delete every session of ``user_id`` (but ``keep_session_id``, the device asking,
    when given) and tell every worker on commit. Returns how many were ended."""
    uid = cast(func.convert_from(WebSession.data, "UTF8"), JSONB)[SESSION_USER_KEY].astext
    stmt = delete(WebSession).where(uid == str(user_id))
    if keep_session_id:
        stmt = stmt.where(WebSession.session_id != keep_session_id[:255])
    ended = (await db.execute(stmt)).rowcount or 0
    await db.execute(select(func.pg_notify(SIGNED_OUT_CHANNEL, cast(str(user_id), String))))
    on_commit(db, lambda: forget_signed_out(user_id))  # this worker at once; the others on the NOTIFY
    return ended


def _on_notify(_conn: object, _pid: int, channel: str, payload: str) -> None:
    try:
        user_id = uuid.UUID(payload)
    except ValueError:
        log.warning("a notice on %s without a user id", channel)
        forget_all_users()
        return
    if channel == USER_CHANGED_CHANNEL:
        forget_user(user_id)
    else:
        forget_signed_out(user_id)


async def listen_for_sign_outs(dsn: str, stopping: asyncio.Event) -> None:
    """Run until ``stopping``: forget signed-out people as their notices arrive."""
    import asyncpg

    delay = 0.5
    while not stopping.is_set():
        conn = None
        try:
            conn = await asyncpg.connect(dsn)
            lost = asyncio.get_running_loop().create_future()
            conn.add_termination_listener(lambda _c, lost=lost: lost.done() or lost.set_result(None))
            await conn.add_listener(SIGNED_OUT_CHANNEL, _on_notify)
            await conn.add_listener(USER_CHANGED_CHANNEL, _on_notify)
            forget_all_users()  # a notice may have been missed while not listening
            set_caching(True)
            delay = 0.5
            stop = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({lost, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - reconnect on any failure
            log.warning("sign-out listener lost its connection (%s); reconnecting", type(exc).__name__)
        finally:
            set_caching(False)  # not hearing notices: remember nothing
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
        if not stopping.is_set():
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
