"""Accounts over HTTP: thin handlers around backend.accounts.services."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.params import Dependency
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from backend.accounts import mfa, services, throttle
from backend.accounts.auth import USER_CACHE_SECONDS, CurrentUser
from backend.accounts.models import User
from backend.accounts.schemas import (
    LoginIn,
    LoginOut,
    MfaConfirmed,
    MfaConfirmIn,
    MfaSetupOut,
    PasswordChangeIn,
    RecoverIn,
    SignupIn,
    SignupOut,
    UserOut,
)
from backend.encoded_json import EncodedJSON
from backend.errors import Forbidden, Invalid, NotLoggedIn
from backend.security import (
    end_session,
    requires_login,
    requires_young_person,
    session_cookie,
    session_cookie_id,
    start_session,
)
from backend.short_memory import ShortMemory

DB = Annotated[AsyncSession, Dependency(skip_validation=True)]
T = TypeVar("T")
DEVICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def user_out(user: User | CurrentUser) -> UserOut:
    out = UserOut(id=str(user.id), username=user.username, role=user.role, council_code=user.council_code)
    if user.role != "young_person" and user.display_name:
        out.name = user.display_name
    return out


# GET /me, encoded once per person while the worker keeps the same CurrentUser for them: a
# change to the account (or its expiry from the worker's memory) makes a new CurrentUser,
# so the answer is encoded anew and never names an old name, role or council.
_ME_ANSWERS: ShortMemory[uuid.UUID, tuple[CurrentUser, bytes]] = ShortMemory(maxsize=50_000, ttl=USER_CACHE_SECONDS)


def me_json(user: CurrentUser) -> bytes:
    hit = _ME_ANSWERS.get(user.id)
    if hit is not None and hit[0] is user:
        return hit[1]
    encoded = msgspec.json.encode(user_out(user))
    _ME_ANSWERS[user.id] = (user, encoded)
    return encoded


async def requires_staff(connection: Request, _: object) -> None:
    user = connection.scope.get("user")
    if user is None:
        raise NotLoggedIn("Please log in first.")
    if not user.is_staff:
        raise Forbidden("Two-step log-in is for staff accounts.")


def client_address(request: Request) -> str | None:
    """The client's address as uvicorn resolved it: X-Forwarded-For only from the proxies
    in FORWARDED_ALLOW_IPS, never as any client wrote it."""
    return request.client.host if request.client else None


def signed_in(request: Request, user: User, body: T) -> Response[T]:
    """The answer to a log-in, with this device remembered for the account (a signed
    token: a known device is not slowed by strangers guessing the password)."""
    value = throttle.remembered(request.app.state.secret_key, request.cookies.get(throttle.DEVICE_COOKIE), user.username)
    cookie = Cookie(key=throttle.DEVICE_COOKIE, value=value, path="/api/v1/auth", max_age=DEVICE_COOKIE_MAX_AGE,
                    httponly=True, samesite="strict", secure=request.app.state.settings.secure_cookies)
    return Response(body, cookies=[cookie])


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post("/signup", status_code=HTTP_201_CREATED, summary="Sign up anonymously (young people)")
    async def sign_up(self, request: Request, data: SignupIn, db_session: DB) -> Response[SignupOut]:
        result = await services.sign_up_young_person(
            db_session, username=data.username, password=data.password, birth_month=data.birth_month,
            birth_year=data.birth_year, council_code=data.council_code, extended_eligibility=data.extended_eligibility,
        )
        start_session(request, result.user.id)
        return signed_in(request, result.user, SignupOut(user=user_out(result.user), recovery_code=result.recovery_code))

    @post("/login", status_code=HTTP_200_OK, summary="Log in (young people: username; staff: e-mail)")
    async def log_in(self, request: Request, data: LoginIn, db_session: DB) -> Response[LoginOut]:
        device = throttle.known_device(request.app.state.secret_key, request.cookies.get(throttle.DEVICE_COOKIE),
                                       data.username)
        user = await services.log_in(db_session, login_name=data.username, password=data.password,
                                     address=client_address(request), device=device, otp=data.otp)
        start_session(request, user.id)
        needs_mfa = (request.app.state.settings.staff_mfa_required and user.is_staff
                     and not await mfa.mfa_enabled_ids(db_session, [user.id]))
        answer = LoginOut(user=user_out(user))
        if user.password_change_required:
            answer.password_change_required = True
        if needs_mfa:
            answer.mfa_setup_required = True
        return signed_in(request, user, answer)

    @post("/recover", status_code=HTTP_200_OK, summary="Set a new password with the one-time recovery code")
    async def recover(self, request: Request, data: RecoverIn, db_session: DB) -> Response[SignupOut]:
        result = await services.recover_account(db_session, username=data.username, recovery_code=data.recovery_code,
                                                new_password=data.new_password, address=client_address(request),
                                                current_session=session_cookie(request))
        start_session(request, result.user.id)
        return signed_in(request, result.user, SignupOut(user=user_out(result.user), recovery_code=result.recovery_code))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, guards=[requires_login])
    async def log_out(self, request: Request) -> None:
        end_session(request)

    @post("/mfa/setup", status_code=HTTP_200_OK, guards=[requires_staff],
          summary="Staff: start two-step log-in (TOTP). Answers the secret, its otpauth URI and a QR code as SVG")
    async def mfa_setup(self, request: Request, db_session: DB) -> MfaSetupOut:
        return MfaSetupOut(**await mfa.begin_mfa_setup(db_session, request.scope["user"].id))

    @post("/mfa/confirm", status_code=HTTP_200_OK, guards=[requires_staff],
          summary="Staff: turn two-step log-in on with the first code (400 for a wrong code)")
    async def mfa_confirm(self, request: Request, db_session: DB, data: MfaConfirmIn) -> MfaConfirmed:
        user = request.scope["user"]
        if not await services.confirm_second_factor(db_session, user.id, data.code,
                                                    address=request.client.host if request.client else None):
            raise Invalid("That code didn't work. Please type the 6-digit code your app shows now.",
                          code="wrong_code")
        return MfaConfirmed(mfa_enabled=True)


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [requires_login]

    @get("", summary="Who am I")
    async def me(self, request: Request) -> Response[UserOut]:
        return EncodedJSON(me_json(request.scope["user"]))

    @post("/password", status_code=HTTP_204_NO_CONTENT, summary="Change my password (my other sessions end)")
    async def change_password(self, request: Request, db_session: DB, data: PasswordChangeIn) -> None:
        await services.change_password(db_session, request.scope["user"].id, current_password=data.current_password,
                                       new_password=data.new_password, keep_session_id=session_cookie_id(request))
        start_session(request, request.scope["user"].id)  # and this one continues on a new id

    @post("/logout-everywhere", status_code=HTTP_204_NO_CONTENT, summary="Log out on every device, this one too")
    async def log_out_everywhere(self, request: Request, db_session: DB) -> None:
        # every other session here; this one by the session middleware, which deletes its own
        # row (deleting it in this transaction too would make the two wait for each other)
        await services.end_user_sessions(db_session, request.scope["user"].id, keep_session_id=session_cookie_id(request))
        end_session(request)

    # GET /export: backend/personal_data.py (its answer names every domain's section)

    @delete("", guards=[requires_young_person], status_code=HTTP_204_NO_CONTENT, summary="Delete my account and data")
    async def delete_me(self, request: Request, db_session: DB) -> None:
        await services.delete_young_person(db_session, request.scope["user"].id, current_session=session_cookie(request))
        end_session(request)
