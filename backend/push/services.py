"""Web Push (RFC 8030 / 8291 / 8292) with VAPID, through pywebpush.

Opt-in only, never a nudge: Waymark pushes only what a person is waiting for (a
counsellor is ready; their post is live or answered). Payloads are discreet: someone
else may see the lock screen. Endpoints must belong to a known push service (no server-
side request to an address a client chose)."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import uuid
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

from py_vapid import Vapid02
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.after_commit import on_commit, sessionmaker_of
from backend.data_secrets import secret_once
from backend.errors import Invalid
from backend.push.models import PushSubscription
from backend.settings import get_settings

log = logging.getLogger("waymark.push")

# The push services of the browsers young people use. Others can be allowed by setting.
PUSH_SERVICE_HOSTS = ("fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com",
                      ".notify.windows.com", "push.services.mozilla.com")

MESSAGES = {
    "counsellor_ready": {"title": "Waymark", "body": "A counsellor is ready to talk with you.", "url": "/#/chat"},
    "post_published": {"title": "Waymark", "body": "Your post is now live.", "url": "/#/forums"},
    "post_answered": {"title": "Waymark", "body": "Someone replied in a thread you posted in.", "url": "/#/forums"},
    "message_reply": {"title": "Waymark", "body": "The team has replied to your message.", "url": "/#/messages"},
    "appeal_decided": {"title": "Waymark", "body": "A moderator has looked at your appeal.", "url": "/#/restrictions"},
}


@lru_cache(maxsize=1)
def vapid() -> Vapid02:
    """WAYMARK_VAPID_PRIVATE_KEY (PEM), or a key generated once into the data directory."""
    if pem := os.environ.get("WAYMARK_VAPID_PRIVATE_KEY"):
        return Vapid02.from_pem(pem.encode())
    return Vapid02.from_pem(secret_once(get_settings().data_dir, "vapid_private.pem", _new_vapid_pem))


def _new_vapid_pem() -> bytes:
    key = Vapid02()
    key.generate_keys()
    return key.private_pem()


def public_key() -> str:
    """The application server key: the uncompressed P-256 point, URL-safe base64."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _host_matches(host: str, port: int | None, entry: str) -> bool:
    """An entry is a host (``fcm.googleapis.com``), a suffix (``.notify.windows.com``) or
    a host and port (``127.0.0.1:9000``, for tests and private push relays)."""
    if entry.startswith("."):
        return host.endswith(entry)
    if ":" in entry:
        return f"{host}:{port}" == entry
    return host == entry


def check_endpoint(endpoint: str) -> None:
    """Only https endpoints of known push services; deployments may add hosts with
    WAYMARK_PUSH_ALLOWED_HOSTS (plain http allowed for those only, e.g. a local relay)."""
    url = urlparse(endpoint)
    host, port = (url.hostname or "").lower(), url.port
    extra = [h.strip().lower() for h in os.environ.get("WAYMARK_PUSH_ALLOWED_HOSTS", "").split(",") if h.strip()]
    known = url.scheme == "https" and any(_host_matches(host, port, e) for e in PUSH_SERVICE_HOSTS)
    configured = url.scheme in ("https", "http") and any(_host_matches(host, port, e) for e in extra)
    if not (known or configured):
        raise Invalid("That push address isn't from a browser push service we know.", code="bad_endpoint")


def _b64_ok(value: str, length: int) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) == length
    except ValueError:
        return False


async def subscribe(db: AsyncSession, user_id: uuid.UUID, endpoint: str, p256dh: str, auth: str) -> None:
    check_endpoint(endpoint)
    if not _b64_ok(p256dh, 65) or not _b64_ok(auth, 16):
        raise Invalid("Those push keys don't look right.", code="bad_keys")
    stmt = insert(PushSubscription).values(id=uuid.uuid4(), user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    await db.execute(stmt.on_conflict_do_update(index_elements=[PushSubscription.endpoint],
                                                set_={"user_id": user_id, "p256dh": p256dh, "auth": auth}))


async def unsubscribe(db: AsyncSession, user_id: uuid.UUID, endpoint: str) -> None:
    await db.execute(delete(PushSubscription).where(PushSubscription.user_id == user_id,
                                                    PushSubscription.endpoint == endpoint))


def _send_one(sub: dict[str, Any], payload: str) -> int | None:
    from pywebpush import WebPushException, webpush

    claims = {"sub": os.environ.get("WAYMARK_VAPID_SUBJECT", "mailto:safeguarding@waymark.invalid")}
    try:
        response = webpush(sub, data=payload, vapid_private_key=vapid(), vapid_claims=claims, ttl=600, timeout=10)
        return getattr(response, "status_code", None)
    except WebPushException as exc:
        return getattr(exc.response, "status_code", None)
    except Exception as exc:  # noqa: BLE001 - a push service being down must not break anything
        log.warning("push failed: %s", type(exc).__name__)
        return None


async def notify_user(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID | None, message: str) -> int:
    """Push one of MESSAGES to every subscription of a user; returns how many were accepted.
    Subscriptions the push service says are gone (404/410) are deleted."""
    if user_id is None or message not in MESSAGES:
        return 0
    async with sessionmaker() as db:
        subs = (await db.execute(select(PushSubscription).where(PushSubscription.user_id == user_id))).scalars().all()
    payload = json.dumps(MESSAGES[message])
    sent, gone = 0, []
    for sub in subs:
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        status = await asyncio.to_thread(_send_one, info, payload)
        if status in (404, 410):
            gone.append(sub.id)
        elif status is not None and 200 <= status < 300:
            sent += 1
    if gone:
        async with sessionmaker() as db:
            await db.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
            await db.commit()
    return sent


def push_after_commit(db: AsyncSession, user_id: uuid.UUID | None, message: str) -> None:
    """Push one of MESSAGES to a person's devices (if they opted in) once ``db``'s change is
    committed; never if it rolls back. The one way a service sends a push."""
    if user_id is None:
        return
    sessionmaker = sessionmaker_of(db)
    on_commit(db, lambda: notify_user(sessionmaker, user_id, message))


async def export_subscriptions(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = (await db.execute(select(PushSubscription).where(PushSubscription.user_id == user_id))).scalars().all()
    return [{"endpoint": r.endpoint, "created_at": r.created_at.isoformat()} for r in rows]


def _register() -> None:
    from backend.accounts.services import register_exporter

    register_exporter("push_subscriptions", export_subscriptions)


_register()
