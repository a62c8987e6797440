"""The ``waymark`` command: run the service, migrate, load content, create staff."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from backend.settings import ROOT, get_settings


def _alembic_config(url: str | None = None):  # noqa: ANN202
    from alembic.config import Config

    from backend.database import resolve_database_url

    cfg = Config(str(ROOT / "backend" / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "backend" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or resolve_database_url(get_settings())).replace("%", "%%"))
    return cfg


def database_upgrade(revision: str = "head") -> None:
    from alembic import command

    command.upgrade(_alembic_config(), revision)


def database_revision(message: str) -> None:
    from alembic import command

    command.revision(_alembic_config(), message=message, autogenerate=True)


async def _with_db(fn):  # noqa: ANN001, ANN202
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from backend.database import resolve_database_url

    engine = create_async_engine(resolve_database_url(get_settings()), hide_parameters=True)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db:
            result = await fn(db)
            await db.commit()
            return result
    finally:
        await engine.dispose()


def import_content() -> dict[str, int]:
    from backend.content.loader import import_all_content

    report = asyncio.run(_with_db(lambda db: import_all_content(db, get_settings().content_dir)))
    print("content: " + ", ".join(f"{k} {v}" for k, v in report.items()))
    return report


def create_staff(args: argparse.Namespace) -> None:
    from backend.accounts.services import create_staff_account

    async def go(db):  # noqa: ANN001, ANN202
        return await create_staff_account(db, role=args.role, email=args.email, password=args.password,
                                          council_code=args.council, name=args.name)

    from backend.errors import Problem

    try:
        user = asyncio.run(_with_db(go))
    except Problem as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        raise SystemExit(2) from exc
    print(user.id)


def encrypted_columns() -> list:
    """Every column encrypted with the keyring of backend/journal/crypto.py (the journal's,
    then the messages to the team's). A new encrypted column belongs here too."""
    from backend.journal.services import ENCRYPTED_COLUMNS as JOURNAL
    from backend.messages.services import ENCRYPTED_COLUMNS as MESSAGES

    return [*JOURNAL, *MESSAGES]


def rotate_encryption(batch_size: int) -> None:
    """Re-encrypt journal text and messages to the team under the newest key (the first of
    WAYMARK_ENCRYPTION_KEYS), a batch per transaction: safe to stop and run again."""
    from backend.journal.crypto import load_keyring
    from backend.journal.rotation import rotate_columns

    keyring = load_keyring(get_settings())
    columns = encrypted_columns()
    report = asyncio.run(_with_db(lambda db: rotate_columns(db, keyring, columns, batch_size=batch_size)))
    for kind in report.rotated:
        print(f"{kind}: {report.rotated[kind]} re-encrypted, {report.current[kind]} already current, "
              f"{report.failed[kind]} unreadable")
    if not report.ok:
        print("error: some values could not be decrypted with any configured key", file=sys.stderr)
        raise SystemExit(1)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def serve(args: argparse.Namespace) -> None:
    """Migrate, load content, then serve with uvicorn (several workers if asked)."""
    import uvicorn

    settings = get_settings()
    from backend.database import resolve_database_url

    resolve_database_url(settings)  # starts the embedded PostgreSQL when DATABASE_URL is unset
    if not args.no_migrate:
        database_upgrade()
        import_content()
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "1"))
    uvicorn.run(
        "backend.app:create_app", factory=True, host=args.host or settings.host, port=args.port or settings.port,
        workers=workers, access_log=False, proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        log_level=settings.log_level.lower(), timeout_graceful_shutdown=5,
        ws_per_message_deflate=False,  # chat frames are short: deflate costs ~35 KiB a socket
    )


def stop_database() -> None:
    """Stop the embedded PostgreSQL in the data directory (nothing to do with DATABASE_URL set)."""
    settings = get_settings()
    if settings.database_url:
        print("DATABASE_URL is set: that PostgreSQL is not ours to stop")
        return
    from backend.database import stop_embedded_postgres

    if stop_embedded_postgres(settings.data_dir):
        print(f"the embedded PostgreSQL in {settings.data_dir / 'pg'} is stopped")
    else:
        print(f"no embedded PostgreSQL was running in {settings.data_dir / 'pg'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="waymark", description="Waymark: run and administer the service.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="migrate, load content and serve the API and the PWA")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--workers", type=int)
    run.add_argument("--no-migrate", action="store_true")

    db = sub.add_parser("database", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations up to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    rev = db_sub.add_parser("revision", help="write a new migration from the models (autogenerate)")
    rev.add_argument("-m", "--message", required=True)

    sub.add_parser("import-content", help="load councils, articles and services from content/ (idempotent)")

    staff = sub.add_parser("create-staff", help="create a staff account and print its id")
    staff.add_argument("--role", required=True, choices=["counsellor", "supervisor", "moderator", "council_admin", "admin"])
    staff.add_argument("--email", required=True)
    staff.add_argument("--password", required=True)
    staff.add_argument("--council")
    staff.add_argument("--name")

    rotate = sub.add_parser("rotate-encryption", help="re-encrypt journal text and messages to the team with the "
                            "newest WAYMARK_ENCRYPTION_KEYS key (safe to stop and run again)")
    rotate.add_argument("--batch-size", type=_positive, default=500, help="rows per transaction (default 500)")
    sub.add_parser("stop-database", help="stop the embedded PostgreSQL that `make run` left running (make stop)")

    args = parser.parse_args(argv)
    if args.command == "run":
        serve(args)
    elif args.command == "database":
        if args.db_command == "upgrade":
            database_upgrade(args.revision)
        else:
            database_revision(args.message)
    elif args.command == "import-content":
        import_content()
    elif args.command == "create-staff":
        create_staff(args)
    elif args.command == "rotate-encryption":
        rotate_encryption(args.batch_size)
    elif args.command == "stop-database":
        stop_database()


if __name__ == "__main__":
    main()
