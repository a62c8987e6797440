"""The rules of local signposting.

- Which services a young person sees: their council's active services that fit their age
  (a care leaver or a young person with an EHCP also fits a service's ``extended_max_age``),
  then national ones; open now first within each group.
- ``open_now`` from the weekly schedules in Europe/London time. A service with no schedule
  is not shown as open, except a national crisis line with a number to call or text and no
  hours given (999): an emergency number is never shown as closed.
- Crisis lines: the council's own (``council.crisis_lines``) first, then the national ones
  in their content order; a line with nothing to tap (no phone, text number or website)
  is left out.
- A council's directory: create, replace, retire (never delete: a retired service keeps
  its row with ``status = "inactive"``), and Open Referral UK / HSDS 3.0 JSON import and
  export that round-trip.
- Loading ``content/services/<ONS code>.yaml`` and ``content/national-services.yaml``:
  idempotent, and a service a council has edited (``managed_by = "council"``) is never
  overwritten by a re-import.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.models import Council
from backend.errors import Problem
from backend.reports.services import LONDON, age_on, record_usage_event
from backend.settings import get_settings
from backend.signposting.models import THRIVE, WEEKDAYS, DirectorySchedule, DirectoryService
from backend.signposting.schemas import (
    AdminService,
    CrisisLine,
    ImportProblem,
    ImportReport,
    Location,
    ScheduleOut,
    ServiceIn,
    ServiceItem,
)

# --- topics and validation ---------------------------------------------------------------


@lru_cache(maxsize=4)
def _topics_in(path: Path) -> frozenset[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return frozenset(str(t["slug"]) for t in data)


def known_topics(content_dir: Path | None = None) -> frozenset[str]:
    """The topic slugs of content/topics.yaml (one list for articles, services and boards)."""
    return _topics_in((content_dir or get_settings().content_dir) / "topics.yaml")


_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
_PHONE = re.compile(r"^\+?[0-9](?:[0-9 ()-]{0,22}[0-9])?$")
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


RESERVED_IDS = {"import", "export"}  # .../services/import and .../services/export are paths


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def service_problem(data: ServiceIn, topics: frozenset[str]) -> str | None:
    """What is wrong with a service beyond its types, in words an officer understands, or None."""
    if not data.name.strip():
        return "Every service needs a name."
    if data.id is not None and data.id.lower() in RESERVED_IDS:
        return f"The id {data.id!r} is kept for Waymark's own use. Please choose another."
    if data.min_age > data.max_age:
        return f"The youngest age ({data.min_age}) is above the oldest age ({data.max_age})."
    if data.extended_max_age is not None and data.extended_max_age < data.max_age:
        return "The extended age limit (care leavers, EHCP) cannot be below the usual oldest age."
    unknown = [t for t in data.topics if t not in topics]
    if unknown:
        return f"Unknown topic {unknown[0]!r}. Use the topic slugs of /api/v1/topics."
    if len(set(data.topics)) != len(data.topics):
        return "A topic is listed twice."
    for i, schedule in enumerate(data.schedules):
        where = f"Opening time {i + 1}"
        if len(set(schedule.days)) != len(schedule.days):
            return f"{where} lists a day twice."
        for label, value in (("opening", schedule.opens_at), ("closing", schedule.closes_at)):
            if not _TIME.match(value):
                return f"{where}: the {label} time {value!r} must be HH:MM, from 00:00 to 24:00."
        if schedule.opens_at == "24:00":
            return f"{where}: a service cannot open at 24:00."
        if minutes(schedule.opens_at) >= minutes(schedule.closes_at):
            return (
                f"{where}: it must open before it closes ({schedule.opens_at} to {schedule.closes_at}). "
                "For hours past midnight, add a second opening time for the next day."
            )
    for label, value in (("phone number", data.phone), ("text (SMS) number", data.sms)):
        if value is not None and not (_PHONE.match(value) and sum(ch.isdigit() for ch in value) >= 3):
            return f"The {label} {value!r} should be digits, spaces and an optional + (like 0800 1111)."
    if data.email is not None and not _EMAIL.match(data.email):
        return f"The e-mail address {data.email!r} doesn't look right."
    if data.url is not None:
        parts = urlsplit(data.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or any(ch.isspace() for ch in data.url):
            return "The website must be a full address starting with https:// (or http://)."
    return None


def _blank_to_none(data: ServiceIn) -> ServiceIn:
    """Empty strings in optional fields mean 'not known'."""
    changes = {}
    for name in ("organisation", "eligibility", "phone", "sms", "email", "url", "hours", "note"):
        value = getattr(data, name)
        if isinstance(value, str):
            stripped = value.strip()
            if stripped != value or not stripped:
                changes[name] = stripped or None
    if data.location is not None:
        loc = {
            k: (getattr(data.location, k) or "").strip() or None
            for k in ("name", "address_1", "city", "postal_code")
        }
        changes["location"] = Location(**loc) if any(loc.values()) else None
    return msgspec.structs.replace(data, **changes) if changes else data


def checked(data: ServiceIn, topics: frozenset[str] | None = None) -> ServiceIn:
    """The service, tidied, or a 400 with the first problem."""
    data = _blank_to_none(data)
    if problem := service_problem(data, topics if topics is not None else known_topics()):
        raise Problem(400, problem, code="invalid_service")
    return data


# --- rows ----------------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _columns(data: ServiceIn) -> dict[str, Any]:
    """The editable columns of a service, from what was written."""
    return {
        "name": data.name.strip(),
        "description": data.description,
        "organisation": data.organisation,
        "thrive": data.thrive,
        "topics": list(data.topics),
        "min_age": data.min_age,
        "max_age": data.max_age,
        "extended_max_age": data.extended_max_age,
        "eligibility": data.eligibility,
        "self_referral": data.self_referral,
        "phone": data.phone,
        "sms": data.sms,
        "email": data.email,
        "url": data.url,
        "hours": data.hours,
        "location": msgspec.to_builtins(data.location) if data.location else None,
        "status": data.status,
        "crisis_line": data.crisis_line,
        "reviewed_on": data.reviewed_on,
        "contact_verified": data.contact_verified,
        "note": data.note,
        "schedules": [
            {"days": list(s.days), "opens_at": s.opens_at, "closes_at": s.closes_at} for s in data.schedules
        ],
    }


def _current(row: DirectoryService) -> dict[str, Any]:
    return {
        "name": row.name,
        "description": row.description,
        "organisation": row.organisation,
        "thrive": row.thrive,
        "topics": list(row.topics or []),
        "min_age": row.min_age,
        "max_age": row.max_age,
        "extended_max_age": row.extended_max_age,
        "eligibility": row.eligibility,
        "self_referral": row.self_referral,
        "phone": row.phone,
        "sms": row.sms,
        "email": row.email,
        "url": row.url,
        "hours": row.hours,
        "location": row.location,
        "status": row.status,
        "crisis_line": row.crisis_line,
        "reviewed_on": row.reviewed_on,
        "contact_verified": row.contact_verified,
        "note": row.note,
        "schedules": [
            {"days": list(s.days), "opens_at": s.opens_at, "closes_at": s.closes_at} for s in row.schedules
        ],
    }


def _apply(row: DirectoryService, values: dict[str, Any]) -> None:
    values = dict(values)
    schedules = values.pop("schedules")
    for key, value in values.items():
        setattr(row, key, value)
    row.schedules = [
        DirectorySchedule(position=i, days=s["days"], opens_at=s["opens_at"], closes_at=s["closes_at"])
        for i, s in enumerate(schedules)
    ]
    row.last_modified = _utcnow()


def _new_row(
    service_id: str, council_code: str | None, values: dict[str, Any], managed_by: str
) -> DirectoryService:
    row = DirectoryService(id=service_id, council_code=council_code, managed_by=managed_by, schedules=[])
    _apply(row, values)
    return row


# --- opening times ---------------------------------------------------------------------------


def london_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(LONDON)


def is_open(row: DirectoryService, now: dt.datetime) -> bool:
    """Open at ``now`` (an aware time, read in Europe/London)."""
    if not row.schedules:
        # 999 has no hours given; an emergency number is never shown as closed.
        return row.council_code is None and row.crisis_line and bool(row.phone or row.sms)
    local = now.astimezone(LONDON)
    day = WEEKDAYS[local.weekday()]
    minute = local.hour * 60 + local.minute
    return any(day in s.days and minutes(s.opens_at) <= minute < minutes(s.closes_at) for s in row.schedules)


# --- what young people and counsellors see ----------------------------------------------------


def _unset_if_none(value: Any) -> Any:
    return msgspec.UNSET if value in (None, "") else value


def service_item(row: DirectoryService, now: dt.datetime) -> ServiceItem:
    return ServiceItem(
        id=row.id,
        name=row.name,
        description=row.description,
        thrive=row.thrive,
        topics=list(row.topics or []),
        min_age=row.min_age,
        max_age=row.max_age,
        self_referral=row.self_referral,
        open_now=is_open(row, now),
        national=row.council_code is None,
        council_code=row.council_code,
        organisation=row.organisation,
        eligibility=row.eligibility,
        hours=row.hours,
        phone=_unset_if_none(row.phone),
        sms=_unset_if_none(row.sms),
        email=_unset_if_none(row.email),
        url=_unset_if_none(row.url),
        extended_max_age=_unset_if_none(row.extended_max_age),
    )


@dataclass(frozen=True)
class Audience:
    """Whose services: a council (None: national only) and an age (None: any age)."""

    council_code: str | None
    age: int | None = None
    extended: bool = False


def audience_of_young_person(user: Any, today: dt.date | None = None) -> Audience:
    age = None
    if user.birth_year is not None and user.birth_month is not None:
        age = age_on(user.birth_year, user.birth_month, today or london_now().date())
    return Audience(council_code=user.council_code, age=age, extended=user.extended_eligibility is not None)


async def audience_for_counsellor(
    db: AsyncSession, council_code: str | None, age: int | None, extended: bool
) -> Audience:
    if council_code is not None and await db.get(Council, council_code) is None:
        raise Problem(404, "We don't know that council.", code="unknown_council")
    return Audience(council_code=council_code, age=age, extended=extended)


def _topic_and_thrive(topic: str | None, thrive: str | None) -> tuple[str | None, str | None]:
    topic = (topic or "").strip() or None
    thrive = (thrive or "").strip() or None
    if topic is not None and topic not in known_topics():
        raise Problem(400, "We don't know that topic. Use one from /api/v1/topics.", code="unknown_topic")
    if thrive is not None and thrive not in THRIVE:
        raise Problem(
            400,
            "thrive must be thriving, getting_advice, getting_help, getting_more_help or "
            "getting_risk_support.",
            code="unknown_thrive",
        )
    return topic, thrive


async def services_for(
    db: AsyncSession,
    audience: Audience,
    *,
    topic: str | None = None,
    thrive: str | None = None,
    open_now: bool = False,
    now: dt.datetime | None = None,
) -> list[ServiceItem]:
    """The audience's council's active services that fit their age, then national ones;
    within each group, open now first (then by name)."""
    topic, thrive = _topic_and_thrive(topic, thrive)
    now = now or london_now()
    stmt = select(DirectoryService).where(DirectoryService.status == "active")
    if audience.council_code is None:
        stmt = stmt.where(DirectoryService.council_code.is_(None))
    else:
        stmt = stmt.where(
            or_(
                DirectoryService.council_code == audience.council_code,
                DirectoryService.council_code.is_(None),
            )
        )
    if audience.age is not None:
        upper = (
            func.coalesce(DirectoryService.extended_max_age, DirectoryService.max_age)
            if audience.extended
            else DirectoryService.max_age
        )
        stmt = stmt.where(DirectoryService.min_age <= audience.age, upper >= audience.age)
    if topic is not None:
        stmt = stmt.where(DirectoryService.topics.contains([topic]))
    if thrive is not None:
        stmt = stmt.where(DirectoryService.thrive == thrive)
    rows = (await db.execute(stmt)).scalars().all()
    items = [service_item(row, now) for row in rows]
    if open_now:
        items = [item for item in items if item.open_now]
    items.sort(key=lambda i: (i.national, not i.open_now, i.name.lower(), i.id))
    return items


# A council's active services (and the national ones), remembered per worker for a short
# while: young people ask for them far more often than officers change them. An edit in
# this worker forgets them at once; other workers see it within DIRECTORY_CACHE_SECONDS.
DIRECTORY_CACHE_SECONDS = 30.0
_directory_cache: dict[str | None, tuple[float, list[DirectoryService]]] = {}


_answers_cache: dict[tuple[Any, ...], bytes] = {}


def forget_directory_cache() -> None:
    _directory_cache.clear()
    _answers_cache.clear()


async def services_answer_json(
    sessionmaker: Any, audience: Audience, *, topic: str | None, thrive: str | None, open_now: bool,
) -> bytes:
    """The encoded `{items, total}` for an audience. "Open now" changes at most on the
    minute, so an answer is kept until the minute turns (and never past the row cache)."""
    now = london_now()
    key = (audience, topic, thrive, open_now, now.strftime("%Y%m%d%H%M"))
    hit = _answers_cache.get(key)
    cached_rows = _directory_cache.get(audience.council_code)
    if hit is not None and cached_rows is not None and cached_rows[0] > time.monotonic():
        return hit
    items = await services_for_cached(sessionmaker, audience, topic=topic, thrive=thrive, open_now=open_now, now=now)
    encoded = msgspec.json.encode({"items": items, "total": len(items)})
    if len(_answers_cache) > 5000:
        _answers_cache.clear()
    _answers_cache[key] = encoded
    return encoded


async def _active_rows(sessionmaker: Any, council_code: str | None) -> list[DirectoryService]:
    hit = _directory_cache.get(council_code)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    stmt = select(DirectoryService).where(DirectoryService.status == "active")
    if council_code is None:
        stmt = stmt.where(DirectoryService.council_code.is_(None))
    else:
        stmt = stmt.where(or_(DirectoryService.council_code == council_code, DirectoryService.council_code.is_(None)))
    async with sessionmaker() as db:
        rows = list((await db.execute(stmt)).scalars().all())  # schedules load with them (selectin)
    if len(_directory_cache) > 1000:
        _directory_cache.clear()
    _directory_cache[council_code] = (time.monotonic() + DIRECTORY_CACHE_SECONDS, rows)
    return rows


def _fits(row: DirectoryService, audience: Audience, topic: str | None, thrive: str | None) -> bool:
    if audience.age is not None:
        upper = (row.extended_max_age or row.max_age) if audience.extended else row.max_age
        if not row.min_age <= audience.age <= upper:
            return False
    if topic is not None and topic not in (row.topics or []):
        return False
    return thrive is None or row.thrive == thrive


async def services_for_cached(
    sessionmaker: Any, audience: Audience, *, topic: str | None = None, thrive: str | None = None,
    open_now: bool = False, now: dt.datetime | None = None,
) -> list[ServiceItem]:
    """services_for from the per-worker directory cache (no database session on a hit)."""
    topic, thrive = _topic_and_thrive(topic, thrive)
    now = now or london_now()
    rows = await _active_rows(sessionmaker, audience.council_code)
    items = [service_item(row, now) for row in rows if _fits(row, audience, topic, thrive)]
    if open_now:
        items = [item for item in items if item.open_now]
    items.sort(key=lambda i: (i.national, not i.open_now, i.name.lower(), i.id))
    return items


async def visible_service(db: AsyncSession, service_id: str, council_code: str | None) -> DirectoryService:
    """An active service of this council, or a national one; otherwise 404."""
    row = await db.get(DirectoryService, service_id) if len(service_id) <= 100 else None
    if (
        row is None
        or row.status != "active"
        or (row.council_code is not None and row.council_code != council_code)
    ):
        raise Problem(404, "We couldn't find that service.", code="unknown_service")
    return row


async def any_active_service(db: AsyncSession, service_id: str) -> DirectoryService:
    """An active service of any council, or a national one (a counsellor sharing it); otherwise 404."""
    row = await db.get(DirectoryService, service_id) if len(service_id) <= 100 else None
    if row is None or row.status != "active":
        raise Problem(404, "We couldn't find that service.", code="unknown_service")
    return row


async def record_signpost_click(db: AsyncSession, *, service_id: str, council_code: str | None) -> None:
    """Count a tap on a service's contact, anonymously: the council and the service's first
    topic, never who tapped or which service."""
    row = await visible_service(db, service_id, council_code)
    record_usage_event(db, "signpost_click", council_code=council_code, topic=(row.topics or [None])[0])


# --- crisis lines ----------------------------------------------------------------------------


def _crisis_line(line: dict[str, Any], national: bool) -> CrisisLine | None:
    phone, sms, url = (line.get(k) or None for k in ("phone", "sms", "url"))
    if not (phone or sms or url):
        return None  # nothing to tap: a line with no number or website helps nobody in a crisis
    return CrisisLine(
        name=line["name"],
        hours=line.get("hours") or None,
        description=line.get("description") or None,
        national=national,
        phone=phone or msgspec.UNSET,
        sms=sms or msgspec.UNSET,
        url=url or msgspec.UNSET,
    )


def order_crisis_lines(
    council_lines: list[dict[str, Any]], national_lines: list[dict[str, Any]]
) -> list[CrisisLine]:
    """The council's own lines first (in their order), then the national ones (already in
    their order); lines with nothing to tap are left out."""
    out = [_crisis_line(line, national=False) for line in council_lines]
    out += [_crisis_line(line, national=True) for line in national_lines]
    return [line for line in out if line is not None]


async def crisis_lines_for(db: AsyncSession, council_code: str | None) -> list[CrisisLine]:
    """The crisis lines to show: with a council, its own lines first; then the national
    ones (Childline, Shout, Samaritans, NHS 111, 999, then others)."""
    council_lines: list[dict[str, Any]] = []
    if council_code:
        council = await db.get(Council, council_code)
        council_lines = list(council.crisis_lines or []) if council else []
    rows = (
        (
            await db.execute(
                select(DirectoryService)
                .where(
                    DirectoryService.council_code.is_(None),
                    DirectoryService.crisis_line.is_(True),
                    DirectoryService.status == "active",
                )
                .order_by(DirectoryService.position.asc().nulls_last(), DirectoryService.name)
            )
        )
        .scalars()
        .all()
    )
    national = [
        {
            "name": r.name,
            "phone": r.phone,
            "sms": r.sms,
            "url": r.url,
            "hours": r.hours,
            "description": r.description,
        }
        for r in rows
    ]
    return order_crisis_lines(council_lines, national)


async def crisis_lines_for_user(db: AsyncSession, user: Any | None) -> list[dict[str, Any]]:
    """The crisis lines for a signed-in user (or None), as plain JSON-ready dicts (for the
    chat's "closed" answer and its WebSocket frames)."""
    lines = await crisis_lines_for(db, getattr(user, "council_code", None) if user else None)
    return [msgspec.to_builtins(line) for line in lines]


async def service_card(db: AsyncSession, service_id: str) -> dict[str, Any] | None:
    """An active service as a card a counsellor shares into a chat (plain JSON, kept with the
    message), or None. No ``open_now``: the card outlives the moment it was shared."""
    row = await db.get(DirectoryService, service_id) if 0 < len(service_id) <= 100 else None
    if row is None or row.status != "active":
        return None
    card = msgspec.to_builtins(service_item(row, london_now()))
    card.pop("open_now", None)
    return card


# --- a council's directory ---------------------------------------------------------------------


def admin_service(row: DirectoryService, now: dt.datetime | None = None) -> AdminService:
    return AdminService(
        id=row.id,
        council_code=row.council_code,
        name=row.name,
        description=row.description,
        organisation=row.organisation,
        thrive=row.thrive,
        topics=list(row.topics or []),
        min_age=row.min_age,
        max_age=row.max_age,
        extended_max_age=row.extended_max_age,
        eligibility=row.eligibility,
        self_referral=row.self_referral,
        phone=row.phone,
        sms=row.sms,
        email=row.email,
        url=row.url,
        hours=row.hours,
        location=msgspec.convert(row.location, Location) if row.location else None,
        schedules=[
            ScheduleOut(days=list(s.days), opens_at=s.opens_at, closes_at=s.closes_at) for s in row.schedules
        ],
        status=row.status,
        crisis_line=row.crisis_line,
        reviewed_on=row.reviewed_on,
        contact_verified=row.contact_verified,
        note=row.note,
        managed_by=row.managed_by,
        last_modified=row.last_modified,
        open_now=is_open(row, now or london_now()),
        national=row.council_code is None,
    )


async def council_or_404(db: AsyncSession, council_code: str) -> Council:
    council = await db.get(Council, council_code) if len(council_code) <= 9 else None
    if council is None:
        raise Problem(404, "We don't know that council.", code="unknown_council")
    return council


async def council_services(db: AsyncSession, council_code: str) -> list[DirectoryService]:
    """Every service of the council's directory, retired ones included (by name)."""
    stmt = (
        select(DirectoryService)
        .where(DirectoryService.council_code == council_code)
        .order_by(func.lower(DirectoryService.name), DirectoryService.id)
    )
    return list((await db.execute(stmt)).scalars().all())


async def council_service(db: AsyncSession, council_code: str, service_id: str) -> DirectoryService:
    row = await db.get(DirectoryService, service_id) if len(service_id) <= 100 else None
    if row is None or row.council_code != council_code:
        raise Problem(
            404, "We couldn't find that service in this council's directory.", code="unknown_service"
        )
    return row


async def create_service(db: AsyncSession, council_code: str, data: ServiceIn) -> DirectoryService:
    """Add a service to the council's directory (an id is made when none is given)."""
    forget_directory_cache()
    data = checked(data)
    service_id = data.id or str(uuid.uuid4())
    if await db.get(DirectoryService, service_id) is not None:
        raise Problem(409, "A service with that id already exists.", code="duplicate_id")
    row = _new_row(service_id, council_code, _columns(data), managed_by="council")
    db.add(row)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise Problem(409, "A service with that id already exists.", code="duplicate_id") from exc
    return row


async def replace_service(
    db: AsyncSession, council_code: str, service_id: str, data: ServiceIn
) -> DirectoryService:
    """Replace every editable field; from now on the council manages the record (a content
    re-import leaves it alone)."""
    forget_directory_cache()
    row = await council_service(db, council_code, service_id)
    data = checked(data)
    _apply(row, _columns(data))
    row.managed_by = "council"
    await db.flush()
    return row


async def retire_service(db: AsyncSession, council_code: str, service_id: str) -> None:
    """Retire a service: it stops being shown (status inactive) but its row stays, so the
    directory's history and its export keep it, and a content re-import does not bring it back."""
    forget_directory_cache()
    row = await council_service(db, council_code, service_id)
    row.status = "inactive"
    row.managed_by = "council"
    row.last_modified = _utcnow()
    await db.flush()


# --- Open Referral UK / HSDS 3.0 ----------------------------------------------------------------

BYDAY = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}
DAY_CODES = {v: k for k, v in BYDAY.items()}
ORUK_NAMESPACE = uuid.UUID("6f0b7c9e-3d0a-4c51-9d54-6a8e2f1b0c11")
MAX_IMPORT_RECORDS = 5000
EXTENSIONS = "waymark_extensions"


