"""Local signposting: what comes in and goes out.

Every string has a length limit and every number a range, so oversize or odd input is a
400, never a crash. Rules that need more than a type (known topic slugs, min_age <= max_age,
opens_at < closes_at, contact shapes) are checked in ``services.service_problem``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

ServiceId = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="letters, digits and . _ : - (a slug or a UUID)",
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Description = Annotated[str, msgspec.Meta(max_length=4000)]
Short = Annotated[str, msgspec.Meta(max_length=200)]
Age = Annotated[int, msgspec.Meta(ge=0, le=30)]
TopicSlug = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Thrive = Literal["thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Time = Annotated[
    str, msgspec.Meta(min_length=5, max_length=5, pattern=r"^\d\d:\d\d$", description="HH:MM (24:00 allowed)")
]
Phone = Annotated[str, msgspec.Meta(max_length=30)]
Email = Annotated[str, msgspec.Meta(max_length=254)]
Url = Annotated[str, msgspec.Meta(max_length=500)]


class ScheduleIn(msgspec.Struct, forbid_unknown_fields=False):
    days: Annotated[list[Day], msgspec.Meta(min_length=1, max_length=7)]
    opens_at: Time
    closes_at: Time


class Location(msgspec.Struct, forbid_unknown_fields=False, omit_defaults=False):
    name: Short | None = None
    address_1: Short | None = None
    city: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    postal_code: Annotated[str, msgspec.Meta(max_length=10)] | None = None


class ServiceIn(msgspec.Struct, forbid_unknown_fields=False):
    """A service as a council officer writes it (POST, PUT; also what an ORUK record is
    turned into). Unknown fields are ignored, so what GET gave can be PUT back."""

    name: Name
    thrive: Thrive
    min_age: Age
    max_age: Age
    id: ServiceId | None = None
    description: Description = ""
    organisation: Short | None = None
    topics: Annotated[list[TopicSlug], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    extended_max_age: Age | None = None
    eligibility: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    self_referral: bool | None = None
    phone: Phone | None = None
    sms: Phone | None = None
    email: Email | None = None
    url: Url | None = None
    hours: Short | None = None
    location: Location | None = None
    schedules: Annotated[list[ScheduleIn], msgspec.Meta(max_length=21)] = msgspec.field(default_factory=list)
    status: Literal["active", "inactive"] = "active"
    crisis_line: bool = False
    reviewed_on: dt.date | None = None
    contact_verified: bool = False
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class ClickIn(msgspec.Struct):
    kind: Literal["phone", "sms", "url", "email", "open"]


class ScheduleOut(msgspec.Struct):
    days: list[str]
    opens_at: str
    closes_at: str


class ServiceItem(msgspec.Struct, omit_defaults=True):
    """A service as a young person or a counsellor sees it. Contacts that are not known
    are left out (never guessed)."""

    id: str
    name: str
    description: str
    thrive: str
    topics: list[str]
    min_age: int
    max_age: int
    self_referral: bool | None
    open_now: bool | None  # None: we don't know its hours (see hours_note), never "closed"
    national: bool
    council_code: str | None
    organisation: str | None
    eligibility: str | None
    hours: str | None
    hours_note: str | UnsetType = UNSET  # e.g. "Check their website for times." when open_now is None
    phone: str | UnsetType = UNSET
    sms: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    extended_max_age: int | UnsetType = UNSET


class ServiceList(msgspec.Struct):
    items: list[ServiceItem]
    total: int


class AdminService(msgspec.Struct, omit_defaults=True):
    """A service as its council sees it in the console: every field, including retired
    (inactive) ones and where the record came from."""

    id: str
    council_code: str | None
    name: str
    description: str
    organisation: str | None
    thrive: str
    topics: list[str]
    min_age: int
    max_age: int
    extended_max_age: int | None
    eligibility: str | None
    self_referral: bool | None
    phone: str | None
    sms: str | None
    email: str | None
    url: str | None
    hours: str | None
    location: Location | None
    schedules: list[ScheduleOut]
    status: str
    crisis_line: bool
    reviewed_on: dt.date | None
    contact_verified: bool
    note: str | None
    managed_by: str
    last_modified: dt.datetime
    open_now: bool | None
    national: bool
    needs_contact: bool  # no phone, text number, e-mail or website: hidden from young people
    needs_review: bool  # not reviewed in the last 12 months (or never)
    hours_note: str | UnsetType = UNSET


class AdminServiceList(msgspec.Struct):
    items: list[AdminService]
    total: int
    needs_contact: int  # active services nobody can contact (hidden until they have one)
    needs_review: int  # active services not reviewed in the last 12 months


class CrisisLine(msgspec.Struct, omit_defaults=True):
    name: str
    hours: str | None
    description: str | None
    national: bool
    phone: str | UnsetType = UNSET
    sms: str | UnsetType = UNSET
    url: str | UnsetType = UNSET


class CrisisLineCard(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=True):
    """A crisis line inside another answer (the chat's status, a post's support): the
    built-in fallback lines do not say whether they are national."""

    name: str
    hours: str | None
    description: str | None
    national: bool | UnsetType = UNSET
    phone: str | UnsetType = UNSET
    sms: str | UnsetType = UNSET
    url: str | UnsetType = UNSET


class Support(msgspec.Struct, forbid_unknown_fields=True):
    """Shown when what someone wrote (a post, a message to the team) suggests risk to their
    life or safety: kind words, the crisis lines, and a counsellor to talk to."""

    message: str
    crisis_lines: list[CrisisLineCard]
    can_talk_to_counsellor: bool
    chat_open: bool | UnsetType = UNSET


class ImportProblem(msgspec.Struct, omit_defaults=True):
    """One problem of one record: its index in the file, the path of the field
    (``services[3].phones[0].number``), what is wrong, and the record's id when it has one."""

    index: int
    path: str
    detail: str
    id: str | UnsetType = UNSET


class ImportReport(msgspec.Struct):
    created: int
    updated: int
    errors: list[ImportProblem]
