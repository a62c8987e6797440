"""The rules of the peer forums: boards, posting (assessed by the moderation engine,
pre-moderated by default), reading, reactions without counts, and reports.

What happens to a new post (``decide_status``):

- the engine says the author needs support (risk to life, danger from others, self-harm):
  ``held`` for a human, whatever else is true, and the answer carries support (kind words,
  crisis lines, a counsellor) every time; when it needs an alert (risk to life, danger
  from others) the counsellors get a safeguarding alert at once, whether or not a
  moderator is on (one author's alerts within an hour are one alert that lists them all);
- it uses an admin "block" word: ``rejected`` with kind words;
- anything the engine holds (medium risk or more, or a hold word): ``pending``;
- clean: ``pending`` (pre-moderation), or ``published`` only when the admin switched on
  auto-publish, the author has enough approved posts, nothing at all was flagged and
  nobody has reported the author's posts in the last 7 days.

Every post that enters the review queue is announced to the moderators' consoles.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.accounts.auth import CurrentUser
from backend.accounts.models import User
from backend.chat.services import crisis_lines_for
from backend.clock import age_today, utcnow
from backend.errors import Conflict, Invalid, NotFound, Throttled
from backend.events import announce
from backend.forums.models import FORMER_MEMBER, RISK_LEVELS, Board, Post, Reaction, Report, Thread
from backend.forums.policy import BLOCKED_MESSAGE, Findings, assess_post, rules_and_settings
from backend.forums.schemas import BODY_MAX, REACTION_KINDS, TITLE_MAX
from backend.reports.services import record_usage_event
from backend.safeguarding.services import raise_safeguarding_alert, register_source
from moderation import level_rank

# Like Discourse's trust level 0: new authors may start a few threads, everyone else more.
# Replies have their own, generous limit: a new member can always answer in a conversation.
NEW_AUTHOR_APPROVED = 3
NEW_AUTHOR_PER_HOUR = 3  # new threads an hour for a new member
AUTHOR_PER_HOUR = 20  # new threads an hour for everyone else
NEW_AUTHOR_REPLIES_PER_HOUR = 20
AUTHOR_REPLIES_PER_HOUR = 60
RATE_WINDOW = dt.timedelta(hours=1)
REPORT_LOOKBACK = dt.timedelta(days=7)

SUPPORT_MESSAGE = (
    "Thank you for telling us how you feel. It sounds like things are really hard right now, and you "
    "don't have to cope with this on your own. Someone from our team will read your post before anyone "
    "else sees it. If you want to talk now, you can talk to a counsellor, or call or text one of these "
    "free lines at any time."
)
# When someone else is hurting or threatening the author (the numbers come from the crisis lines).
DANGER_MESSAGE = (
    "Thank you for telling us. What is happening is not your fault, and you deserve to be safe. Someone "
    "from our team will read your post before anyone else sees it. If you are in danger right now, call 999. "
    "You can talk to a counsellor here, or call Childline free at any time to talk to someone about what is "
    "happening."
)
PENDING_MESSAGE = ("Thanks for posting. A moderator will read it soon, and it will show up on the board "
                   "once it's approved.")
PUBLISHED_MESSAGE = "Your post is up. Thank you for sharing."


# --- boards -----------------------------------------------------------------------------------


def read_boards(path: Path) -> list[dict[str, Any]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out, seen = [], set()
    for i, row in enumerate(rows):
        slug, name, description = str(row["slug"]), str(row["name"]).strip(), str(row["description"]).strip()
        if not slug or len(slug) > 60 or not all(c.isalnum() or c == "-" for c in slug) or slug != slug.lower():
            raise ValueError(f"{path.name}: bad board slug {slug!r}")
        if slug in seen:
            raise ValueError(f"{path.name}: the board {slug!r} is listed twice")
        if not name or len(name) > 80 or not description or len(description) > 300:
            raise ValueError(f"{path.name}: board {slug!r} needs a name (up to 80) and a description (up to 300)")
        seen.add(slug)
        out.append({"slug": slug, "name": name, "description": description, "position": i})
    return out


async def import_boards(db: AsyncSession, content_dir: Path) -> dict[str, int]:
    """Load content/boards.yaml: create new boards, update changed ones (idempotent).
    A board that leaves the file is kept (its threads still point at it)."""
    path = content_dir / "boards.yaml"
    if not path.exists():
        return {"boards changed": 0}
    changed = 0
    for row in read_boards(path):
        current = await db.get(Board, row["slug"])
        if current is None:
            db.add(Board(**row))
            changed += 1
        elif current.managed_in_app:  # an admin's edits in the console win over content/
            continue
        elif (current.name, current.description, current.position) != (row["name"], row["description"], row["position"]):
            current.name, current.description, current.position = row["name"], row["description"], row["position"]
            changed += 1
    await db.flush()
    return {"boards changed": changed}


async def list_boards(db: AsyncSession) -> list[dict[str, str]]:
    rows = (await db.execute(select(Board).where(Board.retired.is_(False))
                             .order_by(Board.position, Board.slug))).scalars().all()
    return [{"slug": b.slug, "name": b.name, "description": b.description} for b in rows]


async def board_or_404(db: AsyncSession, slug: str) -> Board:
    board = await db.get(Board, slug)
    if board is None:
        raise NotFound("There is no such board.")
    return board


def refuse_if_retired(board: Board) -> None:
    if board.retired:
        raise Conflict("This board is closed now, so it can't have new posts. Its threads are still here "
                       "to read. You're welcome to post on another board.", code="board_retired")


# --- assessing a post -------------------------------------------------------------------------


async def stored_needs_support(post: Post) -> bool:
    """Whether a stored post's categories call for support, by the engine's own rules
    (``support_categories``: risk to life, danger from others, self-harm)."""
    from moderation import Rules

    rules = await asyncio.to_thread(Rules.default)  # loaded once per process
    return bool(rules.support_categories & set(post.risk_categories or []))




# --- the account rule ---------------------------------------------------------------------
# What an account may do on the boards is decided in ONE place, backend/restrictions
# (suspended: 403; every post held; a repeat offender's post first in the queue). It
# registers its rule here at import, so the forums ask it without importing it (it reads
# the forums' posts, so the import goes that way).


@dataclass(frozen=True)
class AccountStanding:
    hold: bool = False  # every post held for review, whatever the forum policy
    suggested_action: str | None = None  # for the moderator, with the post first in the queue


AccountRule = Callable[..., Awaitable[AccountStanding]]
_account_rule: list[AccountRule] = []


def register_account_rule(rule: AccountRule) -> None:
    _account_rule[:] = [rule]


async def account_standing(db: AsyncSession, user: CurrentUser, action: str, *, categories: list[str] | None = None,
                           needs_support: bool = False) -> AccountStanding:
    """Ask the account rule whether ``user`` may ``action`` ("post", "react", "report"):
    it raises a 403 problem with ``code: "suspended"`` when not."""
    for rule in _account_rule:
        return await rule(db, user, action, categories=categories or [], needs_support=needs_support)
    return AccountStanding()


# --- posting ------------------------------------------------------------------------------


async def approved_count(db: AsyncSession, user_id: uuid.UUID) -> int:
    """Posts of this author a moderator approved (auto-published ones don't count)."""
    return (await db.execute(select(func.count()).select_from(Post).where(
        Post.author_id == user_id, Post.status == "published", Post.auto_published.is_(False)))).scalar_one()


async def check_rate(db: AsyncSession, user_id: uuid.UUID, approved: int, now: dt.datetime, *,
                     reply: bool = False) -> None:
    """New threads (or, for ``reply``, replies) in the last hour, counted in PostgreSQL
    (every worker sees the same count). The two have separate limits."""
    new_member = approved < NEW_AUTHOR_APPROVED
    if reply:
        limit = NEW_AUTHOR_REPLIES_PER_HOUR if new_member else AUTHOR_REPLIES_PER_HOUR
    else:
        limit = NEW_AUTHOR_PER_HOUR if new_member else AUTHOR_PER_HOUR
    kind = Post.id != Post.thread_id if reply else Post.id == Post.thread_id
    times = (await db.execute(select(Post.created_at).where(
        Post.author_id == user_id, Post.created_at > now - RATE_WINDOW, kind).order_by(Post.created_at))).scalars().all()
    if len(times) < limit:
        return
    frees_at = times[len(times) - limit] + RATE_WINDOW
    wait = max(1, math.ceil((frees_at - now).total_seconds()))
    minutes = max(1, math.ceil(wait / 60))
    if new_member:
        what = "reply" if reply else "start a new thread"
        detail = (f"Thanks for joining in so much! New members can {what} {limit} times an hour while our "
                  f"moderators get to know you. Please try again in about {minutes} minute(s). "
                  "If you need to talk now, a counsellor is here for you.")
    else:
        detail = (f"You've posted a lot in the last hour. Please take a breather and try again in about "
                  f"{minutes} minute(s). If you need to talk now, a counsellor is here for you.")
    raise Throttled(detail, retry_after=wait)


async def _recently_reported(db: AsyncSession, user_id: uuid.UUID, now: dt.datetime) -> bool:
    stmt = (select(Report.id).join(Post, Post.id == Report.post_id)
            .where(Post.author_id == user_id, Report.created_at > now - REPORT_LOOKBACK,
                   Report.status.in_(("open", "upheld"))).limit(1))
    return (await db.execute(stmt)).first() is not None


def status_by_rules(found: Findings, settings: Any, approved: int) -> str:
    """A new post's status by what the engine found and the forum's policy (pure): ``held``,
    ``rejected``, ``pending``, or ``published`` where auto-publish may apply (the caller
    still asks whether the author was reported lately)."""
    if found.needs_support:
        return "held"  # a human must see risk, whatever else is true
    if found.action == "block":
        return "rejected"
    if found.action == "hold" or level_rank(found.level) >= level_rank("medium"):
        return "pending"
    if (settings.auto_publish and found.level == "none" and not found.categories
            and approved >= settings.auto_publish_min_approved):
        return "published"
    return "pending"


async def decide_status(db: AsyncSession, user: CurrentUser, found: Findings, settings: Any, approved: int,
                        now: dt.datetime) -> str:
    status = status_by_rules(found, settings, approved)
    if status == "published" and await _recently_reported(db, user.id, now):
        return "pending"
    return status


def support_message(categories: Any) -> str:
    """Kind words that fit what was found: danger from someone else is not the author's doing."""
    found = set(categories or ())
    if "danger_from_others" in found and "risk_to_life" not in found:
        return DANGER_MESSAGE
    return SUPPORT_MESSAGE


async def support_block(db: AsyncSession, user: CurrentUser | None, chat_open: bool | None,
                        categories: Any = ()) -> dict[str, Any]:
    block: dict[str, Any] = {"message": support_message(categories), "crisis_lines": await crisis_lines_for(db, user),
                             "can_talk_to_counsellor": True}
    if chat_open is not None:
        block["chat_open"] = chat_open
    return block


async def post_answer(db: AsyncSession, post: Post, user: CurrentUser, chat_open: bool | None) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": str(post.id), "status": post.status, "thread_id": str(post.thread_id)}
    if post.status == "held" and await stored_needs_support(post):
        answer["support"] = await support_block(db, user, chat_open, post.risk_categories)
        answer["message"] = answer["support"]["message"]
    elif post.status == "held":
        answer["message"] = PENDING_MESSAGE
    elif post.status == "pending":
        answer["message"] = PENDING_MESSAGE
    elif post.status == "rejected":
        answer["message"] = post.moderator_message
    else:
        answer["message"] = PUBLISHED_MESSAGE
    return answer


async def submit_post(db: AsyncSession, user: CurrentUser, *, board_slug: str | None = None,
                      thread_id: uuid.UUID | None = None, title: str | None = None, body: str,
                      client_id: uuid.UUID | None = None, chat_open: bool | None = None) -> dict[str, Any]:
    """Start a thread (``board_slug`` and ``title``) or reply (``thread_id``)."""
    body = body.strip()
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise Invalid("Please give your thread a title.", code="empty_title", field="title")
        if len(title) > TITLE_MAX:
            raise Invalid(f"A title can be up to {TITLE_MAX} characters.", code="too_long", field="title")
    if not body:
        raise Invalid("Please write something before you post.", code="empty_body", field="body")
    if len(body) > BODY_MAX:
        raise Invalid(f"A post can be up to {BODY_MAX:,} characters.", code="too_long", field="body")

    # One author's posts are handled one at a time (rate limit and client_id stay exact).
    await db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                     {"key": f"forum_post:{user.id}"})
    if client_id is not None:
        existing = (await db.execute(select(Post).where(Post.author_id == user.id, Post.client_id == client_id)
                                     )).scalars().first()
        if existing is not None:
            return await post_answer(db, existing, user, chat_open)

    thread: Thread | None = None
    if thread_id is None:
        refuse_if_retired(await board_or_404(db, board_slug or ""))
    else:
        thread = (await db.execute(select(Thread).where(Thread.id == thread_id).with_for_update())).scalars().first()
        if thread is None:
            raise NotFound("There is no such thread.")
        refuse_if_retired(await board_or_404(db, thread.board_slug))
        if thread.status != "published":
            if thread.author_id != user.id:
                raise NotFound("There is no such thread.")
            if thread.status == "rejected":
                raise Conflict("This thread wasn't published, so it can't have replies.", code="thread_rejected")
            raise Conflict("Your thread is waiting for a moderator. Please wait until your post is approved, "
                           "then you can add to it.", code="thread_not_published")

    now = utcnow()
    rules, settings = await rules_and_settings(db)
    found = await assess_post(rules, title, body, age_today(user.birth_year, user.birth_month, now))
    standing = await account_standing(db, user, "post", categories=found.categories,
                                      needs_support=found.needs_support)
    approved = await approved_count(db, user.id)
    if not found.needs_support:  # risk is never turned away: it always reaches a human
        await check_rate(db, user.id, approved, now, reply=thread is not None)
    status = await decide_status(db, user, found, settings, approved, now)
    if standing.hold and status in ("pending", "published"):
        status = "held"

    post_id = uuid.uuid4()
    if thread is None:
        thread = Thread(id=post_id, board_slug=board_slug, title=title, author_id=user.id, status=status,
                        created_at=now, last_activity_at=now)
        db.add(thread)
        await db.flush()  # the thread row first: the post references it
    post = Post(id=post_id, thread_id=thread.id, author_id=user.id, council_code=user.council_code, body=body,
                status=status, risk_level=found.level, risk_categories=found.categories, risk_spans=found.spans,
                client_id=client_id, created_at=now, suggested_action=standing.suggested_action)
    if status == "rejected":
        post.decided_at, post.reason_code, post.moderator_message = now, "blocked_words", BLOCKED_MESSAGE
    elif status == "published":
        post.decided_at, post.auto_published = now, True
        thread.last_activity_at = now
    db.add(post)
    await db.flush()
    record_usage_event(db, "post_submitted", council_code=user.council_code, birth_year=user.birth_year,
                       birth_month=user.birth_month, at=now)
    if status == "published":
        record_usage_event(db, "post_published", council_code=user.council_code, at=now)
    if status in ("pending", "held"):
        await announce(db, k="mod", i=post.id, l=found.level, st=status)
    if found.needs_alert:
        # Risk to life or danger from others reaches the counsellors at once, not only when a
        # moderator is free to escalate (at night there may be none); the post stays held and
        # queued for a moderator as well.
        await raise_safeguarding_alert(db, kind="post", source_id=post.id, author_id=user.id, verdict=found.verdict)
    return await post_answer(db, post, user, chat_open)


