"""The rules of safeguarding alerts: raising one (or adding to the author's open one),
listing them for the counsellors, acknowledging one.

Every domain that reads a young person's words calls ``raise_safeguarding_alert`` after
the moderation engine's verdict, inside its own transaction (the item and the alert are
committed with the post or message, or not at all). The announcement to the counsellors'
consoles is a ``pg_notify``: PostgreSQL sends it only when that transaction commits.

One author cannot flood the alerts: an item from an author who already has an open
automatic alert raised within the last hour (``COALESCE_WINDOW``) is added to that alert,
whose level rises to the item's when higher. Nothing is dropped: the alert lists every
item. Two items from one author at once are serialised by a transaction-scoped advisory
lock on the author, so they can never open two alerts.

Other domains describe their own sources for the list (a post's thread and text): they
register a describer with ``register_source`` (this domain imports none of them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.models import User
from backend.audit import write_audit
from backend.clock import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.events import announce
from backend.safeguarding.models import (
    ALERT_KINDS,
    SafeguardingAlert,
    SafeguardingAlertItem,
)
from moderation import level_rank

if TYPE_CHECKING:
    from moderation import Verdict

COALESCE_WINDOW = dt.timedelta(hours=1)
FORMER_MEMBER = "Former member"
LIST_STATUSES = ("open", "acknowledged", "all")

# What the automatic note says about each category an alert is raised for.
ALERT_REASONS = {"risk_to_life": "risk to life", "danger_from_others": "danger from someone else (abuse, threats, "
                                                                       "being hurt)"}

Describer = Callable[[AsyncSession, list[uuid.UUID]], Awaitable[dict[uuid.UUID, dict[str, Any]]]]
_describers: dict[str, Describer] = {}


def register_source(kind: str, describe: Describer) -> None:
    """``describe(db, source_ids)`` answers, per source id, the fields a counsellor needs to
    find an alert's first item (for a post: its thread, board and text)."""
    if kind not in ALERT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ALERT_KINDS)}")
    _describers[kind] = describe


def merged_categories(*groups: Any) -> list[str]:
    """Every category of ``groups``, once each, most severe first (the engine's order)."""
    from moderation import CATEGORIES

    order = {c: i for i, c in enumerate(CATEGORIES)}
    found = {c for group in groups for c in (group or ())}
    return sorted(found, key=lambda c: (order.get(c, len(order)), c))


AUTOMATIC_NOTE_TAIL = {"post": "The post is held and has not been published.",
                       "chat": "The chat is marked at risk for its counsellor.",
                       "message_thread": "The thread is in the team's inbox."}


def automatic_note(kind: str, categories: list[str]) -> str:
    reasons = [ALERT_REASONS[c] for c in categories if c in ALERT_REASONS] or ["a young person at risk"]
    return ("Raised automatically: the moderation engine found signs of " + " and ".join(reasons) + ". "
            + AUTOMATIC_NOTE_TAIL[kind])


# --- raising -------------------------------------------------------------------------------------


async def raise_safeguarding_alert(db: AsyncSession, *, kind: str, source_id: uuid.UUID,
                                   author_id: uuid.UUID | None, verdict: Verdict | None = None,
                                   created_by: uuid.UUID | None = None, note: str | None = None,
                                   reference: str | None = None) -> SafeguardingAlert:
    """Tell the counsellors about one item (``kind``: post, message_thread or chat;
    ``source_id``: the post, the thread or the chat session) by ``author_id``, after the
    moderation engine's ``verdict`` on it. ``created_by``: the staff member raising it by
    hand (null: raised automatically); ``note``: what they (or the caller) say about it;
    ``reference``: where in the source, when one source has many items (a chat message's
    seq). Inside the caller's transaction; the counsellors hear of it when that commits.

    An automatic alert joins the author's open automatic alert raised within the last
    hour, if there is one: the item is added to it and its level raised if this one is
    higher. An alert raised by hand is always a new alert."""
    if kind not in ALERT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ALERT_KINDS)}")
    level = verdict.level if verdict is not None else "none"
    categories = merged_categories(verdict.categories if verdict is not None else ())
    alert: SafeguardingAlert | None = None
    if created_by is None and author_id is not None:
        # One author's items are added one at a time (held until the caller commits).
        await db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                         {"key": f"safeguarding_alert:{author_id}"})
    now = utcnow()  # after any wait for the lock: items keep the order they were added in
    if created_by is None and author_id is not None:
        alert = (await db.execute(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.author_id == author_id, SafeguardingAlert.status == "open",
                   SafeguardingAlert.created_by.is_(None), SafeguardingAlert.created_at > now - COALESCE_WINDOW)
            .order_by(SafeguardingAlert.created_at.desc()).limit(1)
            .with_for_update().execution_options(populate_existing=True))).scalars().first()
    if alert is None:
        alert = SafeguardingAlert(
            id=uuid.uuid4(), kind=kind, source_id=source_id, author_id=author_id, level=level,
            categories=categories, created_by=created_by, status="open", created_at=now, updated_at=now,
            note=note if note is not None or created_by is not None else automatic_note(kind, categories))
        db.add(alert)
        await db.flush()  # the alert before its first item
    else:
        if level_rank(level) > level_rank(alert.level):
            alert.level = level
        alert.categories = merged_categories(alert.categories, categories)
        alert.updated_at = now
    db.add(SafeguardingAlertItem(alert_id=alert.id, kind=kind, source_id=source_id, reference=reference,
                                 level=level, categories=categories, created_at=now))
    await db.flush()
    await announce(db, k="alert", i=alert.id)
    return alert


