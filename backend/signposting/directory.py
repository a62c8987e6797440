"""A council's own directory, as its officers keep it: list (retired ones included),
create, replace, retire (never delete: a retired service keeps its row with
``status = "inactive"``). Every change forgets the caches after its commit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import london_now, utcnow
from backend.councils.models import Council
from backend.errors import Conflict, Invalid, NotFound
from backend.signposting.cache import forget_after_commit
from backend.signposting.hours import hours_note, open_state
from backend.signposting.models import DirectoryService
from backend.signposting.oruk import published_id, service_in, service_record, shape_problems, without_nulls
from backend.signposting.oruk_schemas import HSDS_VERSION, Export, Service
from backend.signposting.rows import apply, new_row, values_of
from backend.signposting.schemas import (
    AdminService,
    AdminServiceList,
    ImportProblem,
    ImportReport,
    Location,
    ScheduleOut,
    ServiceIn,
)
from backend.signposting.validation import checked, known_topics
from backend.signposting.visibility import has_contact

REVIEW_EVERY = dt.timedelta(days=365)


def needs_review(row: DirectoryService, today: dt.date) -> bool:
    """Not reviewed in the last 12 months (or never)."""
    return row.reviewed_on is None or row.reviewed_on <= today - REVIEW_EVERY


def admin_service(row: DirectoryService, now: dt.datetime | None = None) -> AdminService:
    now = now or london_now()
    state = open_state(row, now)
    values = values_of(row)
    values["location"] = msgspec.convert(row.location, Location) if row.location else None
    values["schedules"] = [ScheduleOut(**s) for s in values["schedules"]]
    return AdminService(
        id=row.id,
        council_code=row.council_code,
        managed_by=row.managed_by,
        last_modified=row.last_modified,
        open_now=state,
        national=row.council_code is None,
        needs_contact=not has_contact(row),
        needs_review=needs_review(row, now.date()),
        hours_note=hours_note(row, state) or msgspec.UNSET,
        **values,
    )


def admin_list(rows: list[DirectoryService], now: dt.datetime | None = None) -> AdminServiceList:
    """The console's list, with how many active services need contact details or a review."""
    items = [admin_service(row, now) for row in rows]
    active = [i for i in items if i.status == "active"]
    return AdminServiceList(
        items=items,
        total=len(items),
        needs_contact=sum(i.needs_contact for i in active),
        needs_review=sum(i.needs_review for i in active),
    )


async def council_or_404(db: AsyncSession, council_code: str) -> Council:
    council = await db.get(Council, council_code) if len(council_code) <= 9 else None
    if council is None:
        raise NotFound("We don't know that council.", code="unknown_council")
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
        raise NotFound("We couldn't find that service in this council's directory.", code="unknown_service"
        )
    return row


async def create_service(db: AsyncSession, council_code: str, data: ServiceIn) -> DirectoryService:
    """Add a service to the council's directory (an id is made when none is given)."""
    data = checked(data)
    service_id = data.id or str(uuid.uuid4())
    if await db.get(DirectoryService, service_id) is not None:
        raise Conflict("A service with that id already exists.", code="duplicate_id")
    row = new_row(service_id, council_code, values_of(data), managed_by="council")
    db.add(row)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise Conflict("A service with that id already exists.", code="duplicate_id") from exc
    forget_after_commit(db, council_code)
    return row


async def replace_service(
    db: AsyncSession, council_code: str, service_id: str, data: ServiceIn
) -> DirectoryService:
    """Replace every editable field; from now on the council manages the record (a content
    re-import leaves it alone)."""
    row = await council_service(db, council_code, service_id)
    data = checked(data)
    apply(row, values_of(data))
    row.managed_by = "council"
    await db.flush()
    forget_after_commit(db, council_code)
    return row


