"""Alembic's migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from backend.database import to_async_url
from backend.models import metadata
from tests.harness import run_async


def test_migrations_match_the_models(server_env: dict[str, str]) -> None:
    async def diff() -> list:
        engine = create_async_engine(to_async_url(server_env["DATABASE_URL"]))
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata))
        finally:
            await engine.dispose()

    differences = run_async(diff())
    assert differences == [], f"models and migrations differ; run `waymark database revision -m ...`: {differences}"


def test_database_is_at_the_head_revision(server_env: dict[str, str], database) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from backend.settings import ROOT

    head = ScriptDirectory.from_config(Config(str(ROOT / "backend/migrations/alembic.ini"))).get_current_head()
    assert database.query("SELECT version_num FROM alembic_version")[0]["version_num"] == head
