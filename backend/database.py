"""The database: the SQLAlchemy configuration, the declarative base, and the embedded
PostgreSQL used when no DATABASE_URL is given."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from advanced_alchemy.base import CommonTableAttributes, orm_registry
from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy.orm import DeclarativeBase

from backend.settings import ROOT, Settings

# platformdirs (under pgserver) warns that XDG_RUNTIME_DIR is unset, normal outside a desktop
# session, and falls back to /tmp: harmless, but it looks like an error on a first run
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
log = logging.getLogger(__name__)


class Base(CommonTableAttributes, DeclarativeBase):
    """Declarative base for every Waymark table (one metadata, one registry)."""

    registry = orm_registry
    __abstract__ = True


def to_async_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and use the asyncpg driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    return url


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL kept in ``data_dir/pg`` and return its URL.

    The server outlives this process on purpose: a second ``make run`` finds it running
    (or restarts it on the same data) and every worker shares it.
    """
    import pgserver  # imported here: production never needs it

    pgdata = data_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    uri = server.get_uri()  # postgresql://postgres:@/postgres?host=/socket/dir
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'waymark';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE waymark;")
    return uri.replace("/postgres?", "/waymark?")


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set; otherwise the embedded server (its URL is cached in the
    environment so that workers started from this process reuse it)."""
    if settings.database_url:
        return to_async_url(settings.database_url)
    cached = os.environ.get("WAYMARK_EMBEDDED_DATABASE_URL")
    if cached:
        return to_async_url(cached)
    url = start_embedded_postgres(settings.data_dir)
    os.environ["WAYMARK_EMBEDDED_DATABASE_URL"] = url
    return to_async_url(url)


def make_alchemy_config(settings: Settings, url: str | None = None) -> SQLAlchemyAsyncConfig:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(
        url or resolve_database_url(settings),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=False,
        pool_recycle=1800,
        # An error's text never carries a statement's parameters (what a person wrote, keys).
        hide_parameters=True,
    )
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        # Waymark uses neither advanced-alchemy's cache nor its file objects: their
        # per-commit listeners cost time on every request.
        session_config=AsyncSessionConfig(expire_on_commit=False,
                                          info={"enable_cache_listener": False, "enable_file_object_listener": False}),
        enable_file_object_listener=False,
        enable_touch_updated_timestamp_listener=False,
        before_send_handler="autocommit",
        session_dependency_key="db_session",
        alembic_config=AlembicAsyncConfig(
            script_location=str(ROOT / "backend" / "migrations"),
            script_config=str(ROOT / "backend" / "migrations" / "alembic.ini"),
            version_table_name="alembic_version",
        ),
        create_all=False,
    )


def stop_embedded_postgres(data_dir: Path) -> bool:
    """Stop the embedded server kept in ``data_dir/pg`` (fast shutdown). False when it was not
    running; a server that runs and cannot be stopped raises RuntimeError (never left silently)."""
    import subprocess

    from pgserver import _commands

    pgdata = data_dir / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return False
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
    except subprocess.CalledProcessError as exc:
        if (pgdata / "postmaster.pid").exists():
            raise RuntimeError(f"could not stop the embedded PostgreSQL in {pgdata}: {exc}") from exc
        return False
    return True
