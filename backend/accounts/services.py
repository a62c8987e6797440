"""The rules of accounts: signing up, logging in (with throttling), recovery, export and
deletion. Controllers call these; these call the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts import throttle
from backend.accounts.mfa import check_login_code, confirm_mfa
from backend.accounts.models import STAFF_ROLES, User
from backend.accounts.rules import password_problem, username_problem, username_skeleton
from backend.accounts.sessions import end_sessions_of
from backend.clock import age_today, london_today, utcnow
from backend.councils.models import Council
from backend.database import EVENTS_CHANNEL
from backend.errors import Conflict, Forbidden, Invalid, NotFound, NotLoggedIn
from backend.reports.services import record_usage_event
from backend.security import hash_secret, new_recovery_code, normalise_recovery_code, verify_secret

TEMPORARY_PASSWORD_LIFETIME = dt.timedelta(days=3)  # an admin's temporary password for a staff member


class UserRepository(SQLAlchemyAsyncRepository[User]):
    model_type = User


class UserService(SQLAlchemyAsyncRepositoryService[User]):
    repository_type = UserRepository

    async def find_by_login_name(self, name: str) -> User | None:
        key = name.strip().lower()
        stmt = select(User).where(or_(func.lower(User.username) == key, func.lower(User.email) == key))
        return (await self.repository.session.execute(stmt)).scalars().first()


def check_eligibility(council: Council, birth_year: int, birth_month: int, extended: str | None, at: dt.datetime) -> None:
    age = age_today(birth_year, birth_month, at)
    upper = council.extended_max_age if extended else council.max_age
    if council.min_age <= age <= upper:
        return
    if age < council.min_age:
        detail = (f"Waymark in {council.short_name} is for young people aged {council.min_age} to {upper}. "
                  "You can still talk to Childline any time, free, on 0800 1111.")
    else:
        detail = (f"Waymark in {council.short_name} is for young people up to {upper}"
                  + ("" if extended else f" (up to {council.extended_max_age} for care leavers and young people with an EHCP)")
                  + ". You can still get support any time: text SHOUT to 85258 or call Samaritans on 116 123.")
    raise Invalid(detail, code="not_eligible", min_age=council.min_age, max_age=upper)


@dataclass
class SignedUp:
    user: User
    recovery_code: str


async def sign_up_young_person(
    db: AsyncSession, *, username: str, password: str, birth_month: int, birth_year: int,
    council_code: str, extended_eligibility: str | None,
) -> SignedUp:
    username = username.strip()
    # off the event loop: the first call loads the moderation engine's look-alike data
    if problem := await asyncio.to_thread(username_problem, username):
        raise Invalid(problem, code="bad_username")
    if problem := password_problem(password, username):
        raise Invalid(problem, code="weak_password")
    council = await db.get(Council, council_code)
    if council is None:
        raise Invalid("We don't know that council. Please choose yours from the list.", code="unknown_council")
    now = utcnow()
    today = london_today(now)
    if (birth_year, birth_month) > (today.year, today.month):
        raise Invalid("That birth date is in the future. Please check the month and year.", code="bad_birth_date")
    check_eligibility(council, birth_year, birth_month, extended_eligibility, now)

    users = UserService(session=db)
    if await users.find_by_login_name(username) is not None:
        raise Conflict("Someone already has that username. Please try another one.", code="username_taken")
    skeleton = username_skeleton(username)
    if await db.scalar(select(User.id).where(User.username_skeleton == skeleton)) is not None:
        raise Conflict("Someone already has a username that looks just like that one. Please try another one.",
                       code="username_taken")
    recovery_code = new_recovery_code()
    user = User(
        id=uuid.uuid4(), username=username, username_skeleton=skeleton, role="young_person", council_code=council.code,
        birth_month=birth_month, birth_year=birth_year, extended_eligibility=extended_eligibility,
        password_hash=await hash_secret(password),
        recovery_code_hash=await hash_secret(normalise_recovery_code(recovery_code)),
        last_login_at=utcnow(),
    )
    db.add(user)
    try:
        await db.flush()
    except IntegrityError as exc:  # two sign-ups racing for one name
        await db.rollback()
        raise Conflict("Someone already has that username. Please try another one.", code="username_taken") from exc
    record_usage_event(db, "signup", council_code=council.code, birth_year=birth_year, birth_month=birth_month)
    return SignedUp(user=user, recovery_code=recovery_code)


def _throttle_keys(login_name: str, address: str | None, device: str | None, purpose: str) -> tuple[str, str | None, str | None]:
    return (throttle.account_key(login_name, purpose), throttle.address_key(address),
            throttle.device_key(device) if device else None)


async def log_in(db: AsyncSession, *, login_name: str, password: str, address: str | None, device: str | None = None,
                 otp: str | None = None) -> User:
    """Check a name and password (and a staff member's TOTP code once they have one).
    Unknown names and wrong passwords get the same answer after the same work (one argon2
    verification); wrong codes count towards the same throttle as wrong passwords.
    ``device`` is this device's token for the account when it signed in to it before (see
    backend.accounts.throttle)."""
    now = utcnow()
    account_key, address_key, device_key = _throttle_keys(login_name, address, device, "login")
    await throttle.check(db, [device_key] if device_key else [k for k in (account_key, address_key) if k], now)

    user = await UserService(session=db).find_by_login_name(login_name)
    ok = await verify_secret(user.password_hash if user else None, password)
    if not ok or user is None:
        await throttle.count_failure(db, account=account_key, address=address_key, device=device_key, now=now)
        raise NotLoggedIn("That username and password don't match. Please check them and try again.", code="bad_credentials")
    if user.disabled:
        raise Forbidden("This account is switched off. Please ask your Waymark admin.", code="account_disabled")
    if user.password_change_required and user.temporary_password_expires_at and user.temporary_password_expires_at < now:
        raise NotLoggedIn("That temporary password has run out. Please ask your Waymark admin for a new one.",
                          code="temporary_password_expired")
    if not await check_login_code(db, user.id, otp, now):
        if otp:  # a wrong or replayed code: throttled like a wrong password
            await throttle.count_failure(db, account=account_key, address=address_key, device=device_key, now=now)
            raise NotLoggedIn("That code didn't work. Please type the 6-digit code your app shows now.",
                              code="bad_otp")
        raise NotLoggedIn("Please type the 6-digit code from your authenticator app.", code="mfa_required")

    await throttle.forget(db, *[k for k in (account_key, device_key) if k])
    user.last_login_at = now
    record_usage_event(db, "login", council_code=user.council_code, birth_year=user.birth_year, birth_month=user.birth_month)
    return user


async def recover_account(db: AsyncSession, *, username: str, recovery_code: str, new_password: str, address: str | None,
                          current_session: str | None = None) -> SignedUp:
    """Set a new password with the one-time recovery code; a new code replaces it. Its
    own throttle keys: a delayed log-in never blocks recovery. Every session of the
    account ends (``current_session``, this device's, is replaced by the caller)."""
    if problem := password_problem(new_password, username):
        raise Invalid(problem, code="weak_password")
    now = utcnow()
    account_key, address_key, _ = _throttle_keys(username, address, None, "recover")
    await throttle.check(db, [k for k in (account_key, address_key) if k], now)
    user = await UserService(session=db).find_by_login_name(username)
    usable = user is not None and user.role == "young_person"
    ok = await verify_secret(user.recovery_code_hash if usable else None, normalise_recovery_code(recovery_code))
    if not ok or user is None:
        await throttle.count_failure(db, account=account_key, address=address_key, device=None, now=now)
        raise NotLoggedIn("That username and recovery code don't match.", code="bad_credentials")
    code = new_recovery_code()
    user.password_hash = await hash_secret(new_password)
    user.recovery_code_hash = await hash_secret(normalise_recovery_code(code))
    user.last_login_at = now
    await throttle.forget(db, account_key, throttle.account_key(username, "login"))
    await end_sessions_of(db, user.id, keep_session_id=current_session)  # whoever knew the old password
    return SignedUp(user=user, recovery_code=code)


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


async def staff_problem(db: AsyncSession, *, role: str, council_code: str | None) -> Invalid | None:
    """Why a staff account cannot have this role and council, or None."""
    if role not in STAFF_ROLES:
        return Invalid(f"The role must be one of: {', '.join(STAFF_ROLES)}.", code="bad_role", field="role")
    if role == "council_admin" and not council_code:
        return Invalid("A council officer needs a council.", code="council_required", field="council_code")
    if council_code and await db.get(Council, council_code) is None:
        return Invalid("We don't know that council.", code="unknown_council", field="council_code")
    return None


async def create_staff_account(
    db: AsyncSession, *, role: str, email: str, password: str, council_code: str | None, name: str | None,
    temporary: bool = False,
) -> User:
    """A staff account (the CLI, or an admin with a ``temporary`` password that must be
    changed at first log-in). Raises a domain error for anything wrong."""
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 64:  # the e-mail is also the login name (64 characters)
        raise Invalid("Please give a work e-mail address.", code="bad_email", field="email")
    if problem := await staff_problem(db, role=role, council_code=council_code):
        raise problem
    if problem := password_problem(password):
        raise Invalid(problem, code="weak_password", field="password")
    if await UserService(session=db).find_by_login_name(email) is not None:
        raise Conflict("There is already an account with that e-mail address.", code="email_taken", field="email")
    user = User(id=uuid.uuid4(), username=email, email=email, display_name=(name or "").strip() or None, role=role,
                council_code=council_code, password_hash=await hash_secret(password),
                password_change_required=temporary,
                temporary_password_expires_at=utcnow() + TEMPORARY_PASSWORD_LIFETIME if temporary else None)
    db.add(user)
    try:
        await db.flush()
    except IntegrityError as exc:  # two admins adding the same e-mail at once
        await db.rollback()
        raise Conflict("There is already an account with that e-mail address.", code="email_taken") from exc
    return user


async def confirm_second_factor(db: AsyncSession, user_id: uuid.UUID, code: str, *, address: str | None) -> bool:
    """Confirm TOTP set-up with its first code; wrong codes are throttled like passwords."""
    now = utcnow()
    account_key, address_key = throttle.account_key(str(user_id), "mfa"), throttle.address_key(address)
    await throttle.check(db, [k for k in (account_key, address_key) if k], now)
    if await confirm_mfa(db, user_id, code, now):
        await throttle.forget(db, account_key)
        return True
    await throttle.count_failure(db, account=account_key, address=address_key, device=None, now=now)
    return False


# --- sessions and passwords ------------------------------------------------------------------


async def end_user_sessions(db: AsyncSession, user_id: uuid.UUID, *, keep_session_id: str | None = None) -> int:
    """End every session of one person at once (all of them, or all but ``keep_session_id``,
    the one making the request), on every worker (backend.accounts.sessions), and close their
    open chat sockets on every worker too (sent on commit; a device still signed in reconnects).
    Returns how many ended."""
    ended = await end_sessions_of(db, user_id, keep_session_id=keep_session_id)
    await db.execute(text("SELECT pg_notify(:channel, :payload)"),
                     {"channel": EVENTS_CHANNEL, "payload": json.dumps({"k": "signed_out", "u": str(user_id)})})
    return ended


async def change_password(db: AsyncSession, user_id: uuid.UUID, *, current_password: str, new_password: str,
                          keep_session_id: str | None) -> None:
    """Set a new password after checking the current one; every other session ends."""
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound("We couldn't find your account.")
    if not await verify_secret(user.password_hash, current_password):
        raise Invalid("Your current password isn't right. Please check it and try again.",
                      code="wrong_password", field="current_password")
    if problem := password_problem(new_password, user.username):
        raise Invalid(problem, code="weak_password", field="new_password")
    if new_password == current_password:
        raise Invalid("Please choose a new password, different from the one you have now.",
                      code="weak_password", field="new_password")
    user.password_hash = await hash_secret(new_password)
    user.password_change_required, user.temporary_password_expires_at = False, None
    await end_user_sessions(db, user.id, keep_session_id=keep_session_id)


# --- export and deletion ----------------------------------------------------------------

Exporter = Callable[[AsyncSession, uuid.UUID], Awaitable[Any]]
_EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, exporter: Exporter) -> None:
    """Each domain that keeps records about a person registers how to export them."""
    _EXPORTERS[name] = exporter


