"""The account rule: what a restriction means, in one place. The forums ask it before a
post, a reply, a reaction or a report; the chat asks it only to show a counsellor the
restriction beside the chat. Nothing here ever touches the crisis lines, the journal, the
library, the live chat or messages to the team.

- ``suspend`` in force: no posts, replies, reactions or reports (403 ``suspended`` with the
  kind message). A post that shows risk to life or self-harm is still taken (held for a
  human, never published): risk is never turned away.
- ``hold_all`` in force: every post is held for review, whatever the forum policy.
- a ``grooming`` or ``personal_details`` finding on an account that had such a post
  rejected in the last 30 days: the post comes first in the queue with ``hold_all``
  suggested to the moderator. Never a restriction by itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import CurrentUser
from backend.chat.services import crisis_lines_for, register_restriction_lookup
from backend.clock import LONDON, utcnow
from backend.errors import Forbidden
from backend.forums.models import Post
from backend.forums.services import AccountStanding, register_account_rule
from backend.restrictions.models import AccountRestriction
from backend.review.reasons import ACCOUNT_REASONS_BY_CODE, KIND_WORDS, STILL_HERE, WARN_CLOSING

STRENGTH = {"warn": 0, "hold_all": 1, "suspend": 2}
REPEAT_CATEGORIES = ("grooming", "personal_details")
REPEAT_WINDOW = dt.timedelta(days=30)
REPEAT_SUGGESTION = "hold_all"


def in_force(now: dt.datetime) -> Any:
    """The SQL condition for a restriction in force at ``now``."""
    r = AccountRestriction
    return and_(r.lifted_at.is_(None), or_(r.until.is_(None), r.until > now),
                or_(r.kind != "warn", r.seen_at.is_(None)))


def status_of(r: AccountRestriction, now: dt.datetime) -> str:
    if r.lifted_at is not None:
        return "lifted"
    if r.until is not None and r.until <= now:
        return "expired"
    if r.kind == "warn" and r.seen_at is not None:
        return "seen"
    return "in_force"


def ends_words(until: dt.datetime | None) -> str:
    if until is None:
        return "It lasts until a moderator lifts it."
    local = until.astimezone(LONDON)
    clock = f"{local.hour % 12 or 12}{'' if local.minute == 0 else f':{local.minute:02d}'}{'am' if local.hour < 12 else 'pm'}"
    return f"It ends on {local:%A} {local.day} {local:%B} {local.year} at {clock}."


def kind_message(kind: str, reason_code: str, until: dt.datetime | None) -> str:
    """What the young person reads: the kind's words, the reason's, the end, what they keep."""
    reason = ACCOUNT_REASONS_BY_CODE.get(reason_code, {}).get("message", "")
    parts = [KIND_WORDS[kind], reason]
    if kind == "warn":
        parts.append(WARN_CLOSING)
    else:
        parts += [ends_words(until), STILL_HERE]
    return " ".join(p for p in parts if p)


async def restrictions_in_force(db: AsyncSession, user_ids: list[uuid.UUID], now: dt.datetime | None = None
                                ) -> list[AccountRestriction]:
    if not user_ids:
        return []
    now = now or utcnow()
    stmt = (select(AccountRestriction).where(AccountRestriction.user_id.in_(user_ids), in_force(now))
            .order_by(AccountRestriction.created_at.desc()))
    return list((await db.execute(stmt)).scalars().all())


def strongest(rows: list[AccountRestriction]) -> AccountRestriction | None:
    return max(rows, key=lambda r: (STRENGTH[r.kind], r.created_at), default=None)


async def _repeat_offender(db: AsyncSession, user_id: uuid.UUID, now: dt.datetime) -> bool:
    """A post of theirs with such a finding (or rejected for personal details) was rejected
    in the last 30 days."""
    stmt = select(Post.id).where(
        Post.author_id == user_id, Post.status == "rejected", Post.decided_at > now - REPEAT_WINDOW,
        or_(Post.risk_categories.op("?|")(array(list(REPEAT_CATEGORIES))),
            Post.reason_code == "personal_details")).limit(1)
    return (await db.execute(stmt)).first() is not None


async def account_rule(db: AsyncSession, user: CurrentUser, action: str, *, categories: list[str],
                       needs_support: bool) -> AccountStanding:
    """The forums' question: may ``user`` do ``action`` ("post", "react", "report"), and how
    is their post handled? Raises 403 ``suspended`` when they may not."""
    if user.role != "young_person":
        return AccountStanding()
    now = utcnow()
    top = strongest(await restrictions_in_force(db, [user.id], now))
    if top is not None and top.kind == "suspend" and not (action == "post" and needs_support):
        raise Forbidden(kind_message(top.kind, top.reason_code, top.until), code="suspended",
                        restriction_id=str(top.id), until=top.until.isoformat() if top.until else None,
                        crisis_lines=await crisis_lines_for(db, user), can_talk_to_counsellor=True)
    hold = top is not None and top.kind in ("hold_all", "suspend")
    suggested = None
    if action == "post" and set(REPEAT_CATEGORIES) & set(categories) and await _repeat_offender(db, user.id, now):
        suggested = REPEAT_SUGGESTION
    return AccountStanding(hold=hold, suggested_action=suggested)


def counsellor_view(r: AccountRestriction) -> dict[str, Any]:
    """What a counsellor sees beside a chat: the restriction, its reason and the staff note."""
    reason = ACCOUNT_REASONS_BY_CODE.get(r.reason_code, {})
    return {"id": str(r.id), "kind": r.kind, "reason_code": r.reason_code, "reason": reason.get("label"),
            "until": r.until.isoformat() if r.until else None, "created_at": r.created_at.isoformat(),
            "note": r.note}


async def restrictions_for_chat(db: AsyncSession, young_person_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    rows = await restrictions_in_force(db, [i for i in young_person_ids if i is not None])
    out: dict[uuid.UUID, Any] = {}
    for uid in {r.user_id for r in rows}:
        top = strongest([r for r in rows if r.user_id == uid and r.kind != "warn"])
        if top is not None:
            out[uid] = counsellor_view(top)
    return out


register_account_rule(account_rule)
register_restriction_lookup(restrictions_for_chat)
