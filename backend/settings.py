"""Settings, read once from the environment.

Nothing here is secret by default except what a deployment sets: in development the
app makes what it needs (a data directory, an embedded PostgreSQL) on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    # A direct connection for the chat hub (LISTEN and its message pool) when DATABASE_URL goes
    # through a transaction-mode pooler such as PgBouncer: LISTEN needs a session of its own.
    chat_database_url: str | None = None
    data_dir: Path = ROOT / "var"
    content_dir: Path = ROOT / "content"
    pwa_dir: Path = ROOT / "pwa"
    chat_hours: str = "mon-fri 12:00-22:00; sat-sun 18:00-22:00"
    session_max_age: int = 60 * 60 * 24 * 7
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Allowed browser origins for the WebSocket Origin check and CSRF (empty: same host only).
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    log_level: str = "INFO"
    max_body_bytes: int = 1_000_000
    rate_limit_per_minute: int = 600
    chat_long_wait_seconds: int = 20 * 60
    chat_sweep_seconds: float = 15.0
    chat_db_pool_size: int = 4  # the chat hub's own asyncpg connections per worker
    chat_routing: str = "manual"  # "auto": a new request goes to the least busy available counsellor
    messages_reply_hours: int = 48  # the reply target for messages to the team
    access_log: bool = False
    # Compile every moderation rule in a background thread at start (about 2 s of CPU per
    # worker). On by default in production; tests and development start many short-lived
    # servers and compile lazily instead.
    moderation_warm_up: bool = False
    # Keys for encrypting journal text at rest (urlsafe base64, 32 bytes each): the first
    # encrypts, all decrypt. Empty: development generates one into data_dir (see
    # backend/journal/crypto.py); production refuses to start.
    encryption_keys: tuple[str, ...] = field(default_factory=tuple, repr=False)
    # /metrics: with a token, only `Authorization: Bearer <token>`; without, only the internal network.
    metrics_token: str | None = field(default=None, repr=False)
    housekeeping_seconds: float = 600.0  # how often expired log-in throttle rows are deleted

    @property
    def secure_cookies(self) -> bool:
        return self.env not in {"development", "test"}

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ.get("WAYMARK_ENV", "development")
    data_dir = Path(os.environ.get("WAYMARK_DATA_DIR", str(ROOT / "var"))).resolve()
    origins = tuple(o.strip() for o in os.environ.get("WAYMARK_ALLOWED_ORIGINS", "").split(",") if o.strip())
    return Settings(
        env=env,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        database_url=os.environ.get("DATABASE_URL") or None,
        chat_database_url=os.environ.get("WAYMARK_CHAT_DATABASE_URL") or None,
        data_dir=data_dir,
        content_dir=Path(os.environ.get("WAYMARK_CONTENT_DIR", str(ROOT / "content"))).resolve(),
        chat_hours=os.environ.get("WAYMARK_CHAT_HOURS", Settings.chat_hours),
        db_pool_size=int(os.environ.get("WAYMARK_DB_POOL_SIZE", "10")),
        allowed_origins=origins,
        log_level=os.environ.get("WAYMARK_LOG_LEVEL", "INFO"),
        rate_limit_per_minute=int(os.environ.get("WAYMARK_RATE_LIMIT_PER_MINUTE", "600")),
        chat_long_wait_seconds=int(os.environ.get("WAYMARK_CHAT_LONG_WAIT_SECONDS", str(20 * 60))),
        chat_sweep_seconds=float(os.environ.get("WAYMARK_CHAT_SWEEP_SECONDS", "15")),
        chat_db_pool_size=int(os.environ.get("WAYMARK_CHAT_DB_POOL_SIZE", "4")),
        chat_routing=_choice("WAYMARK_CHAT_ROUTING", ("manual", "auto"), "manual"),
        messages_reply_hours=int(os.environ.get("WAYMARK_MESSAGES_REPLY_HOURS", "48")),
        access_log=_bool("WAYMARK_ACCESS_LOG", False),
        moderation_warm_up=_bool("WAYMARK_MODERATION_WARM_UP", env == "production"),
        encryption_keys=_encryption_keys(env),
        metrics_token=os.environ.get("WAYMARK_METRICS_TOKEN") or None,
        housekeeping_seconds=float(os.environ.get("WAYMARK_HOUSEKEEPING_SECONDS", "600")),
    )


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (not {value!r})")
    return value


def _encryption_keys(env: str) -> tuple[str, ...]:
    """WAYMARK_ENCRYPTION_KEYS (or WAYMARK_ENCRYPTION_KEY): a comma list, newest first."""
    raw = os.environ.get("WAYMARK_ENCRYPTION_KEYS") or os.environ.get("WAYMARK_ENCRYPTION_KEY") or ""
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if not keys and env == "production":
        raise RuntimeError("WAYMARK_ENCRYPTION_KEY must be set when WAYMARK_ENV=production "
                           "(see docs/journal-encryption.md for how to make one)")
    return keys