async def export_personal_data(db: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound("We couldn't find your account.")
    data: dict[str, Any] = {
        "account": {
            "id": str(user.id), "username": user.username, "role": user.role, "council_code": user.council_code,
            "birth_month": user.birth_month, "birth_year": user.birth_year,
            "extended_eligibility": user.extended_eligibility,
            "created_at": user.created_at.isoformat(), "last_login_at": user.last_login_at and user.last_login_at.isoformat(),
        },
        "exported_at": utcnow().isoformat(),
        "about": "Everything Waymark keeps that is linked to your account. Anonymous counts (with no link to you) are not included.",
    }
    for name, exporter in _EXPORTERS.items():
        data[name] = await exporter(db, user_id)
    return data


Deleter = Callable[[AsyncSession, uuid.UUID], Awaitable[None]]
_DELETERS: dict[str, Deleter] = {}


def register_deleter(name: str, deleter: Deleter) -> None:
    """Each domain that must delete records which would otherwise outlive the account
    (they are kept with SET NULL for others' sake) registers how, e.g. unpublished posts."""
    _DELETERS[name] = deleter


async def delete_young_person(db: AsyncSession, user_id: uuid.UUID, current_session: str | None = None) -> None:
    """Delete the account, everywhere at once. Every table that holds a person's records
    references the account with ON DELETE CASCADE (or SET NULL where a record must outlive
    its author, such as a chat transcript kept for safeguarding, which then has no
    identity); the registered deleters remove what should not outlive it; their sessions
    end on every worker (``current_session``, the asking device's, is ended by the
    caller) and their log-in throttle rows go."""
    user = await db.get(User, user_id)
    if user is None:
        return
    for deleter in _DELETERS.values():
        await deleter(db, user_id)
    await throttle.forget(db, *(throttle.account_key(user.username, purpose) for purpose in ("login", "recover")))
    await end_sessions_of(db, user_id, keep_session_id=current_session)
    await db.execute(delete(User).where(User.id == user_id))
