"""Acting on an account: the moderator's author page, restricting and lifting, the young
person's view, one appeal per restriction decided by another moderator.

Every restriction, lift, appeal and decision is written to the append-only audit log
(``backend.audit.write_audit``, the log review uses) in the same transaction as the change, and counted as
an anonymous usage event for the council's figures. The appeal's text never goes into the
audit log (deleting an account must be able to delete it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.audit import write_audit
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.forums.models import Post, Report, Thread
from backend.push.services import push_after_commit
from backend.reports.services import record_usage_event
from backend.restrictions.models import KINDS, AccountRestriction, RestrictionAppeal
from backend.restrictions.standing import in_force, kind_message, status_of
from backend.review.reasons import ACCOUNT_REASONS_BY_CODE

RECENT = 20
APPEAL_ACTIONS = ("uphold", "lift")
OUTCOME_WORDS = {
    "open": "Thank you. A moderator who wasn't part of this decision will look at your appeal.",
    "lifted": "A moderator looked at your appeal and lifted this. Thank you for telling us.",
    "upheld": "A moderator looked at your appeal carefully and decided this stays for now. "
              "Thank you for telling us your side.",
}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def staff_name(user: User | None) -> str | None:
    if user is None:
        return None
    return (user.display_name or "").strip() or user.username


async def _account(db: AsyncSession, user_id: uuid.UUID) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


# --- the author page -------------------------------------------------------------------------


def appeal_out(a: RestrictionAppeal | None, decider: User | None = None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"id": str(a.id), "text": a.text, "status": a.status, "created_at": a.created_at.isoformat(),
            "decided_at": _iso(a.decided_at), "decided_by": staff_name(decider), "note": a.decision_note}


def restriction_out(r: AccountRestriction, appeal: RestrictionAppeal | None, creator: User | None,
                    lifter: User | None, decider: User | None, now: dt.datetime) -> dict[str, Any]:
    status = status_of(r, now)
    lifted_at = r.lifted_at if status == "lifted" else r.until if status == "expired" else None
    reason = ACCOUNT_REASONS_BY_CODE.get(r.reason_code, {})
    return {"id": str(r.id), "kind": r.kind, "reason_code": r.reason_code, "reason": reason.get("label"),
            "note": r.note, "until": _iso(r.until), "created_at": r.created_at.isoformat(),
            "created_by": staff_name(creator), "created_by_id": str(r.created_by) if r.created_by else None,
            "status": status, "in_force": status == "in_force", "lifted_at": _iso(lifted_at),
            "lifted_by": staff_name(lifter) if status == "lifted" else None, "seen_at": _iso(r.seen_at),
            "message": kind_message(r.kind, r.reason_code, r.until), "appeal": appeal_out(appeal, decider)}


async def _restrictions_with_people(db: AsyncSession, *conditions: Any) -> list[tuple]:
    creator, lifter, decider = aliased(User), aliased(User), aliased(User)
    stmt = (select(AccountRestriction, RestrictionAppeal, creator, lifter, decider)
            .outerjoin(RestrictionAppeal, RestrictionAppeal.restriction_id == AccountRestriction.id)
            .outerjoin(creator, creator.id == AccountRestriction.created_by)
            .outerjoin(lifter, lifter.id == AccountRestriction.lifted_by)
            .outerjoin(decider, decider.id == RestrictionAppeal.decided_by)
            .where(*conditions).order_by(AccountRestriction.created_at.desc()))
    return list((await db.execute(stmt)).all())


async def author_page(db: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    """Counts, reports against their posts and every restriction (lifted and expired too)."""
    user = await _account(db, user_id)
    now = utcnow()
    counts = dict((await db.execute(select(Post.status, func.count()).where(Post.author_id == user.id)
                                    .group_by(Post.status))).all())
    reports = (await db.execute(select(func.count()).select_from(Report).join(Post, Post.id == Report.post_id)
                                .where(Post.author_id == user.id))).scalar_one()
    recent_reports = (await db.execute(
        select(Report, Post.thread_id).join(Post, Post.id == Report.post_id).where(Post.author_id == user.id)
        .order_by(Report.created_at.desc()).limit(RECENT))).all()
    recent_posts = (await db.execute(
        select(Post, Thread.title, Thread.board_slug).join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id).order_by(Post.created_at.desc()).limit(RECENT))).all()
    rows = await _restrictions_with_people(db, AccountRestriction.user_id == user.id)
    return {
        "id": str(user.id), "username": user.username, "role": user.role, "council_code": user.council_code,
        "created_at": user.created_at.isoformat(),
        "posts": {"published": counts.get("published", 0),
                  "held": counts.get("pending", 0) + counts.get("held", 0),
                  "rejected": counts.get("rejected", 0)},
        "reports": reports,
        "recent_reports": [{"id": str(rep.id), "post_id": str(rep.post_id), "thread_id": str(thread_id),
                            "reason": rep.reason, "status": rep.status, "risk_level": rep.risk_level,
                            "created_at": rep.created_at.isoformat()} for rep, thread_id in recent_reports],
        "recent_posts": [{"id": str(p.id), "thread_id": str(p.thread_id), "title": title if p.id == p.thread_id else None,
                          "board": board, "body": p.body, "status": p.status, "reason_code": p.reason_code,
                          "risk": {"level": p.risk_level, "categories": list(p.risk_categories or [])},
                          "created_at": p.created_at.isoformat()} for p, title, board in recent_posts],
        "restrictions": [restriction_out(*row, now) for row in rows],
    }


# --- restricting and lifting -------------------------------------------------------------------


def check_until(until: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    if until is None:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt.UTC)
    if until <= now:
        raise Invalid("The end must be in the future. Leave it out to keep it until someone lifts it.",
                      code="until_in_past", field="until")
    return until.astimezone(dt.UTC)


async def restrict_account(db: AsyncSession, actor: CurrentUser, user_id: uuid.UUID, *, kind: str,
                           reason_code: str, note: str | None, until: dt.datetime | None) -> dict[str, Any]:
    if kind not in KINDS:
        raise Invalid("kind must be warn, hold_all or suspend.", code="unknown_kind", field="kind")
    if reason_code not in ACCOUNT_REASONS_BY_CODE:
        raise Invalid("Please choose an account reason from the list: " + ", ".join(ACCOUNT_REASONS_BY_CODE)
                      + ".", code="reason_needed", field="reason_code")
    now = utcnow()
    until = check_until(until, now)
    user = await _account(db, user_id)
    if user.role != "young_person":
        raise Forbidden("Staff accounts can't be restricted here. Please speak to an admin.",
                        code="staff_account")
    row = AccountRestriction(id=uuid.uuid4(), user_id=user.id, kind=kind, reason_code=reason_code, note=note,
                             until=until, created_at=now, created_by=actor.id)
    db.add(row)
    await db.flush()
    write_audit(db, actor, "restrict", "account", user.id, reason_code=reason_code, note=note,
                details={"restriction_id": str(row.id), "kind": kind, "until": _iso(until)})
    record_usage_event(db, f"restriction_{kind}", council_code=user.council_code, at=now)
    return {"id": str(row.id), "kind": kind, "until": _iso(until), "reason_code": reason_code,
            "user_id": str(user.id), "created_at": now.isoformat(), "status": "in_force",
            "message": kind_message(kind, reason_code, until)}


async def _locked_restriction(db: AsyncSession, restriction_id: uuid.UUID) -> AccountRestriction | None:
    return (await db.execute(select(AccountRestriction).where(AccountRestriction.id == restriction_id)
                             .with_for_update().execution_options(populate_existing=True))).scalars().first()


async def lift_restriction(db: AsyncSession, actor: CurrentUser, user_id: uuid.UUID,
                           restriction_id: uuid.UUID) -> None:
    row = await _locked_restriction(db, restriction_id)
    if row is None or row.user_id != user_id:
        raise NotFound("There is no such restriction on this account.")
    now = utcnow()
    if status_of(row, now) != "in_force":
        raise Conflict("This restriction is no longer in force.", code="not_in_force", status=status_of(row, now))
    row.lifted_at, row.lifted_by = now, actor.id
    write_audit(db, actor, "restriction_lift", "account", user_id,
                details={"restriction_id": str(row.id), "kind": row.kind})


# --- the young person's view ------------------------------------------------------------------


async def my_restrictions(db: AsyncSession, user: CurrentUser) -> dict[str, Any]:
    """Only restrictions in force, in kind words: never the moderator's note."""
    now = utcnow()
    rows = (await db.execute(
        select(AccountRestriction, RestrictionAppeal)
        .outerjoin(RestrictionAppeal, RestrictionAppeal.restriction_id == AccountRestriction.id)
        .where(AccountRestriction.user_id == user.id, in_force(now))
        .order_by(AccountRestriction.created_at.desc()))).all()
    items = [{"id": str(r.id), "kind": r.kind, "message": kind_message(r.kind, r.reason_code, r.until),
              "until": _iso(r.until), "can_appeal": a is None, "created_at": r.created_at.isoformat(),
              "appeal": None if a is None else {"id": str(a.id), "status": a.status, "created_at": a.created_at.isoformat(),
                                                "message": OUTCOME_WORDS[a.status]}}
             for r, a in rows]
    return {"items": items, "total": len(items)}


