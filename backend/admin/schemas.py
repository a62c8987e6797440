"""The admin console: what comes in and goes out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.schema_rules import NOT_BLANK, Out, one_of

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
# The staff roles (accounts.models.STAFF_ROLES; the service checks it and says which).
Role = Annotated[str, msgspec.Meta(min_length=1, max_length=20),
                 one_of(("counsellor", "supervisor", "moderator", "council_admin", "admin"))]
CouncilCode = Annotated[str, msgspec.Meta(min_length=1, max_length=9)]
Age = Annotated[int, msgspec.Meta(ge=5, le=30)]

FIELD_HELP = {
    "email": "Please give a work e-mail address.",
    "name": "Please give a first name (up to 40 characters).",
    "role": "Please choose a role.",
    "council_code": "Please choose a council.",
    "weekly": "Please give the weekly hours, e.g. 'mon-fri 12:00-22:00; sat-sun 18:00-22:00', 'always' or 'never'.",
    "starts_at": "Please give when the closure starts (a date and time).",
    "ends_at": "Please give when the closure ends (a date and time).",
    "message": "Please write the message young people will see (up to 500 characters).",
    "slug": "A board's address: 2 to 60 small letters, numbers or dashes.",
    "description": "Please describe the board (up to 300 characters).",
    "code": "A council's ONS code, like E06000044.",
    "min_age": "Ages are whole numbers from 5 to 30.",
    "max_age": "Ages are whole numbers from 5 to 30.",
    "extended_max_age": "Ages are whole numbers from 5 to 30.",
    "disabled": "disabled is true or false.",
    "retired": "retired is true or false.",
}


class StaffIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    name: Name
    role: Role
    council_code: CouncilCode | None = None


class StaffChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | None = None
    role: Role | None = None
    council_code: CouncilCode | None | msgspec.UnsetType = msgspec.UNSET  # null: no council
    disabled: bool | None = None


class WeeklyIn(msgspec.Struct, forbid_unknown_fields=True):
    weekly: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ClosureIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: dt.datetime
    ends_at: dt.datetime
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=500), NOT_BLANK]


class BoardIn(msgspec.Struct, forbid_unknown_fields=True):
    slug: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80), NOT_BLANK]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=300), NOT_BLANK]


class BoardChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80), NOT_BLANK] | None = None
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=300), NOT_BLANK] | None = None
    retired: bool | None = None


class CouncilIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[EWSN]\d{8}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    min_age: Age
    max_age: Age
    extended_max_age: Age | None = None
    short_name: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] | None = None


class CouncilChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str | None = None  # may be sent (the contract's body); must match the path
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    extended_max_age: Age | None = None
    short_name: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] | None = None


# --- out ------------------------------------------------------------------------------------


class StaffOut(Out):
    id: str
    email: str
    name: str | None
    role: str
    council_code: str | None
    disabled: bool
    mfa_enabled: bool
    password_change_required: bool
    last_login_at: str | None


class StaffList(Out):
    items: list[StaffOut]
    total: int


class StaffAdded(Out):
    id: str
    temporary_password: str  # shown once; changed at first log-in


class StaffReset(Out):
    temporary_password: str


class ClosureOut(Out):
    id: str
    starts_at: str
    ends_at: str
    message: str


class ChatHoursOut(Out):
    weekly: str
    source: Literal["admin", "environment"]
    open_now: bool
    closures: list[ClosureOut]
    next_open: str | None
    next_close: str | None


class AdminBoard(Out):
    slug: str
    name: str
    description: str
    retired: bool


class AdminBoards(Out):
    items: list[AdminBoard]
    total: int


class CouncilOut(Out):
    code: str
    name: str
    short_name: str | None
    min_age: int
    max_age: int
    extended_max_age: int
