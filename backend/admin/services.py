"""The admin's rules: staff accounts, the chat's hours and closures, boards, councils.
Each change writes one audit row in the same transaction (backend.review's write_audit)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts.auth import CurrentUser
from backend.accounts.mfa import mfa_enabled_ids, remove_mfa
from backend.accounts.models import User
from backend.accounts.services import (
    TEMPORARY_PASSWORD_LIFETIME,
    create_staff_account,
    end_user_sessions,
    staff_problem,
)
from backend.admin.schemas import BoardChangeIn, BoardIn, ClosureIn, CouncilChangeIn, CouncilIn, StaffChangeIn, StaffIn
from backend.after_commit import on_commit
from backend.chat.models import ChatClosure, ChatSchedule
from backend.chat.opening import is_open, load_opening, next_closing, next_opening, parse_weekly
from backend.clock import utcnow
from backend.councils.models import Council
from backend.councils.services import forget_cached_councils
from backend.errors import Conflict, Invalid, NotFound
from backend.forums.models import Board
from backend.review.services import write_audit
from backend.security import hash_secret, new_recovery_code

MAX_CLOSURE_AHEAD = dt.timedelta(days=366)


def temporary_password() -> str:
    """Shown to the admin once, to pass on; it must be changed at first log-in."""
    return new_recovery_code()


# --- staff ------------------------------------------------------------------------------------


def staff_out(user: User, mfa_on: bool) -> dict[str, Any]:
    return {"id": str(user.id), "email": user.email or user.username, "name": user.display_name, "role": user.role,
            "council_code": user.council_code, "disabled": user.disabled, "mfa_enabled": mfa_on,
            "password_change_required": user.password_change_required,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


async def list_staff(db: AsyncSession) -> dict[str, Any]:
    rows = (await db.execute(select(User).where(User.role != "young_person")
                             .order_by(User.disabled, func.lower(User.email)))).scalars().all()
    with_mfa = await mfa_enabled_ids(db, [u.id for u in rows])
    return {"items": [staff_out(u, u.id in with_mfa) for u in rows], "total": len(rows)}


async def add_staff(db: AsyncSession, actor: CurrentUser, data: StaffIn) -> dict[str, Any]:
    password = temporary_password()
    user = await create_staff_account(db, role=data.role, email=data.email, password=password,
                                      council_code=data.council_code, name=data.name, temporary=True)
    write_audit(db, actor, "staff.create", "user", user.id,
                details={"email": user.email, "role": user.role, "council_code": user.council_code})
    return {"id": str(user.id), "temporary_password": password}


async def _staff_member(db: AsyncSession, staff_id: uuid.UUID) -> User:
    user = await db.get(User, staff_id, with_for_update=True)
    if user is None or user.role == "young_person":
        raise NotFound("There is no such staff account.")
    return user


async def change_staff(db: AsyncSession, actor: CurrentUser, staff_id: uuid.UUID, data: StaffChangeIn) -> dict[str, Any]:
    user = await _staff_member(db, staff_id)
    role = data.role or user.role
    council = user.council_code if data.council_code is msgspec.UNSET else data.council_code
    if user.id == actor.id and (data.disabled or role != "admin"):
        raise Conflict("You can't switch off your own account or take away your own admin role. "
                       "Please ask another admin.", code="own_account")
    if problem := await staff_problem(db, role=role, council_code=council):
        raise problem
    wanted: dict[str, Any] = {}
    if data.name is not None:
        wanted["display_name"] = data.name.strip() or None
    if data.role is not None:
        wanted["role"] = data.role
    if data.council_code is not msgspec.UNSET:
        wanted["council_code"] = data.council_code
    if data.disabled is not None:
        wanted["disabled"] = data.disabled
    changes = {field: {"from": getattr(user, field), "to": new} for field, new in wanted.items()
               if getattr(user, field) != new}
    for field, change in changes.items():
        setattr(user, field, change["to"])
    if changes.get("disabled", {}).get("to"):
        await end_user_sessions(db, user.id)  # at once, on every device
    action = "staff.disable" if changes.get("disabled", {}).get("to") else (
        "staff.enable" if "disabled" in changes else "staff.update")
    write_audit(db, actor, action, "user", user.id, details=changes or None)
    return staff_out(user, bool(await mfa_enabled_ids(db, [user.id])))


async def reset_staff(db: AsyncSession, actor: CurrentUser, staff_id: uuid.UUID) -> dict[str, Any]:
    """A new temporary password; their sessions end and their MFA is removed."""
    user = await _staff_member(db, staff_id)
    password = temporary_password()
    user.password_hash = await hash_secret(password)
    user.password_change_required = True
    user.temporary_password_expires_at = utcnow() + TEMPORARY_PASSWORD_LIFETIME
    await remove_mfa(db, user.id)
    ended = await end_user_sessions(db, user.id)
    write_audit(db, actor, "staff.reset", "user", user.id, details={"sessions_ended": ended, "mfa_removed": True})
    return {"temporary_password": password}


# --- the chat's hours and closures ---------------------------------------------------------


def closure_out(row: ChatClosure) -> dict[str, Any]:
    return {"id": str(row.id), "starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat(),
            "message": row.message}


async def chat_hours(db: AsyncSession) -> dict[str, Any]:
    now = utcnow()
    opening = await load_opening(db, now)
    rows = (await db.execute(select(ChatClosure).where(ChatClosure.ends_at > now)
                             .order_by(ChatClosure.starts_at))).scalars().all()
    open_now = is_open(opening, now)
    opens, closes = (None, next_closing(opening, now)) if open_now else (next_opening(opening, now), None)
    return {"weekly": opening.weekly, "source": "admin" if opening.from_admin else "environment",
            "open_now": open_now, "closures": [closure_out(r) for r in rows],
            "next_open": opens.isoformat() if opens else None, "next_close": closes.isoformat() if closes else None}


def _check_weekly(weekly: str) -> str:
    weekly = " ".join(weekly.split())
    try:
        parse_weekly(weekly.lower())
    except ValueError as exc:
        raise Invalid(f"We couldn't read those hours ({exc}). Write them like "
                      "'mon-fri 12:00-22:00; sat-sun 18:00-22:00', or 'always' or 'never'.",
                      code="bad_schedule", field="weekly") from exc
    return weekly.lower()


async def set_weekly_hours(db: AsyncSession, actor: CurrentUser, weekly: str) -> dict[str, Any]:
    weekly = _check_weekly(weekly)
    row = await db.get(ChatSchedule, 1, with_for_update=True)
    before = row.weekly if row else None
    if row is None:
        db.add(ChatSchedule(id=1, weekly=weekly, updated_at=utcnow(), updated_by=actor.id))
    else:
        row.weekly, row.updated_at, row.updated_by = weekly, utcnow(), actor.id
    write_audit(db, actor, "chat_hours.update", "chat_hours", None, details={"from": before, "to": weekly})
    await db.flush()
    return await chat_hours(db)


async def use_default_hours(db: AsyncSession, actor: CurrentUser) -> dict[str, Any]:
    """Forget the admin's weekly hours: WAYMARK_CHAT_HOURS applies again."""
    gone = (await db.execute(delete(ChatSchedule).returning(ChatSchedule.weekly))).scalars().first()
    write_audit(db, actor, "chat_hours.reset", "chat_hours", None, details={"from": gone})
    return await chat_hours(db)