async def _own_restriction(db: AsyncSession, user: CurrentUser, restriction_id: uuid.UUID) -> AccountRestriction:
    row = await _locked_restriction(db, restriction_id)
    if row is None or row.user_id != user.id:
        raise NotFound("We couldn't find that.")
    return row


async def mark_seen(db: AsyncSession, user: CurrentUser, restriction_id: uuid.UUID) -> None:
    """A warning is shown once: after this it is no longer in force."""
    row = await _own_restriction(db, user, restriction_id)
    if row.seen_at is None:
        row.seen_at = utcnow()


async def appeal_restriction(db: AsyncSession, user: CurrentUser, restriction_id: uuid.UUID,
                             text: str) -> dict[str, Any]:
    text = text.strip()
    if not text:
        raise Invalid("Please tell us in a few words why you think this is wrong.", code="empty_appeal",
                      field="text")
    row = await _own_restriction(db, user, restriction_id)
    now = utcnow()
    if status_of(row, now) != "in_force":
        raise Conflict("This has already ended, so there's nothing to appeal.", code="not_in_force")
    appeal_id = (await db.execute(
        insert(RestrictionAppeal).values(id=uuid.uuid4(), restriction_id=row.id, text=text, status="open",
                                         created_at=now)
        .on_conflict_do_nothing(index_elements=["restriction_id"]).returning(RestrictionAppeal.id))).scalar_one_or_none()
    if appeal_id is None:
        raise Conflict("You've already appealed this. A moderator will look at it, and you'll see what they "
                       "decide here.", code="already_appealed")
    write_audit(db, user, "appeal", "restriction", row.id, details={"appeal_id": str(appeal_id), "kind": row.kind})
    record_usage_event(db, "appeal_made", council_code=user.council_code, at=now)
    return {"id": str(appeal_id), "restriction_id": str(row.id), "status": "open", "created_at": now.isoformat(),
            "message": OUTCOME_WORDS["open"]}