async def open_alert_for(db: AsyncSession, kind: str, source_id: uuid.UUID) -> uuid.UUID | None:
    """The open alert that already covers this post, thread or chat, if any."""
    return (await db.execute(
        select(SafeguardingAlert.id).join(SafeguardingAlertItem, SafeguardingAlertItem.alert_id == SafeguardingAlert.id)
        .where(SafeguardingAlert.status == "open", SafeguardingAlertItem.kind == kind,
               SafeguardingAlertItem.source_id == source_id)
        .order_by(SafeguardingAlert.created_at.desc()).limit(1))).scalar_one_or_none()


# --- reading ---------------------------------------------------------------------------------------


def _escalated_by(alert: SafeguardingAlert, creator_name: str | None) -> str | None:
    if alert.created_by is None:
        return None
    return creator_name.split()[0] if creator_name and creator_name.strip() else "A moderator"


def with_source(out: dict[str, Any], source: dict[str, Any] | None) -> dict[str, Any]:
    """``out`` with its source's own fields (a post's post_id, thread_title, body...), never
    overwriting ours."""
    out.update({k: v for k, v in (source or {}).items() if k not in out})
    return out


def item_out(item: SafeguardingAlertItem, sources: dict[tuple[str, uuid.UUID], dict[str, Any]]) -> dict[str, Any]:
    return with_source({"kind": item.kind, "source_id": str(item.source_id), "reference": item.reference,
                        "level": item.level, "categories": list(item.categories or []),
                        "created_at": item.created_at.isoformat()}, sources.get((item.kind, item.source_id)))


def alert_out(alert: SafeguardingAlert, username: str | None, council: str | None, creator_name: str | None,
              items: list[SafeguardingAlertItem], sources: dict[tuple[str, uuid.UUID], dict[str, Any]]
              ) -> dict[str, Any]:
    categories = list(alert.categories or [])
    out = {
        "id": str(alert.id), "kind": alert.kind, "source_id": str(alert.source_id), "status": alert.status,
        "level": alert.level, "categories": categories, "risk": {"level": alert.level, "categories": categories},
        "author": username or FORMER_MEMBER, "username": username, "council_code": council,
        "note": alert.note, "automatic": alert.created_by is None, "escalated_by": _escalated_by(alert, creator_name),
        "items": [item_out(i, sources) for i in items], "item_count": len(items),
        "created_at": alert.created_at.isoformat(), "updated_at": alert.updated_at.isoformat(),
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "acknowledge_note": alert.acknowledge_note,
    }
    return with_source(out, sources.get((alert.kind, alert.source_id)))


async def _alerts_out(db: AsyncSession, conditions: list[Any], *, limit: int, offset: int) -> list[dict[str, Any]]:
    author, creator = aliased(User), aliased(User)
    rows = (await db.execute(
        select(SafeguardingAlert, author.username, author.council_code, creator.display_name)
        .outerjoin(author, author.id == SafeguardingAlert.author_id)
        .outerjoin(creator, creator.id == SafeguardingAlert.created_by)
        .where(*conditions)
        .order_by(SafeguardingAlert.created_at.desc(), SafeguardingAlert.id)
        .limit(limit).offset(offset))).all()
    if not rows:
        return []
    items: dict[uuid.UUID, list[SafeguardingAlertItem]] = {}
    for item in (await db.execute(
            select(SafeguardingAlertItem).where(SafeguardingAlertItem.alert_id.in_([r[0].id for r in rows]))
            .order_by(SafeguardingAlertItem.created_at, SafeguardingAlertItem.id))).scalars():
        items.setdefault(item.alert_id, []).append(item)
    wanted = {(r[0].kind, r[0].source_id) for r in rows}
    wanted |= {(i.kind, i.source_id) for group in items.values() for i in group}
    sources: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for kind, describe in _describers.items():
        ids = sorted({sid for k, sid in wanted if k == kind})
        if ids:
            sources.update({(kind, sid): fields for sid, fields in (await describe(db, ids)).items()})
    return [alert_out(a, name, council, creator_name, items.get(a.id, []), sources)
            for a, name, council, creator_name in rows]


async def list_alerts(db: AsyncSession, status: str, *, limit: int, offset: int) -> dict[str, Any]:
    """Alerts with ``status`` (open, acknowledged or all), newest first."""
    if status not in LIST_STATUSES:
        raise Invalid("status must be open, acknowledged or all.", code="bad_status", field="status")
    conditions = [] if status == "all" else [SafeguardingAlert.status == status]
    total = (await db.execute(select(func.count()).select_from(SafeguardingAlert).where(*conditions))).scalar_one()
    return {"items": await _alerts_out(db, conditions, limit=limit, offset=offset), "total": total}


async def acknowledge_alert(db: AsyncSession, actor: Any, alert_id: uuid.UUID, note: str | None) -> dict[str, Any]:
    """A counsellor has seen the alert and is acting on it (once: 409 after)."""
    alert = (await db.execute(select(SafeguardingAlert).where(SafeguardingAlert.id == alert_id).with_for_update()
                              .execution_options(populate_existing=True))).scalars().first()
    if alert is None:
        raise NotFound("There is no such alert.")
    if alert.status != "open":
        raise Conflict("Someone has already acknowledged this alert.", code="acknowledged")
    alert.status, alert.acknowledged_at = "acknowledged", utcnow()
    alert.acknowledged_by, alert.acknowledge_note = actor.id, note
    await db.flush()
    write_audit(db, actor, "alert_acknowledge", "safeguarding_alert", alert.id, note=note,
                details={"kind": alert.kind, "source_id": str(alert.source_id)})
    await announce(db, k="alert", i=alert.id)
    return (await _alerts_out(db, [SafeguardingAlert.id == alert.id], limit=1, offset=0))[0]
