"""Accounts: what comes in and goes out."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

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


class RecoverIn(msgspec.Struct):
    username: Username
    recovery_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    new_password: Password


class UserOut(msgspec.Struct):
    id: str
    username: str
    role: str
    council_code: str | None


class SignupOut(msgspec.Struct):
    user: UserOut
    recovery_code: str


class LoginOut(msgspec.Struct):
    user: UserOut
