"""A council's own directory, as its officers keep it: list (retired ones included),
create, replace, retire (never delete: a retired service keeps its row with
``status = "inactive"``). Every change forgets the caches after its commit."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.models import Council
from backend.errors import Problem
from backend.signposting.cache import forget_after_commit
from backend.signposting.hours import is_open, london_now
from backend.signposting.models import DirectoryService, utcnow
from backend.signposting.rows import apply, new_row, values_of
from backend.signposting.schemas import AdminService, Location, ScheduleOut, ServiceIn
from backend.signposting.validation import checked


def admin_service(row: DirectoryService, now: dt.datetime | None = None) -> AdminService:
    values = values_of(row)
    values["location"] = msgspec.convert(row.location, Location) if row.location else None
    values["schedules"] = [ScheduleOut(**s) for s in values["schedules"]]
    return AdminService(
        id=row.id,
        council_code=row.council_code,
        managed_by=row.managed_by,
        last_modified=row.last_modified,
        open_now=is_open(row, now or london_now()),
        national=row.council_code is None,
        **values,
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
    data = checked(data)
    service_id = data.id or str(uuid.uuid4())
    if await db.get(DirectoryService, service_id) is not None:
        raise Problem(409, "A service with that id already exists.", code="duplicate_id")
    row = new_row(service_id, council_code, values_of(data), managed_by="council")
    db.add(row)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise Problem(409, "A service with that id already exists.", code="duplicate_id") from exc
    forget_after_commit(db)
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
    forget_after_commit(db)
    return row


async def retire_service(db: AsyncSession, council_code: str, service_id: str) -> None:
    """Retire a service: it stops being shown (status inactive) but its row stays, so the
    directory's history and its export keep it, and a content re-import does not bring it back."""
    row = await council_service(db, council_code, service_id)
    row.status = "inactive"
    row.managed_by = "council"
    row.last_modified = utcnow()
    await db.flush()
    forget_after_commit(db)
