"""The rules of moderation: the forum policy, the compiled engine rules with the admin's
watched words, the review queue, claims, decisions and the audit log. Escalating a post
raises a safeguarding alert (``backend.safeguarding``).

The queue is made of ``forum_post`` rows: pending and held posts, and published posts
with open reports. Most urgent first: the risk level (the post's, or a report's if
higher), then whatever has waited longest. Two moderators never work one item: a claim
lasts ``CLAIM_MINUTES`` and a decision on an item someone else holds is refused.

Every staff action is written to ``audit_log`` in the same transaction as the change.
Announcements (``pg_notify``) are made inside the transaction, so they go out only if
it commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.audit import AuditLog, write_audit
from backend.clock import utcnow
from backend.errors import Conflict, Invalid, NotFound
from backend.events import announce
from backend.forums.models import (
    FORMER_MEMBER,
    RISK_LEVELS,
    ForumSettings,
    Post,
    Report,
    Thread,
    WatchedWordRow,
)
from backend.forums.policy import forum_settings, reassess
from backend.push.services import push_after_commit
from backend.review.reasons import ACCOUNT_REASONS, REASONS, REASONS_BY_CODE
from backend.safeguarding.services import open_alert_for, raise_safeguarding_alert

CLAIM_MINUTES = 10
QUEUE_STATUSES = ("pending", "held")


def author_name(username: str | None) -> str:
    return username or FORMER_MEMBER


# --- the forum policy -------------------------------------------------------------------


def settings_out(row: ForumSettings) -> dict[str, Any]:
    return {"auto_publish": row.auto_publish, "auto_publish_min_approved": row.auto_publish_min_approved,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}


async def change_forum_settings(db: AsyncSession, actor: CurrentUser, *, auto_publish: bool | None,
                                auto_publish_min_approved: int | None) -> dict[str, Any]:
    row = await forum_settings(db, for_update=True)
    before = settings_out(row)
    if auto_publish is not None:
        row.auto_publish = auto_publish
    if auto_publish_min_approved is not None:
        row.auto_publish_min_approved = auto_publish_min_approved
    row.updated_at = utcnow()
    after = settings_out(row)
    write_audit(db, actor, "settings_change", "forum_settings", "1",
                details={"before": {k: before[k] for k in ("auto_publish", "auto_publish_min_approved")},
                         "after": {k: after[k] for k in ("auto_publish", "auto_publish_min_approved")}})
    return after


# --- the audit log -----------------------------------------------------------------------


async def list_audit(db: AsyncSession, *, limit: int, offset: int, action: str | None = None,
                     target_id: str | None = None, actor: str | None = None, since: dt.datetime | None = None,
                     until: dt.datetime | None = None) -> dict[str, Any]:
    """The log, newest first. ``action``: one action, or a prefix ending in ``.`` (``staff.``);
    ``actor``: an account id, or (part of) its e-mail or username; ``since``/``until``: the
    time range (until exclusive)."""
    conditions: list[Any] = []
    if action:
        conditions.append(AuditLog.action.startswith(action, autoescape=True) if action.endswith(".")
                          else AuditLog.action == action)
    if target_id:
        conditions.append(AuditLog.target_id == target_id)
    if actor:
        try:
            conditions.append(AuditLog.actor_id == uuid.UUID(actor))
        except ValueError:
            conditions.append(AuditLog.actor_id.in_(select(User.id).where(User.username.icontains(actor, autoescape=True))))
    if since is not None:
        conditions.append(AuditLog.at >= since)
    if until is not None:
        conditions.append(AuditLog.at < until)
    total = (await db.execute(select(func.count()).select_from(AuditLog).where(*conditions))).scalar_one()
    rows = (await db.execute(
        select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.actor_id).where(*conditions)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit).offset(offset))).all()
    items = [{"id": a.id, "at": a.at.isoformat(), "actor_id": str(a.actor_id) if a.actor_id else None,
              "actor": name, "actor_role": a.actor_role, "action": a.action, "target_type": a.target_type,
              "target_id": a.target_id, "reason_code": a.reason_code, "note": a.note, "details": a.details}
             for a, name in rows]
    return {"items": items, "total": total}


# --- reason templates and watched words ------------------------------------------------------


def reason_templates() -> list[dict[str, str]]:
    """Post reasons (a rejection) and, beside them, account reasons (a restriction)."""
    return [{**r, "applies_to": "post"} for r in REASONS] + [{**r, "applies_to": "account"} for r in ACCOUNT_REASONS]


def watched_word_out(row: WatchedWordRow) -> dict[str, Any]:
    return {"id": str(row.id), "word": row.word, "action": row.action, "created_at": row.created_at.isoformat()}


async def list_watched_words(db: AsyncSession) -> dict[str, Any]:
    rows = (await db.execute(select(WatchedWordRow).order_by(func.lower(WatchedWordRow.word)))).scalars().all()
    return {"items": [watched_word_out(r) for r in rows], "total": len(rows)}


async def _bump_watched_version(db: AsyncSession) -> None:
    await forum_settings(db)
    await db.execute(update(ForumSettings).where(ForumSettings.id == 1)
                     .values(watched_words_version=ForumSettings.watched_words_version + 1, updated_at=utcnow()))


async def add_watched_word(db: AsyncSession, actor: CurrentUser, word: str, action: str) -> dict[str, Any]:
    """Add a watched word (or change the action of one already watched)."""
    from moderation import WatchedWord

    word = " ".join(word.split())
    try:
        WatchedWord(word, action)
    except ValueError as exc:
        raise Invalid("A watched word needs at least one letter or number, and an action of block, "
                      "hold or flag.", code="bad_watched_word") from exc
    await forum_settings(db, for_update=True)  # serialises watched-word changes
    row = (await db.execute(select(WatchedWordRow).where(func.lower(WatchedWordRow.word) == word.lower())
                            )).scalars().first()
    if row is None:
        row = WatchedWordRow(id=uuid.uuid4(), word=word, action=action, created_at=utcnow(), created_by=actor.id)
        db.add(row)
        change = "watched_word_add"
    else:
        change = "watched_word_change"
        row.action = action
    await db.flush()
    await _bump_watched_version(db)
    write_audit(db, actor, change, "watched_word", row.id, details={"word": word, "action": action})
    return watched_word_out(row)


async def remove_watched_word(db: AsyncSession, actor: CurrentUser, word_id: uuid.UUID) -> None:
    await forum_settings(db, for_update=True)
    row = await db.get(WatchedWordRow, word_id)
    if row is None:
        raise NotFound("There is no such watched word.")
    details = {"word": row.word, "action": row.action}
    await db.delete(row)
    await db.flush()
    await _bump_watched_version(db)
    write_audit(db, actor, "watched_word_remove", "watched_word", word_id, details=details)


# --- the queue ----------------------------------------------------------------------------


def _rank_of(column: Any) -> Any:
    return case({level: i for i, level in enumerate(RISK_LEVELS)}, value=column, else_=0)


def _open_reports():  # noqa: ANN202 - a subquery
    return (select(Report.post_id.label("post_id"), func.min(Report.created_at).label("first_at"),
                   func.max(_rank_of(Report.risk_level)).label("rank"), func.count().label("n"))
            .where(Report.status == "open").group_by(Report.post_id).subquery("open_reports"))


def _claim_active(post: Post, now: dt.datetime) -> bool:
    return post.claimed_by is not None and post.claimed_at is not None and \
        post.claimed_at > now - dt.timedelta(minutes=CLAIM_MINUTES)


def item_kind(post: Post) -> str:
    if post.status == "published":
        return "report"
    return "thread" if post.id == post.thread_id else "reply"


async def queue_items(db: AsyncSession, *, limit: int, offset: int, post_ids: list[uuid.UUID] | None = None
                      ) -> dict[str, Any]:
    """The review queue, most urgent first (risk level, then oldest)."""
    reports = _open_reports()
    author, claimer = aliased(User), aliased(User)
    in_queue = or_(Post.status.in_(QUEUE_STATUSES), and_(Post.status == "published", reports.c.post_id.is_not(None)))
    rank = func.greatest(_rank_of(Post.risk_level), func.coalesce(reports.c.rank, 0))
    waiting_since = case((Post.status == "published", reports.c.first_at), else_=Post.created_at)
    conditions = [in_queue]
    if post_ids is not None:
        conditions.append(Post.id.in_(post_ids))
    base = select(Post.id).outerjoin(reports, reports.c.post_id == Post.id).where(*conditions)
    total = (await db.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    stmt = (select(Post, Thread, author.username, claimer.username, rank.label("rank"))
            .join(Thread, Thread.id == Post.thread_id)
            .outerjoin(reports, reports.c.post_id == Post.id)
            .outerjoin(author, author.id == Post.author_id)
            .outerjoin(claimer, claimer.id == Post.claimed_by)
            .where(*conditions)
            # a repeat offender's post (backend/restrictions suggests an action) comes first
            .order_by(Post.suggested_action.is_(None), rank.desc(), waiting_since.asc(), Post.id)
            .limit(limit).offset(offset))
    rows = (await db.execute(stmt)).all()
    by_post: dict[uuid.UUID, list[dict[str, Any]]] = {}
    if rows:
        report_rows = (await db.execute(
            select(Report).where(Report.status == "open", Report.post_id.in_([r[0].id for r in rows]))
            .order_by(Report.created_at))).scalars().all()
        for rep in report_rows:
            by_post.setdefault(rep.post_id, []).append(
                {"id": str(rep.id), "reason": rep.reason, "risk_level": rep.risk_level,
                 "created_at": rep.created_at.isoformat()})
    now = utcnow()
    items = []
    for post, thread, author_username, claimer_username, item_rank in rows:
        kind = item_kind(post)
        reps = by_post.get(post.id, [])
        first = post.id == thread.id
        item: dict[str, Any] = {
            "id": str(post.id), "kind": kind, "body": post.body, "author": author_name(author_username),
            "author_id": str(post.author_id) if post.author_id else None, "suggested_action": post.suggested_action,
            "board": thread.board_slug,
            "risk": {"level": RISK_LEVELS[int(item_rank)], "categories": list(post.risk_categories or [])},
            "created_at": post.created_at.isoformat(),
            "status": post.status, "thread_id": str(thread.id), "thread_title": thread.title,
            "spans": list(post.risk_spans or []), "reports": reps,
            "claimed_by": claimer_username if _claim_active(post, now) else None,
            "claimed_at": post.claimed_at.isoformat() if _claim_active(post, now) else None,
            "waiting_since": (reps[0]["created_at"] if kind == "report" and reps else post.created_at.isoformat()),
        }
        if first:
            item["title"] = thread.title
        items.append(item)
    return {"items": items, "total": total}


async def _locked_item(db: AsyncSession, post_id: uuid.UUID) -> Post:
    post = (await db.execute(select(Post).where(Post.id == post_id).with_for_update()
                             .execution_options(populate_existing=True))).scalars().first()
    if post is None:
        raise NotFound("There is no such item.")
    return post


async def _open_report_count(db: AsyncSession, post_id: uuid.UUID) -> int:
    return (await db.execute(select(func.count()).select_from(Report).where(
        Report.post_id == post_id, Report.status == "open"))).scalar_one()


async def _in_queue(db: AsyncSession, post: Post) -> bool:
    if post.status in QUEUE_STATUSES:
        return True
    return post.status == "published" and await _open_report_count(db, post.id) > 0


async def _refuse_if_claimed_by_other(db: AsyncSession, post: Post, actor: CurrentUser, now: dt.datetime) -> None:
    if _claim_active(post, now) and post.claimed_by != actor.id:
        other = await db.get(User, post.claimed_by)
        raise Conflict("Another moderator is working on this item.", code="claimed",
                       claimed_by=other.username if other else None)


async def _one_item(db: AsyncSession, post_id: uuid.UUID) -> dict[str, Any] | None:
    items = (await queue_items(db, limit=1, offset=0, post_ids=[post_id]))["items"]
    return items[0] if items else None


async def claim_item(db: AsyncSession, actor: CurrentUser, post_id: uuid.UUID) -> dict[str, Any]:
    now = utcnow()
    post = await _locked_item(db, post_id)
    if not await _in_queue(db, post):
        raise Conflict("This item has already been decided.", code="decided", status=post.status)
    await _refuse_if_claimed_by_other(db, post, actor, now)
    post.claimed_by, post.claimed_at = actor.id, now
    await db.flush()
    write_audit(db, actor, "claim", "post", post.id)
    item = await _one_item(db, post.id)
    await announce(db, k="mod", i=post.id, l=item["risk"]["level"] if item else post.risk_level, st=post.status)
    return item or {"id": str(post.id)}


async def release_item(db: AsyncSession, actor: CurrentUser, post_id: uuid.UUID) -> None:
    now = utcnow()
    post = await _locked_item(db, post_id)
    if post.claimed_by is None:
        return
    await _refuse_if_claimed_by_other(db, post, actor, now)
    post.claimed_by, post.claimed_at = None, None
    write_audit(db, actor, "release", "post", post.id)
    await announce(db, k="mod", i=post.id, l=post.risk_level, st=post.status)


def _sync_thread(thread: Thread, post: Post, now: dt.datetime) -> None:
    """A thread's status follows its first post; a published reply is new activity."""
    if post.id == thread.id:
        thread.status = post.status
        if post.status == "published":
            thread.last_activity_at = now
    elif post.status == "published":
        thread.last_activity_at = now


