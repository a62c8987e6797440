"""Accounts: what comes in and goes out."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.schema_rules import Out

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class SignupIn(msgspec.Struct, forbid_unknown_fields=False):
    username: Username
    password: Password
    birth_month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    birth_year: Annotated[int, msgspec.Meta(ge=1900, le=2100)]
    council_code: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    extended_eligibility: Literal["care_leaver", "ehcp"] | None = None


class LoginIn(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    password: Password
    otp: Annotated[str, msgspec.Meta(max_length=12)] | None = None


class PasswordChangeIn(msgspec.Struct):
    current_password: Password
    new_password: Password


class MfaSetupOut(msgspec.Struct):
    secret: str
    otpauth_uri: str
    qr_svg: str  # the QR code of otpauth_uri as an SVG document


class MfaConfirmIn(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]


class MfaConfirmed(msgspec.Struct):
    mfa_enabled: bool


class RecoverIn(msgspec.Struct):
    username: Username
    recovery_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    new_password: Password


class UserOut(msgspec.Struct):
    id: str
    username: str
    role: str
    council_code: str | None
    name: str | msgspec.UnsetType = msgspec.UNSET  # staff: the first name to greet them by


class SignupOut(msgspec.Struct):
    user: UserOut
    recovery_code: str


class LoginOut(msgspec.Struct):
    user: UserOut
    # Only sent when true: a temporary password (POST /api/v1/me/password first), or staff
    # without TOTP where WAYMARK_STAFF_MFA=required (POST /api/v1/auth/mfa/setup first).
    password_change_required: bool | msgspec.UnsetType = msgspec.UNSET
    mfa_setup_required: bool | msgspec.UnsetType = msgspec.UNSET


class ExportedAccount(Out):
    """The account itself, in the person's own export (GET /api/v1/me/export)."""

    id: str
    username: str
    role: str
    council_code: str | None
    birth_month: int | None
    birth_year: int | None
    extended_eligibility: Literal["care_leaver", "ehcp"] | None
    created_at: str
    last_login_at: str | None
