"""The Litestar application: every domain's controllers, and the cross-cutting parts
(database, sessions, CSRF, rate limits, problem details, metrics, logs, the PWA)."""

from __future__ import annotations

import gc
import secrets
from pathlib import Path

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar, Request, Router
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.logging.config import StructLoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from prometheus_client import Gauge

from backend.accounts.auth import SessionUserMiddleware, UserReader
from backend.accounts.controllers import AuthController, MeController
from backend.accounts.models import WebSession
from backend.admin.controllers import AdminController
from backend.chat.controllers import ChatController, ToolkitController, chat_socket, moderation_socket
from backend.chat.hub import ChatHub
from backend.clock import utcnow
from backend.content.controllers import LibraryController
from backend.councils.controllers import CouncilController
from backend.data_secrets import secret_text_once
from backend.database import make_alchemy_config
from backend.errors import exception_handlers, problem_details_plugin
from backend.forums.controllers import BoardController, MyPostsController, PostController, ThreadController
from backend.health.controllers import HealthController
from backend.http_safety import (
    CountedPrometheusMiddleware,
    RequestChecks,
    SecurityHeaders,
    allowed_methods,
    metrics_allowed,
)
from backend.journal.controllers import (
    GoalController,
    JournalController,
    JournalVocabularyController,
    MoodController,
)
from backend.messages.controllers import ChatHistoryController, MessagesController
from backend.meta.controllers import MetaController
from backend.openapi import publish_truthful_schema, render_plugins
from backend.personal_data import PersonalDataController
from backend.push.controllers import PushController
from backend.pwa_files import PwaFiles, pwa_router
from backend.reports.controllers import ReportController
from backend.restrictions.controllers import AccountModerationController, MyRestrictionsController
from backend.review.controllers import ModerationController
from backend.safeguarding.controllers import SafeguardingController
from backend.security import SESSION_COOKIE, SessionBoundCSRF, WaymarkSessionBackend, guards_share_the_handler
from backend.settings import Settings, get_settings
from backend.signposting.controllers import CouncilServiceController, CrisisLineController, ServiceController
from backend.signposting.feed_controllers import OrukFeedController
from backend.weekly_hours import WeeklyHours

API_CONTROLLERS: list = [AuthController, MeController, CouncilController, LibraryController, ChatController,
                         PushController, ReportController]
API_CONTROLLERS += [MoodController, JournalController, GoalController, JournalVocabularyController]
API_CONTROLLERS += [ServiceController, CrisisLineController, CouncilServiceController]
API_CONTROLLERS += [BoardController, ThreadController, PostController, ModerationController, SafeguardingController]
API_CONTROLLERS += [MessagesController, ChatHistoryController, ToolkitController]
API_CONTROLLERS += [AccountModerationController, MyRestrictionsController]
API_CONTROLLERS += [MyPostsController, AdminController, MetaController, PersonalDataController]


def secret_key(settings: Settings) -> str:
    """WAYMARK_SECRET_KEY, or one kept in the data directory so every worker and every
    restart share it."""
    import os

    if key := os.environ.get("WAYMARK_SECRET_KEY"):
        return key
    return secret_text_once(settings.data_dir, "secret_key", lambda: secrets.token_urlsafe(48))


async def is_unsafe_method(request: Request) -> bool:
    return request.method not in ("GET", "HEAD", "OPTIONS")


class WaymarkMetrics(PrometheusController):
    path = "/metrics"
    include_in_schema = False
    guards = [metrics_allowed]


CHAT_SOCKETS = Gauge("waymark_chat_sockets", "Open chat WebSockets in this worker")