async def add_closure(db: AsyncSession, actor: CurrentUser, data: ClosureIn) -> dict[str, Any]:
    starts, ends = as_utc(data.starts_at), as_utc(data.ends_at)
    if ends <= starts:
        raise Invalid("A closure must end after it starts. Please check the dates and times.",
                      code="closure_ends_before_start", field="ends_at")
    if ends <= utcnow():
        raise Invalid("That closure is already over. Please check the dates.", code="closure_in_past",
                      field="ends_at")
    if ends > utcnow() + MAX_CLOSURE_AHEAD or starts < utcnow() - MAX_CLOSURE_AHEAD:
        raise Invalid("A closure can be planned up to a year ahead. Please check the dates.",
                      code="closure_too_far", field="ends_at")
    message = data.message.strip()
    if not message:
        raise Invalid("Please write the message young people will see.", code="bad_input", field="message")
    row = ChatClosure(id=uuid.uuid4(), starts_at=starts, ends_at=ends, message=message, created_at=utcnow(),
                      created_by=actor.id)
    db.add(row)
    await db.flush()
    write_audit(db, actor, "chat_closure.create", "chat_closure", row.id, details=closure_out(row))
    return closure_out(row)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is read as UTC (the contract's times are UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


async def remove_closure(db: AsyncSession, actor: CurrentUser, closure_id: uuid.UUID) -> None:
    row = await db.get(ChatClosure, closure_id)
    if row is None:
        raise NotFound("There is no such closure.")
    details = closure_out(row)
    await db.delete(row)
    write_audit(db, actor, "chat_closure.delete", "chat_closure", closure_id, details=details)


# --- boards -------------------------------------------------------------------------------


def board_out(board: Board) -> dict[str, Any]:
    return {"slug": board.slug, "name": board.name, "description": board.description, "retired": board.retired}


async def list_boards(db: AsyncSession) -> dict[str, Any]:
    rows = (await db.execute(select(Board).order_by(Board.retired, Board.position, Board.slug))).scalars().all()
    return {"items": [board_out(b) for b in rows], "total": len(rows)}


async def add_board(db: AsyncSession, actor: CurrentUser, data: BoardIn) -> dict[str, Any]:
    if await db.get(Board, data.slug) is not None:
        raise Conflict("There is already a board with that address.", code="board_exists", field="slug")
    position = (await db.execute(select(func.coalesce(func.max(Board.position), 0)))).scalar_one() + 1
    board = Board(slug=data.slug, name=data.name.strip(), description=data.description.strip(),
                  position=min(position, 32000), retired=False, managed_in_app=True)
    db.add(board)
    await db.flush()
    write_audit(db, actor, "board.create", "board", board.slug, details=board_out(board))
    return board_out(board)


async def change_board(db: AsyncSession, actor: CurrentUser, slug: str, data: BoardChangeIn) -> dict[str, Any]:
    board = await db.get(Board, slug, with_for_update=True)
    if board is None:
        raise NotFound("There is no such board.")
    before = board_out(board)
    if data.name is not None:
        board.name = data.name.strip()
    if data.description is not None:
        board.description = data.description.strip()
    if data.retired is not None:
        board.retired = data.retired
    board.managed_in_app = True
    action = "board.retire" if data.retired and not before["retired"] else (
        "board.reopen" if data.retired is False and before["retired"] else "board.update")
    write_audit(db, actor, action, "board", slug, details={"from": before, "to": board_out(board)})
    return board_out(board)


# --- councils -----------------------------------------------------------------------------


def council_out(c: Council) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "short_name": c.short_name, "min_age": c.min_age, "max_age": c.max_age,
            "extended_max_age": c.extended_max_age}


