"""Loading content/ into PostgreSQL: idempotent, reports what changed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from backend.content.services import import_library
from backend.councils.services import read_council_files, upsert_councils
from backend.forums.services import import_boards
from backend.signposting.content import import_directory


async def import_all_content(db: AsyncSession, content_dir: Path) -> dict[str, int]:
    report: dict[str, int] = {}
    report["councils changed"] = await upsert_councils(db, read_council_files(content_dir / "councils"))
    report.update(await import_library(db, content_dir))
    report.update(await import_directory(db, content_dir))  # after councils: services belong to them
    report.update(await import_boards(db, content_dir))
    return report