def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    guards_share_the_handler()
    alchemy = make_alchemy_config(settings)
    session_config = ServerSideSessionConfig(
        key=SESSION_COOKIE, max_age=settings.session_max_age, httponly=True, samesite="lax",
        secure=settings.secure_cookies, renew_on_access=True,
        # The open ORUK feed needs no session, nor do the PWA's versioned files (no lookup per file).
        exclude=["^/health", "^/metrics", "^/schema", "^/oruk/", "^/v/", "^/sw\\.js$"],
    )
    session_backend = WaymarkSessionBackend(config=session_config, alchemy_config=alchemy, model=WebSession)
    secret = secret_key(settings)
    csrf = CSRFConfig(
        secret=secret, cookie_name="csrftoken", header_name="x-csrftoken",
        cookie_secure=settings.secure_cookies, cookie_samesite="lax", cookie_httponly=False,
        # The open ORUK feed: read-only, no cookie of any kind; nor on the PWA's versioned files.
        exclude=["^/oruk/", "^/v/", "^/sw\\.js$"],
    )
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.rate_limit_per_minute),
        exclude=["^/health", "^/metrics"],
        set_rate_limit_headers=False,
        # Writes are what a flood costs us; reads are cached and cheap. (Log-in and posting
        # have their own limits, shared by every worker, in PostgreSQL.)
        check_throttle_handler=is_unsafe_method,
    )
    api = Router(path="/", route_handlers=API_CONTROLLERS,
                 cache_control=CacheControlHeader(no_store=True, private=True))
    # The PWA from memory, compressed once, its files at content-versioned addresses (immutable).
    pwa = pwa_router(PwaFiles.load(Path(settings.pwa_dir), settings.data_dir / "pwa-compressed"))
    structlog = StructlogPlugin(StructlogConfig(
        structlog_logging_config=structlog_logging_config(),
        # Privacy by default: no request log unless asked for, and then only method, path and status.
        middleware_logging_config=LoggingMiddlewareConfig(request_log_fields=("method", "path"),
                                                          response_log_fields=("status_code",)),
        enable_middleware_logging=settings.access_log,
    ))
    prometheus = PrometheusConfig(app_name="waymark", prefix="waymark", group_path=True,
                                  exclude=["^/metrics", "^/health"], middleware_class=CountedPrometheusMiddleware)
    alchemy_plugin = SQLAlchemyPlugin(config=alchemy)
    user_reader = UserReader(alchemy.get_engine().url.render_as_string(hide_password=False).replace("+asyncpg", ""))
    app = Litestar(
        route_handlers=[HealthController, WaymarkMetrics, api, OrukFeedController, chat_socket, moderation_socket, pwa],
        on_startup=[warm_up_moderation, start_chat_hub, start_housekeeping, publish_truthful_schema,
                    keep_start_up_objects_out_of_gc],
        on_shutdown=[stop_chat_hub, stop_housekeeping, stop_user_reader],
        plugins=[alchemy_plugin, problem_details_plugin(), structlog],
        middleware=[
            prometheus.middleware,
            # bad input refused; writes (only they) rate limited
            DefineMiddleware(RequestChecks, max_body_bytes=settings.max_body_bytes, rate_limit=rate_limit),
            DefineMiddleware(SessionUserMiddleware, backend=session_backend, reader=user_reader,
                             mfa_required=settings.staff_mfa_required),
            DefineMiddleware(SessionBoundCSRF, config=csrf),
        ],
        # Static files and JSON answers over 1 KB travel compressed (brotli, gzip for older
        # clients): a cheap phone on a bad connection downloads a third of the bytes.
        compression_config=CompressionConfig(backend="brotli", brotli_gzip_fallback=True, minimum_size=1024,
                                             exclude_opt_key="precompressed"),  # the ORUK feed compresses once per page
        exception_handlers=exception_handlers,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Waymark API", version="1.0.0", path="/schema",
                                     description="The HTTP contract of Waymark (a guide: docs/api-guide.md in the repository).",
                                     render_plugins=render_plugins()),
        debug=False,
    )
    app.state.settings = settings
    app.state.secret_key = secret
    app.state.alchemy = alchemy
    app.state.user_reader = user_reader
    app.state.sessionmaker = alchemy.create_session_maker()
    app.state.chat_hours = WeeklyHours.parse(settings.chat_hours)  # a bad schedule stops start-up
    # Outside Litestar's router and exception handling: every answer, a 404 or a file included.
    app.asgi_handler = SecurityHeaders(app.asgi_handler, hsts=settings.is_production, allow=allowed_methods(app.routes))
    return app