async def describe_posts(db: AsyncSession, post_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """What a counsellor needs to find a post a safeguarding alert is about."""
    rows = (await db.execute(select(Post, Thread).join(Thread, Thread.id == Post.thread_id)
                             .where(Post.id.in_(post_ids)))).all()
    return {post.id: {"post_id": str(post.id), "thread_id": str(thread.id), "thread_title": thread.title,
                      "board": thread.board_slug, "body": post.body, "post_created_at": post.created_at.isoformat(),
                      "post_status": post.status} for post, thread in rows}


# --- reading --------------------------------------------------------------------------------


async def list_threads(db: AsyncSession, slug: str, *, limit: int, offset: int,
                       reader: CurrentUser | None = None) -> dict[str, Any]:
    """Published threads, and the reader's own threads still waiting for a moderator
    (marked ``waiting_for_moderator``)."""
    board = await board_or_404(db, slug)
    replies = aliased(Post)
    reply_count = (select(func.count()).select_from(replies)
                   .where(replies.thread_id == Thread.id, replies.id != Thread.id, replies.status == "published")
                   .correlate(Thread).scalar_subquery())
    own_waiting = and_(Thread.author_id == reader.id, Thread.status.in_(("pending", "held"))) if reader else None
    visible = and_(Thread.board_slug == slug,
                   Thread.status == "published" if own_waiting is None else or_(Thread.status == "published",
                                                                                own_waiting))
    total = (await db.execute(select(func.count()).select_from(Thread).where(visible))).scalar_one()
    rows = (await db.execute(
        select(Thread, User.username, reply_count.label("reply_count"))
        .outerjoin(User, User.id == Thread.author_id).where(visible)
        .order_by(Thread.last_activity_at.desc(), Thread.id).limit(limit).offset(offset))).all()
    items = [{"id": str(t.id), "title": t.title, "author": name or FORMER_MEMBER,
              "created_at": t.created_at.isoformat(), "reply_count": count,
              "last_activity_at": t.last_activity_at.isoformat(), "status": t.status,
              "waiting_for_moderator": t.status != "published"} for t, name, count in rows]
    return {"items": items, "total": total, "retired": board.retired}


async def my_posts(db: AsyncSession, user_id: uuid.UUID, *, limit: int, offset: int) -> dict[str, Any]:
    """The author's own posts in every state, newest first, with the moderator's kind words
    for a rejection (never the internal note)."""
    mine = Post.author_id == user_id
    total = (await db.execute(select(func.count()).select_from(Post).where(mine))).scalar_one()
    rows = (await db.execute(select(Post, Thread.title, Thread.board_slug).join(Thread, Thread.id == Post.thread_id)
                             .where(mine).order_by(Post.created_at.desc(), Post.id).limit(limit).offset(offset))).all()
    items = []
    for post, title, board in rows:
        item: dict[str, Any] = {"id": str(post.id), "thread_id": str(post.thread_id), "body": post.body,
                                "status": post.status, "created_at": post.created_at.isoformat(), "board": board,
                                "is_thread": post.id == post.thread_id}
        if post.id == post.thread_id:
            item["title"] = title
        else:
            item["thread_title"] = title
        if post.status == "rejected":
            item["reason"] = post.moderator_message
        items.append(item)
    return {"items": items, "total": total}


async def _reactions_of(db: AsyncSession, post_ids: list[uuid.UUID], user_id: uuid.UUID) -> dict[uuid.UUID, list]:
    """Which kinds were used on each post and whether the reader used them: never counts."""
    if not post_ids:
        return {}
    rows = (await db.execute(
        select(Reaction.post_id, Reaction.kind, func.bool_or(Reaction.user_id == user_id))
        .where(Reaction.post_id.in_(post_ids)).group_by(Reaction.post_id, Reaction.kind))).all()
    order = {k: i for i, k in enumerate(REACTION_KINDS)}
    out: dict[uuid.UUID, list] = {}
    for post_id, kind, mine in sorted(rows, key=lambda r: order.get(r[1], 99)):
        out.setdefault(post_id, []).append({"kind": kind, "mine": bool(mine)})
    return out


async def read_thread(db: AsyncSession, thread_id: uuid.UUID, reader: CurrentUser) -> dict[str, Any]:
    thread = await db.get(Thread, thread_id)
    if thread is None or (thread.status != "published" and thread.author_id != reader.id):
        raise NotFound("There is no such thread.")
    author = await db.get(User, thread.author_id) if thread.author_id else None
    rows = (await db.execute(
        select(Post, User.username).outerjoin(User, User.id == Post.author_id)
        .where(Post.thread_id == thread.id, or_(Post.status == "published", Post.author_id == reader.id))
        .order_by(Post.created_at, Post.id))).all()
    reactions = await _reactions_of(db, [p.id for p, _ in rows if p.status == "published"], reader.id)
    posts = []
    for post, name in rows:
        item: dict[str, Any] = {"id": str(post.id), "author": name or FORMER_MEMBER, "body": post.body,
                                "status": post.status, "created_at": post.created_at.isoformat(),
                                "reactions": reactions.get(post.id, []), "mine": post.author_id == reader.id,
                                "edited_by_moderator": post.edited_by_moderator}
        if post.author_id == reader.id and post.status != "published":
            item["moderator_message"] = post.moderator_message
            # the author's own held post that showed risk: the PWA shows the support again
            item["needs_support"] = post.status == "held" and await stored_needs_support(post)
        posts.append(item)
    return {"id": str(thread.id), "title": thread.title, "board": thread.board_slug,
            "author": author.username if author else FORMER_MEMBER, "status": thread.status,
            "created_at": thread.created_at.isoformat(), "posts": posts}


# --- reactions and reports -----------------------------------------------------------------


async def visible_post(db: AsyncSession, post_id: uuid.UUID) -> Post:
    """A published post in a published thread, or 404."""
    row = (await db.execute(select(Post).join(Thread, Thread.id == Post.thread_id).where(
        Post.id == post_id, Post.status == "published", Thread.status == "published"))).scalars().first()
    if row is None:
        raise NotFound("There is no such post.")
    return row


def check_reaction_kind(kind: str) -> None:
    if kind not in REACTION_KINDS:
        raise Invalid("Please choose one of these reactions: " + ", ".join(REACTION_KINDS) + ".",
                      code="bad_reaction", kinds=list(REACTION_KINDS))


async def add_reaction(db: AsyncSession, user: CurrentUser, post_id: uuid.UUID, kind: str) -> dict[str, Any]:
    check_reaction_kind(kind)
    await account_standing(db, user, "react")
    post = await visible_post(db, post_id)
    refuse_if_retired(await board_or_404(db, (await db.get(Thread, post.thread_id)).board_slug))  # read-only
    await db.execute(insert(Reaction).values(post_id=post_id, user_id=user.id, kind=kind, created_at=utcnow())
                     .on_conflict_do_nothing())
    return {"post_id": str(post_id), "kind": kind,
            "reactions": (await _reactions_of(db, [post_id], user.id)).get(post_id, [])}


async def remove_reaction(db: AsyncSession, user: CurrentUser, post_id: uuid.UUID, kind: str) -> None:
    check_reaction_kind(kind)
    await visible_post(db, post_id)
    await db.execute(delete(Reaction).where(Reaction.post_id == post_id, Reaction.user_id == user.id,
                                            Reaction.kind == kind))


async def report_post(db: AsyncSession, user: CurrentUser, post_id: uuid.UUID, reason: str) -> dict[str, Any]:
    """Ask the moderators to look again. One open report per post and person: a second
    one answers with the first. The post rejoins the review queue (kind "report")."""
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("Please tell us a little about what's wrong.", code="empty_reason", field="reason")
    await account_standing(db, user, "report")
    post = await visible_post(db, post_id)
    from moderation import assess

    # Read the reason only for risk ("they said they want to end it" ranks urgent): the
    # journal context looks for nothing but risk to life, self-harm and abuse.
    level = (await asyncio.to_thread(assess, reason, {"kind": "journal"})).level
    now = utcnow()
    new_id = (await db.execute(
        insert(Report).values(id=uuid.uuid4(), post_id=post.id, reporter_id=user.id, reason=reason,
                              risk_level=level, status="open", created_at=now)
        .on_conflict_do_nothing(index_elements=["post_id", "reporter_id"], index_where=text("status = 'open'"))
        .returning(Report.id))).scalar_one_or_none()
    report = (await db.execute(select(Report).where(
        Report.post_id == post.id, Report.reporter_id == user.id, Report.status == "open"))).scalars().one()
    if new_id is not None:
        top = max(level_rank(post.risk_level), level_rank(level))
        await announce(db, k="mod", i=post.id, l=RISK_LEVELS[top], st="reported")
    return {"id": str(report.id), "post_id": str(post.id), "status": report.status,
            "created_at": report.created_at.isoformat(),
            "message": "Thank you for telling us. A moderator will look at it soon."}


def _register() -> None:
    from backend.accounts.services import register_deleter, register_exporter
    from backend.forums.personal_data import delete_unpublished_posts, export_forum_data

    register_exporter("forums", export_forum_data)
    register_source("post", describe_posts)
    register_deleter("forums", delete_unpublished_posts)


_register()
