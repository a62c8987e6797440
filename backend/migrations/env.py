"""Alembic environment: async, one metadata for every Waymark model."""

from __future__ import annotations

import asyncio

import advanced_alchemy.types  # noqa: F401 - custom column types used in migrations
from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from backend.database import resolve_database_url
from backend.models import metadata
from backend.settings import get_settings

config = context.config
target_metadata = metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or resolve_database_url(get_settings())


def _configure(connection=None, url: str | None = None) -> None:  # noqa: ANN001
    context.configure(
        connection=connection, url=url, target_metadata=target_metadata, compare_type=True,
        user_module_prefix="sa.", render_as_batch=False,
    )


def run_migrations_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection) -> None:  # noqa: ANN001
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool, hide_parameters=True)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