def structlog_logging_config() -> StructLoggingConfig:
    """Litestar's structlog set-up, with tracebacks rendered for the standard library's
    loggers too: its JSON formatter for them has no ``format_exc_info``, so
    ``log.exception(...)`` failed to serialise ``exc_info`` and logged nothing."""
    import structlog

    # Litestar would log every exception, 4xx included, with a traceback. Client errors are
    # not logged at all; backend/errors.py logs server errors (without queries or bodies).
    config = StructLoggingConfig(log_exceptions="never")
    formatter = (config.standard_lib_logging_config.formatters or {}).get("standard", {})
    processors = formatter.get("processors") or []
    if processors and isinstance(processors[-1], structlog.processors.JSONRenderer):
        processors.insert(len(processors) - 1, structlog.processors.format_exc_info)
    return config


async def warm_up_moderation(app: Litestar) -> None:
    """Compile the moderation rules in the background, so the first posts and messages
    need not (start-up does not wait: the engine also compiles lazily on first use)."""
    import asyncio

    from moderation import Rules

    if app.state.settings.moderation_warm_up:  # production: long-lived workers; tests start many short ones
        app.state.moderation_warm_up = asyncio.create_task(asyncio.to_thread(Rules.default().warm_up))
        app.state.moderation_warm_up.add_done_callback(lambda _: gc.freeze())  # the compiled rules too


async def keep_start_up_objects_out_of_gc(app: Litestar) -> None:
    """Leave what start-up made (modules, the app, the moderation rules: about 190,000
    objects that live as long as the worker) out of the garbage collector's full
    collections. Each one walked them all on the event loop: 0.1-0.3 s, every half minute
    or so under chat load, during which no chat message moved (the p99). Objects made
    later are collected as before."""
    gc.freeze()


async def start_chat_hub(app: Litestar) -> None:
    alchemy = app.state.alchemy
    hub = ChatHub(alchemy.create_session_maker(), _plain_dsn(app), sweep_seconds=app.state.settings.chat_sweep_seconds,
                  pool_size=app.state.settings.chat_db_pool_size)
    app.state.chat_hub = hub
    CHAT_SOCKETS.set_function(hub.connection_count)
    await hub.start()


async def stop_chat_hub(app: Litestar) -> None:
    if hub := getattr(app.state, "chat_hub", None):
        await hub.stop()


async def start_housekeeping(app: Litestar) -> None:
    """Every WAYMARK_HOUSEKEEPING_SECONDS: delete log-in throttle rows that are over. And
    listen for people signed out everywhere (see backend/accounts/sessions.py)."""
    import asyncio

    from backend.accounts.sessions import listen_for_sign_outs

    app.state.housekeeping_stop = asyncio.Event()
    app.state.sign_out_listener = asyncio.create_task(listen_for_sign_outs(_plain_dsn(app), app.state.housekeeping_stop))

    async def loop() -> None:
        import logging

        from backend.accounts.throttle import purge_expired

        while True:
            await asyncio.sleep(app.state.settings.housekeeping_seconds)
            try:
                async with app.state.sessionmaker() as db:
                    await purge_expired(db, utcnow())
                    await db.commit()
            except Exception as exc:  # noqa: BLE001 - try again next time
                logging.getLogger("waymark.housekeeping").warning("housekeeping failed: %s", type(exc).__name__)

    app.state.housekeeping = asyncio.create_task(loop())


async def stop_user_reader(app: Litestar) -> None:
    await app.state.user_reader.close()


async def stop_housekeeping(app: Litestar) -> None:
    import asyncio

    if stop := getattr(app.state, "housekeeping_stop", None):
        stop.set()
    for name in ("housekeeping", "sign_out_listener"):
        if task := getattr(app.state, name, None):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _plain_dsn(app: Litestar) -> str:
    """The database URL for asyncpg's own connections (LISTEN: never through a pooler in
    transaction mode, so WAYMARK_CHAT_DATABASE_URL when set), without SQLAlchemy's driver name."""
    dsn = app.state.settings.chat_database_url or app.state.alchemy.get_engine().url.render_as_string(hide_password=False)
    return dsn.replace("+asyncpg", "")