async def retire_service(db: AsyncSession, council_code: str, service_id: str) -> None:
    """Retire a service: it stops being shown (status inactive) but its row stays, so the
    directory's history and its export keep it, and a content re-import does not bring it back."""
    row = await council_service(db, council_code, service_id)
    row.status = "inactive"
    row.managed_by = "council"
    row.last_modified = utcnow()
    await db.flush()
    forget_after_commit(db, council_code)


# --- Open Referral UK import and export ----------------------------------------------------------

MAX_IMPORT_RECORDS = 5000


async def export_oruk(db: AsyncSession, council_code: str) -> Export:
    """The council's whole directory (retired services too) as HSDS 3.0 services, with
    Waymark's own fields under ``waymark_extensions``."""
    rows = await council_services(db, council_code)
    return Export(
        services=[service_record(row, extensions=True) for row in rows],
        total_items=len(rows),
        council_code=council_code,
        exported_at=utcnow(),
        standard=f"Open Referral UK / HSDS {HSDS_VERSION} (Waymark fields under waymark_extensions)",
    )


def oruk_records(document: Any) -> list[Any]:
    """The services of a document: {"services": [...]}, a bare list, or an HSDS page {"contents": [...]}."""
    if isinstance(document, list):
        records = document
    elif isinstance(document, dict) and isinstance(document.get("services"), list):
        records = document["services"]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        records = document["contents"]
    else:
        raise Invalid('An Open Referral UK file is {"services": [...]} (or a list of services).', code="not_oruk"
        )
    if len(records) > MAX_IMPORT_RECORDS:
        raise Invalid(f"A file can hold up to {MAX_IMPORT_RECORDS} services. Please split it.", code="too_many"
        )
    return records


async def _published_ids(db: AsyncSession) -> dict[str, tuple[str, str | None]]:
    """published id → (directory id, council code) of every service."""
    rows = (await db.execute(select(DirectoryService.id, DirectoryService.council_code))).all()
    return {published_id(sid): (sid, code) for sid, code in rows}


async def import_oruk(db: AsyncSession, council_code: str, document: Any) -> ImportReport:
    """Take in an ORUK document for the council. Every problem of every record is reported
    with its path (``services[3].phones[0].number``); a record with any problem is not
    applied. Each valid record is applied in its own savepoint (all of it or none of it).
    An id seen twice in one document: the repeats are refused."""
    records = oruk_records(document)
    topics = known_topics()
    known = await _published_ids(db)
    created = updated = 0
    errors: list[ImportProblem] = []
    seen: set[str] = set()
    for index, raw in enumerate(records):
        raw = without_nulls(raw)
        path = f"services[{index}]"
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        reported_id = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else msgspec.UNSET
        found = shape_problems(raw, Service, path)
        data = None
        if not found:
            record = msgspec.convert(raw, Service)
            data, found = service_in(record, topics, path)
            sid = str(uuid.UUID(record.id))
            if sid in seen:
                found.append((f"{path}.id", "This id appears more than once in the file; only its first record was taken."))
            seen.add(sid)
            directory_id, owner = known.get(sid, (sid, council_code))
            if owner != council_code:
                found.append((f"{path}.id", "This id belongs to a service outside this council's directory."))
        if found or data is None:
            errors += [ImportProblem(index=index, path=where, detail=detail, id=reported_id) for where, detail in found]
            continue
        try:
            async with db.begin_nested():
                row = await db.get(DirectoryService, directory_id)
                if row is None:
                    db.add(new_row(directory_id, council_code, values_of(data), managed_by="council"))
                else:
                    apply(row, values_of(data))
                    row.managed_by = "council"
                await db.flush()
            created, updated = (created + 1, updated) if row is None else (created, updated + 1)
        except IntegrityError:
            errors.append(ImportProblem(index=index, path=path, detail="This record could not be saved.", id=reported_id))
            continue
        known[published_id(directory_id)] = (directory_id, council_code)
    if created or updated:
        forget_after_commit(db, council_code)
    return ImportReport(created=created, updated=updated, errors=errors)
