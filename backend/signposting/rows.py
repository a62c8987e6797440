"""One mapping between a service as written (``ServiceIn``) and its database row: the
editable fields are listed once, in ``EDITABLE``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from backend.clock import utcnow
from backend.signposting.models import DirectorySchedule, DirectoryService

EDITABLE = (
    "name",
    "description",
    "organisation",
    "thrive",
    "topics",
    "min_age",
    "max_age",
    "extended_max_age",
    "eligibility",
    "self_referral",
    "phone",
    "sms",
    "email",
    "url",
    "hours",
    "location",
    "status",
    "crisis_line",
    "reviewed_on",
    "contact_verified",
    "note",
)


def values_of(source: Any) -> dict[str, Any]:
    """The editable values of a ``ServiceIn`` or of a ``DirectoryService`` row, in one shape
    (so what was written and what is stored compare equal when they say the same)."""
    out = {key: getattr(source, key) for key in EDITABLE}
    out["name"] = out["name"].strip()
    out["topics"] = list(out["topics"] or [])
    if isinstance(out["location"], msgspec.Struct):
        out["location"] = msgspec.to_builtins(out["location"])
    out["schedules"] = [
        {"days": list(s.days), "opens_at": s.opens_at, "closes_at": s.closes_at} for s in source.schedules
    ]
    return out


def apply(row: DirectoryService, values: dict[str, Any], now: dt.datetime | None = None) -> None:
    values = dict(values)
    schedules = values.pop("schedules")
    for key, value in values.items():
        setattr(row, key, value)
    row.schedules = [
        DirectorySchedule(position=i, days=s["days"], opens_at=s["opens_at"], closes_at=s["closes_at"])
        for i, s in enumerate(schedules)
    ]
    row.last_modified = now or utcnow()


def new_row(service_id: str, council_code: str | None, values: dict[str, Any], managed_by: str) -> DirectoryService:
    row = DirectoryService(id=service_id, council_code=council_code, managed_by=managed_by, schedules=[])
    apply(row, values)
    return row