async def my_appeals(db: AsyncSession, user: CurrentUser) -> dict[str, Any]:
    """Every appeal of theirs and its outcome, newest first (lifted and ended ones too)."""
    rows = (await db.execute(
        select(RestrictionAppeal, AccountRestriction)
        .join(AccountRestriction, AccountRestriction.id == RestrictionAppeal.restriction_id)
        .where(AccountRestriction.user_id == user.id).order_by(RestrictionAppeal.created_at.desc()))).all()
    items = [{"id": str(a.id), "restriction_id": str(r.id), "kind": r.kind, "status": a.status,
              "message": OUTCOME_WORDS[a.status], "created_at": a.created_at.isoformat(),
              "decided_at": _iso(a.decided_at)} for a, r in rows]
    return {"items": items, "total": len(items)}


# --- deciding appeals -----------------------------------------------------------------------------


async def list_appeals(db: AsyncSession, actor: CurrentUser, status: str | None, *, limit: int, offset: int
                       ) -> dict[str, Any]:
    """Appeals for moderators, oldest first; ``can_decide`` is false for the one who restricted."""
    person = aliased(User)
    conditions = [RestrictionAppeal.status == status] if status else []
    total = (await db.execute(select(func.count()).select_from(RestrictionAppeal).where(*conditions))).scalar_one()
    creator, lifter, decider = aliased(User), aliased(User), aliased(User)
    rows = (await db.execute(
        select(RestrictionAppeal, AccountRestriction, person.username, creator, lifter, decider)
        .join(AccountRestriction, AccountRestriction.id == RestrictionAppeal.restriction_id)
        .join(person, person.id == AccountRestriction.user_id)
        .outerjoin(creator, creator.id == AccountRestriction.created_by)
        .outerjoin(lifter, lifter.id == AccountRestriction.lifted_by)
        .outerjoin(decider, decider.id == RestrictionAppeal.decided_by)
        .where(*conditions).order_by(RestrictionAppeal.created_at).limit(limit).offset(offset))).all()
    now = utcnow()
    items = []
    for a, r, username, c, lift, d in rows:
        items.append({**appeal_out(a, d), "user_id": str(r.user_id), "username": username,
                      "restriction": restriction_out(r, None, c, lift, None, now),
                      "can_decide": a.status == "open" and r.created_by != actor.id})
    return {"items": items, "total": total}