class OrukProblem(ValueError):
    """Why one ORUK record cannot be taken in."""


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OrukProblem(f"{where} must be a JSON object.")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OrukProblem(f"{where} must be a list.")
    return value


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise OrukProblem(f"{where} must be text.")
    return value


def _whole_number(value: Any, where: str) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise OrukProblem(f"{where} must be a whole number.")
    return value


def _oruk_time(value: Any, where: str, closing: bool) -> str:
    text = _text(value, where)
    if text is None:
        raise OrukProblem(f"{where} is missing.")
    match = re.fullmatch(r"(\d\d):(\d\d)(?::(\d\d))?", text.strip())
    if not match:
        raise OrukProblem(f"{where} must be a time like 09:00.")
    hh, mm, ss = match.groups()
    if closing and (hh, mm, ss) == ("23", "59", "59"):
        return "24:00"  # the HSDS way of writing "until midnight"
    if ss not in (None, "00"):
        raise OrukProblem(f"{where}: Waymark keeps opening times to the minute.")
    return f"{hh}:{mm}"


def _oruk_days(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        codes = [part.strip().upper() for part in value.split(",") if part.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        codes = [v.strip().upper() for v in value]
    else:
        raise OrukProblem(f'{where} must be days like "MO,TU,WE".')
    days = []
    for code in codes:
        if code not in BYDAY:
            raise OrukProblem(f"{where}: {code!r} is not a day (use MO, TU, WE, TH, FR, SA, SU).")
        days.append(BYDAY[code])
    if not days:
        raise OrukProblem(f"{where} names no day.")
    return days


def oruk_to_service(record: Any) -> tuple[str, ServiceIn]:
    """One HSDS 3.0 service → (id, ServiceIn). Raises OrukProblem (or msgspec.ValidationError)."""
    record = _obj(record, "Each service")
    service_id = record.get("id")
    if service_id is None or (isinstance(service_id, str) and not service_id.strip()):
        raise OrukProblem("The service has no id. Every service needs a unique id.")
    if not isinstance(service_id, str):
        raise OrukProblem("The service id must be text.")
    values: dict[str, Any] = {"id": service_id.strip()}
    for key in ("name", "description", "url", "email"):
        values[key] = _text(record.get(key), key)
    if values["description"] is None:
        values["description"] = ""
    status = _text(record.get("status"), "status")
    if status is None or status == "active":
        values["status"] = "active"
    elif status in {"inactive", "defunct", "temporarily closed"}:
        values["status"] = "inactive"
    else:
        raise OrukProblem('status must be "active" or "inactive".')
    if (org := record.get("organization")) is not None:
        values["organisation"] = _text(_obj(org, "organization").get("name"), "organization.name")
    for i, phone in enumerate(_list(record.get("phones"), "phones")):
        phone = _obj(phone, f"phones[{i}]")
        number = _text(phone.get("number"), f"phones[{i}].number")
        kind = (_text(phone.get("type"), f"phones[{i}].type") or "voice").lower()
        key = "sms" if kind in {"text", "sms"} else "phone"
        if number and values.get(key) is None:
            values[key] = number
    values["eligibility"] = _text(record.get("eligibility_description"), "eligibility_description")
    minimum = _whole_number(record.get("minimum_age"), "minimum_age")
    maximum = _whole_number(record.get("maximum_age"), "maximum_age")
    values["min_age"] = 0 if minimum is None else minimum
    values["max_age"] = (
        30 if maximum is None else maximum
    )  # no upper age given: open to every age Waymark serves
    schedules = []
    for i, schedule in enumerate(_list(record.get("schedules"), "schedules")):
        schedule = _obj(schedule, f"schedules[{i}]")
        hours = _text(schedule.get("description"), f"schedules[{i}].description")
        if hours and values.get("hours") is None:
            values["hours"] = hours
        if all(schedule.get(k) is None for k in ("byday", "opens_at", "closes_at")):
            continue  # a schedule in words only
        freq = schedule.get("freq")
        if freq is not None and (not isinstance(freq, str) or freq.upper() != "WEEKLY"):
            raise OrukProblem(f"schedules[{i}].freq: Waymark keeps weekly opening times (freq WEEKLY).")
        schedules.append(
            {
                "days": _oruk_days(schedule.get("byday"), f"schedules[{i}].byday"),
                "opens_at": _oruk_time(schedule.get("opens_at"), f"schedules[{i}].opens_at", closing=False),
                "closes_at": _oruk_time(schedule.get("closes_at"), f"schedules[{i}].closes_at", closing=True),
            }
        )
    values["schedules"] = schedules
    locations = _list(record.get("service_at_locations"), "service_at_locations")
    if locations:
        location = _obj(
            _obj(locations[0], "service_at_locations[0]").get("location") or {},
            "service_at_locations[0].location",
        )
        addresses = _list(location.get("address"), "location.address")
        address = _obj(addresses[0], "location.address[0]") if addresses else {}
        values["location"] = {
            "name": _text(location.get("name"), "location.name"),
            "address_1": _text(address.get("address_1"), "address_1"),
            "city": _text(address.get("city"), "city"),
            "postal_code": _text(address.get("postal_code"), "postal_code"),
        }
    thrive = None
    topics: list[str] = []
    for i, attribute in enumerate(_list(record.get("attributes"), "attributes")):
        term = _obj(
            _obj(attribute, f"attributes[{i}]").get("taxonomy_term") or {}, f"attributes[{i}].taxonomy_term"
        )
        vocabulary = term.get("vocabulary")
        code = _text(term.get("code"), f"attributes[{i}].taxonomy_term.code")
        if vocabulary == "thrive":
            if thrive is not None and code != thrive:
                raise OrukProblem("The service has more than one THRIVE category.")
            thrive = code
        elif vocabulary == "waymark-topics":
            if code and code not in topics:
                topics.append(code)
        elif vocabulary == "waymark-referral":
            if code not in {"self_referral", "referral_needed"}:
                raise OrukProblem("waymark-referral must be self_referral or referral_needed.")
            values["self_referral"] = code == "self_referral"
    if thrive is None:
        raise OrukProblem('The service needs a THRIVE category (an attribute with vocabulary "thrive").')
    values["thrive"] = thrive
    values["topics"] = topics
    reviewed = record.get("reviewed_on", record.get("assured_date"))
    values["reviewed_on"] = _text(reviewed, "reviewed_on")
    extensions = record.get(EXTENSIONS)
    if extensions is not None:
        extensions = _obj(extensions, EXTENSIONS)
        for key in ("extended_max_age", "crisis_line", "contact_verified", "note"):
            if extensions.get(key) is not None:
                values[key] = extensions[key]
    if values.get("name") is None:
        raise OrukProblem("The service has no name.")
    return values["id"], msgspec.convert(values, ServiceIn)


def service_to_oruk(row: DirectoryService) -> dict[str, Any]:
    """One service as HSDS 3.0 / Open Referral UK JSON (Waymark's extra fields under
    ``waymark_extensions``)."""

    def uid(*parts: str) -> str:
        return str(uuid.uuid5(ORUK_NAMESPACE, "/".join(parts)))

    phones = []
    if row.phone:
        phones.append(
            {"id": uid(row.id, "phone"), "service_id": row.id, "number": row.phone, "type": "voice"}
        )
    if row.sms:
        phones.append({"id": uid(row.id, "sms"), "service_id": row.id, "number": row.sms, "type": "text"})
    schedules = [
        {
            "id": uid(row.id, "schedule", str(i)),
            "service_id": row.id,
            "freq": "WEEKLY",
            "byday": ",".join(DAY_CODES[d] for d in s.days),
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
        }
        for i, s in enumerate(row.schedules)
    ]
    if row.hours:
        if schedules:
            schedules[0]["description"] = row.hours
        else:
            schedules.append(
                {"id": uid(row.id, "schedule", "hours"), "service_id": row.id, "description": row.hours}
            )
    attributes = [{"taxonomy_term": {"vocabulary": "thrive", "code": row.thrive, "name": row.thrive}}]
    attributes += [
        {"taxonomy_term": {"vocabulary": "waymark-topics", "code": t, "name": t}} for t in row.topics or []
    ]
    if row.self_referral is not None:
        code = "self_referral" if row.self_referral else "referral_needed"
        attributes.append({"taxonomy_term": {"vocabulary": "waymark-referral", "code": code, "name": code}})
    for attribute in attributes:
        term = attribute["taxonomy_term"]
        term["id"] = uid("taxonomy", term["vocabulary"], term["code"])
        attribute["id"] = uid(row.id, "attribute", term["vocabulary"], term["code"])
        attribute["link_entity"] = "service"
        attribute["link_id"] = row.id
    locations = []
    if row.location:
        loc = row.location
        locations.append(
            {
                "id": uid(row.id, "service_at_location"),
                "service_id": row.id,
                "location": {
                    "id": uid(row.id, "location"),
                    "location_type": "physical",
                    "name": loc.get("name"),
                    "address": [
                        {
                            "id": uid(row.id, "address"),
                            "address_1": loc.get("address_1"),
                            "city": loc.get("city"),
                            "postal_code": loc.get("postal_code"),
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        )
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "url": row.url,
        "email": row.email,
        "status": row.status,
        "organization": (
            {
                "id": uid("organization", row.council_code or "national", row.organisation),
                "name": row.organisation,
            }
            if row.organisation
            else None
        ),
        "phones": phones,
        "schedules": schedules,
        "eligibility_description": row.eligibility,
        "minimum_age": row.min_age,
        "maximum_age": row.max_age,
        "service_at_locations": locations,
        "attributes": attributes,
        "assured_date": row.reviewed_on.isoformat() if row.reviewed_on else None,
        "reviewed_on": row.reviewed_on.isoformat() if row.reviewed_on else None,
        "last_modified": row.last_modified.isoformat(),
        EXTENSIONS: {
            "extended_max_age": row.extended_max_age,
            "crisis_line": row.crisis_line,
            "contact_verified": row.contact_verified,
            "note": row.note,
            "managed_by": row.managed_by,
        },
    }


async def export_oruk(db: AsyncSession, council_code: str) -> dict[str, Any]:
    rows = await council_services(db, council_code)
    return {
        "services": [service_to_oruk(row) for row in rows],
        "total_items": len(rows),
        "council_code": council_code,
        "exported_at": _utcnow().isoformat(),
        "standard": "HSDS 3.0 / Open Referral UK (Waymark fields under waymark_extensions)",
    }


def oruk_records(document: Any) -> list[Any]:
    """The services of a document: {"services": [...]}, a bare list, or an HSDS page {"contents": [...]}."""
    if isinstance(document, list):
        records = document
    elif isinstance(document, dict) and isinstance(document.get("services"), list):
        records = document["services"]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        records = document["contents"]
    else:
        raise Problem(
            400, 'An Open Referral UK file is {"services": [...]} (or a list of services).', code="not_oruk"
        )
    if len(records) > MAX_IMPORT_RECORDS:
        raise Problem(
            400, f"A file can hold up to {MAX_IMPORT_RECORDS} services. Please split it.", code="too_many"
        )
    return records


def _detail(exc: Exception) -> str:
    if isinstance(exc, msgspec.ValidationError):
        return f"Not valid: {exc}"
    return str(exc)


async def import_oruk(db: AsyncSession, council_code: str, document: Any) -> ImportReport:
    """Take in an ORUK document for the council. Each valid record is applied in its own
    savepoint (all of it or none of it); each invalid one is reported with its index and id
    and not applied. An id seen twice in one document: the repeats are refused."""
    forget_directory_cache()
    topics = known_topics()
    created = updated = 0
    errors: list[ImportProblem] = []
    seen: set[str] = set()
    for index, record in enumerate(oruk_records(document)):
        raw_id = record.get("id") if isinstance(record, dict) else None
        reported_id = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else msgspec.UNSET
        try:
            service_id, data = oruk_to_service(record)
            if service_id in seen:
                raise OrukProblem(
                    "This id appears more than once in the file; only its first record was taken."
                )
            seen.add(service_id)
            data = _blank_to_none(data)
            if problem := service_problem(data, topics):
                raise OrukProblem(problem)
            async with db.begin_nested():
                row = await db.get(DirectoryService, service_id)
                if row is not None and row.council_code != council_code:
                    raise OrukProblem("This id belongs to a service outside this council's directory.")
                if row is None:
                    db.add(_new_row(service_id, council_code, _columns(data), managed_by="council"))
                    await db.flush()
                    created += 1
                else:
                    _apply(row, _columns(data))
                    row.managed_by = "council"
                    await db.flush()
                    updated += 1
        except (OrukProblem, msgspec.ValidationError, IntegrityError) as exc:
            detail = "This record could not be saved." if isinstance(exc, IntegrityError) else _detail(exc)
            errors.append(ImportProblem(index=index, id=reported_id, detail=detail))
    return ImportReport(created=created, updated=updated, errors=errors)


# --- content ----------------------------------------------------------------------------------

CONTENT_ONLY_KEYS = {"id", "source", "order"}


def _content_service(
    record: dict[str, Any], topics: frozenset[str], where: str
) -> tuple[str, ServiceIn, dict[str, Any]]:
    service_id = str(record.get("id") or "")
    fields = {k: v for k, v in record.items() if k not in CONTENT_ONLY_KEYS}
    location = fields.get("location")
    if isinstance(location, str):
        fields["location"] = {"name": location}
    try:
        data = _blank_to_none(msgspec.convert({"id": service_id, **fields}, ServiceIn))
    except msgspec.ValidationError as exc:
        raise ValueError(f"{where}: service {service_id!r}: {exc}") from exc
    if problem := service_problem(data, topics):
        raise ValueError(f"{where}: service {service_id!r}: {problem}")
    return service_id, data, {"source": record.get("source")}


def read_service_files(
    content_dir: Path,
) -> list[tuple[str | None, int | None, str, ServiceIn, dict[str, Any]]]:
    """(council code or None, national order, id, service, extras) for every service in content/."""
    topics = known_topics(content_dir)
    out = []
    national = content_dir / "national-services.yaml"
    if national.exists():
        for i, record in enumerate(yaml.safe_load(national.read_text(encoding="utf-8")) or []):
            service_id, data, extras = _content_service(record, topics, national.name)
            out.append((None, int(record.get("order", i)), service_id, data, extras))
    for path in sorted((content_dir / "services").glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            service_id, data, extras = _content_service(record, topics, f"services/{path.name}")
            out.append((path.stem, None, service_id, data, extras))
    ids = [entry[2] for entry in out]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"content/services: the service id {dupes[0]!r} is used twice")
    return out


async def import_directory(db: AsyncSession, content_dir: Path) -> dict[str, int]:
    """Load content/ services: create new ones, update the ones content still manages,
    and leave alone every service a council has taken over."""
    created = updated = kept = 0
    for council_code, order, service_id, data, extras in read_service_files(content_dir):
        if council_code is not None and await db.get(Council, council_code) is None:
            raise ValueError(
                f"content/services/{council_code}.yaml: no council {council_code} in content/councils"
            )
        values = {**_columns(data), "source": extras["source"]}
        row = await db.get(DirectoryService, service_id)
        if row is None:
            row = _new_row(service_id, council_code, values, managed_by="content")
            row.position = order
            db.add(row)
            created += 1
        elif row.managed_by != "content":
            kept += 1
        elif (
            {**_current(row), "source": row.source} != values
            or row.council_code != council_code
            or row.position != order
        ):
            _apply(row, values)
            row.council_code = council_code
            row.position = order
            updated += 1
    await db.flush()
    return {"services created": created, "services updated": updated, "services kept (council-edited)": kept}