def _check_ages(min_age: int, max_age: int, extended: int) -> None:
    if not min_age <= max_age <= extended:
        raise Invalid("The ages must go up: youngest, then oldest, then the oldest for care leavers and "
                      "young people with an EHCP.", code="bad_ages", field="max_age")


async def add_council(db: AsyncSession, actor: CurrentUser, data: CouncilIn) -> dict[str, Any]:
    extended = data.extended_max_age if data.extended_max_age is not None else data.max_age
    _check_ages(data.min_age, data.max_age, extended)
    if await db.get(Council, data.code) is not None:
        raise Conflict("There is already a council with that code.", code="council_exists", field="code")
    council = Council(code=data.code, name=data.name.strip(), short_name=(data.short_name or data.name).strip(),
                      min_age=data.min_age, max_age=data.max_age, extended_max_age=extended, crisis_lines=[],
                      managed_in_app=True)
    db.add(council)
    await db.flush()
    on_commit(db, forget_cached_councils)
    write_audit(db, actor, "council.create", "council", council.code, details=council_out(council))
    return council_out(council)


async def change_council(db: AsyncSession, actor: CurrentUser, code: str, data: CouncilChangeIn) -> dict[str, Any]:
    if data.code is not None and data.code != code:
        raise Invalid("A council's code can't change.", code="code_mismatch", field="code")
    council = await db.get(Council, code, with_for_update=True)
    if council is None:
        raise NotFound("There is no such council.")
    before = council_out(council)
    for field in ("name", "short_name", "min_age", "max_age", "extended_max_age"):
        value = getattr(data, field)
        if value is not None:
            setattr(council, field, value.strip() if isinstance(value, str) else value)
    _check_ages(council.min_age, council.max_age, council.extended_max_age)
    council.managed_in_app = True
    on_commit(db, forget_cached_councils)
    write_audit(db, actor, "council.update", "council", code, details={"from": before, "to": council_out(council)})
    return council_out(council)