async def decide_appeal(db: AsyncSession, actor: CurrentUser, appeal_id: uuid.UUID, *, action: str,
                        note: str | None) -> dict[str, Any]:
    """uphold or lift; never by the moderator who restricted. The young person's devices
    hear of it after the commit (if they opted in)."""
    if action not in APPEAL_ACTIONS:
        raise Invalid("action must be uphold or lift.", code="bad_action", field="action")
    appeal = (await db.execute(select(RestrictionAppeal).where(RestrictionAppeal.id == appeal_id).with_for_update()
                               .execution_options(populate_existing=True))).scalars().first()
    if appeal is None:
        raise NotFound("There is no such appeal.")
    row = await _locked_restriction(db, appeal.restriction_id)
    if row.created_by == actor.id:
        raise Forbidden("You made this restriction, so another moderator needs to decide the appeal.",
                        code="own_restriction")
    if appeal.status != "open":
        raise Conflict("This appeal has already been decided.", code="decided", status=appeal.status)
    now = utcnow()
    appeal.status = "lifted" if action == "lift" else "upheld"
    appeal.decided_at, appeal.decided_by, appeal.decision_note = now, actor.id, note
    lifted = action == "lift" and status_of(row, now) == "in_force"
    if lifted:
        row.lifted_at, row.lifted_by = now, actor.id
    write_audit(db, actor, "appeal_decision", "restriction", row.id, note=note,
                details={"appeal_id": str(appeal.id), "decision": action, "lifted": lifted, "kind": row.kind})
    user = await db.get(User, row.user_id)
    record_usage_event(db, f"appeal_{appeal.status}", council_code=user.council_code if user else None, at=now)
    answer = {"id": str(appeal.id), "restriction_id": str(row.id), "status": appeal.status,
              "decided_at": now.isoformat(), "lifted_at": _iso(row.lifted_at)}
    push_after_commit(db, row.user_id, "appeal_decided")
    return answer


# --- the person's data ---------------------------------------------------------------------------


async def export_restrictions(db: AsyncSession, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Their restrictions in the words they read, and their appeals (never staff notes)."""
    rows = (await db.execute(
        select(AccountRestriction, RestrictionAppeal)
        .outerjoin(RestrictionAppeal, RestrictionAppeal.restriction_id == AccountRestriction.id)
        .where(AccountRestriction.user_id == user_id).order_by(AccountRestriction.created_at))).all()
    now = utcnow()
    return [{"id": str(r.id), "kind": r.kind, "message": kind_message(r.kind, r.reason_code, r.until),
             "until": _iso(r.until), "created_at": r.created_at.isoformat(), "status": status_of(r, now),
             "appeal": None if a is None else {"text": a.text, "status": a.status, "created_at": a.created_at.isoformat()}}
            for r, a in rows]


def _register() -> None:
    from backend.accounts.services import register_exporter

    register_exporter("restrictions", export_restrictions)


_register()
