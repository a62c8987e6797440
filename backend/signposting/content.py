"""Loading ``content/services/<ONS code>.yaml`` and ``content/national-services.yaml``:
idempotent, and a service a council has edited (``managed_by = "council"``) is never
overwritten by a re-import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from backend.councils.models import Council
from backend.signposting.cache import forget_after_commit
from backend.signposting.models import DirectoryService
from backend.signposting.rows import apply, new_row, values_of
from backend.signposting.schemas import ServiceIn
from backend.signposting.validation import blank_to_none, known_topics, service_problem

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
        data = blank_to_none(msgspec.convert({"id": service_id, **fields}, ServiceIn))
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
    forget_after_commit(db)
    created = updated = kept = 0
    for council_code, order, service_id, data, extras in read_service_files(content_dir):
        if council_code is not None and await db.get(Council, council_code) is None:
            raise ValueError(
                f"content/services/{council_code}.yaml: no council {council_code} in content/councils"
            )
        values = {**values_of(data), "source": extras["source"]}
        row = await db.get(DirectoryService, service_id)
        if row is None:
            row = new_row(service_id, council_code, values, managed_by="content")
            row.position = order
            db.add(row)
            created += 1
        elif row.managed_by != "content":
            kept += 1
        elif (
            {**values_of(row), "source": row.source} != values
            or row.council_code != council_code
            or row.position != order
        ):
            apply(row, values)
            row.council_code = council_code
            row.position = order
            updated += 1
    await db.flush()
    return {"services created": created, "services updated": updated, "services kept (council-edited)": kept}