async def _close_reports(db: AsyncSession, post_id: uuid.UUID, actor: CurrentUser, outcome: str,
                         now: dt.datetime) -> int:
    result = await db.execute(update(Report).where(Report.post_id == post_id, Report.status == "open")
                              .values(status=outcome, closed_at=now, closed_by=actor.id))
    return result.rowcount or 0


async def decide_item(db: AsyncSession, actor: CurrentUser, post_id: uuid.UUID, *, action: str,
                      reason_code: str | None, note: str | None, edited_title: str | None,
                      edited_body: str | None) -> dict[str, Any]:
    """approve, reject or escalate one queue item. Text a moderator edited is assessed
    again (so the stored findings describe what is published). A post published now is
    pushed to its author, and a reply to the thread's author, after the commit."""
    now = utcnow()
    post = await _locked_item(db, post_id)
    open_reports = await _open_report_count(db, post.id)
    was = post.status
    kind = "report" if was == "published" else ("thread" if post.id == post.thread_id else "reply")
    if not (was in QUEUE_STATUSES or (was == "published" and open_reports)):
        raise Conflict("This item has already been decided.", code="decided", status=was)
    await _refuse_if_claimed_by_other(db, post, actor, now)
    thread = (await db.execute(select(Thread).where(Thread.id == post.thread_id).with_for_update()
                               .execution_options(populate_existing=True))).scalars().one()
    answer: dict[str, Any] = {"id": str(post.id), "kind": kind, "thread_id": str(thread.id), "action": action}
    details: dict[str, Any] = {"from_status": was, "risk_level": post.risk_level,
                               "risk_categories": list(post.risk_categories or [])}
    if open_reports:
        details["open_reports"] = open_reports

    if action == "approve":
        edited = False
        if edited_title is not None and edited_title.strip() != thread.title:
            if post.id != thread.id:
                raise Invalid("Only a thread's first post has a title to edit.", code="no_title")
            if not edited_title.strip():
                raise Invalid("The title can't be empty.", code="empty_title")
            thread.title = edited_title.strip()
            edited = True
        if edited_body is not None and edited_body.strip() != post.body:
            if not edited_body.strip():
                raise Invalid("The post can't be empty. Reject it instead.", code="empty_body")
            post.body = edited_body.strip()
            edited = True
        if edited:
            post.edited_by_moderator = True
            details["edited"] = True
            found = await reassess(db, thread.title if post.id == thread.id else None, post.body)
            post.risk_level, post.risk_categories, post.risk_spans = found.level, found.categories, found.spans
        if was != "published":
            post.status = "published"
            post.decided_at, post.decided_by = now, actor.id
            post.reason_code, post.moderator_message = None, None
            from backend.reports.services import record_usage_event

            record_usage_event(db, "post_published", council_code=post.council_code, at=now)
            answer["published_now"] = True
            _push_published(db, post, thread)
        await _close_reports(db, post.id, actor, "dismissed", now)
    elif action == "reject":
        template = REASONS_BY_CODE.get(reason_code or "")
        if template is None:
            raise Invalid("Please choose a reason from the list: " + ", ".join(REASONS_BY_CODE) + ".",
                          code="reason_needed")
        post.status = "rejected"
        post.decided_at, post.decided_by = now, actor.id
        post.reason_code, post.moderator_message = template["code"], template["message"]
        await _close_reports(db, post.id, actor, "upheld", now)
        answer["moderator_message"] = template["message"]
    elif action == "escalate":
        existing = await open_alert_for(db, "post", post.id)
        if existing is not None:
            raise Conflict("This post has already been passed to the counsellors.", code="already_escalated",
                           alert_id=str(existing))
        from moderation import Verdict

        alert = await raise_safeguarding_alert(
            db, kind="post", source_id=post.id, author_id=post.author_id, created_by=actor.id, note=note,
            verdict=Verdict(level=post.risk_level, categories=tuple(post.risk_categories or ())))
        post.status = "held"  # risk: not (or no longer) on the boards until a human decides
        await _close_reports(db, post.id, actor, "upheld", now)
        answer["alert_id"] = str(alert.id)
    else:
        raise Invalid("action must be approve, reject or escalate.", code="bad_action")

    if action != "escalate":
        post.claimed_by, post.claimed_at = None, None
    _sync_thread(thread, post, now)
    await db.flush()
    write_audit(db, actor, action, "post", post.id, reason_code=reason_code if action == "reject" else None,
                note=note, details=details)
    if action == "escalate":
        write_audit(db, actor, "alert_create", "safeguarding_alert", answer["alert_id"], note=note,
                    details={"post_id": str(post.id)})
    await announce(db, k="mod", i=post.id, l=post.risk_level, st=post.status)
    answer.update(status=post.status, decided_at=post.decided_at.isoformat() if post.decided_at else None,
                  edited=post.edited_by_moderator)
    if post.status == "published":
        answer["body"] = post.body
        if post.id == thread.id:
            answer["title"] = thread.title
    return answer


def _push_published(db: AsyncSession, post: Post, thread: Thread) -> None:
    """Who hears (if they opted in) that a post went live, after the commit: its author,
    and for a reply the thread's author (not twice, and not for their own reply)."""
    push_after_commit(db, post.author_id, "post_published")
    if post.id != thread.id and thread.author_id and thread.author_id != post.author_id:
        push_after_commit(db, thread.author_id, "post_answered")
