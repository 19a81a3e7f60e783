"""Parley's settings: one object, read from the environment (and `.env` if present).

Every knob a deployment turns lives here; code receives a `Settings` instance and
never reads `os.environ` itself. `TORTOISE_ORM` is the same database configuration
in the shape tortoise-orm's own CLI (`makemigrations`, `migrate`) expects.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MODEL_MODULES = [
    "parley.models.accounts",
    "parley.models.conversations",
    "parley.models.orders",
    "parley.models.feed",
    "parley.models.events",
    "parley.models.support",
    "parley.models.guarantees",
    "parley.models.campaigns",
    "parley.models.calls",
    "parley.models.notifications",
    "parley.models.push",
    "parley.models.server_keys",
]

# PARLEY_RETENTION's short form: a whole number and a unit (90d, 1h, 30m, 45s).
_SHORT_DURATION = re.compile(r"(\d{1,9})\s*([dhms])", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}

# PARLEY_ALLOWED_ORIGINS when unset and debug is on: the usual front-end dev servers
# (create-react-app and Next.js on 3000, Vite on 5173). Parley's own pages are same-origin.
DEV_ORIGINS = (
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
    "http://127.0.0.1:5173",
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Settings(BaseSettings):
    """Configuration of one Parley process."""

    model_config = SettingsConfigDict(
        env_prefix="PARLEY_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "sqlite://data/parley.sqlite3",
        validation_alias=AliasChoices("DATABASE_URL", "PARLEY_DATABASE_URL"),
        description="sqlite://path (default, embedded) or postgres://user@host:5432/db.",
    )
    broadcast_url: str = Field(
        "memory://",
        validation_alias=AliasChoices("BROADCAST_URL", "PARLEY_BROADCAST_URL"),
        description="memory:// for one process, redis://host:6379 for many.",
    )
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("HOST", "PARLEY_HOST"))
    port: int = Field(8000, validation_alias=AliasChoices("PORT", "PARLEY_PORT"))

    data_dir: Path = Path("data")
    debug: bool = True
    demo: bool = True

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str | None = None
    jwt_public_key: str | None = None
    jwt_private_key: str | None = None
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    # Tokens must carry `exp`; exp - iat (or exp - now without iat) may not exceed this.
    jwt_max_lifetime_seconds: int = Field(86_400, gt=0)
    # How long "this token's account exists" is remembered per process (auth.KnownAccounts).
    auth_account_cache_seconds: float = Field(60.0, ge=0)

    feed_page_max: int = 100
    # Job types whose orders have no messaging (rule 3), as JSON: '["superhero"]'.
    no_messaging_job_types: frozenset[str] = frozenset({"superhero"})
    retention: timedelta = Field(
        timedelta(days=365),
        description="How long messages are kept: ISO 8601 (P90D, PT1H) or 90d, 1h, 30m, 45s.",
    )
    retention_days: int | None = Field(
        None, ge=1, description="The older setting, in whole days; PARLEY_RETENTION wins."
    )
    retention_purge_interval_seconds: float = Field(3600.0, gt=0)
    subscriber_queue_size: int = 1000
    # SQLite durability (models.store.db.tune_connection): FULL survives power loss, NORMAL only a
    # process crash. PostgreSQL keeps its own (synchronous_commit).
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    events_channel: str = "parley.events"
    # After start-up: freeze the heap built so far out of the collector's sight and
    # collect the young generation less often (see docs/benchmarks.md for the effect).
    gc_tuning: bool = True

    # Call invites: the local conference provider's dial-in pool and PIN length.
    call_dial_in_numbers: list[str] = Field(
        default_factory=lambda: ["+1 555 0100", "+1 555 0101"], min_length=1
    )
    call_pin_length: int = Field(6, ge=4, le=12)
    # How far ahead a call time may be proposed or accepted, in days.
    call_time_horizon_days: int = Field(365, ge=1, le=3650)
    # How often the background sweep records invites whose proposed times all passed.
    call_expiry_interval_seconds: float = Field(30.0, gt=0)
    # Notifications (issue 5): presence, routing, email and Web Push.
    app_url: str = Field("http://127.0.0.1:8000", description="Deep links in emails and pushes.")
    activity_ttl_seconds: float = 60.0
    # Scale-out presence (BROADCAST_URL redis://): each process refreshes its lease every
    # heartbeat; a killed process's connections stop counting after the TTL.
    presence_heartbeat_seconds: float = Field(2.0, gt=0)
    presence_ttl_seconds: float = Field(10.0, gt=0)
    email_delay_seconds: float = 120.0
    notify_poll_seconds: float = 1.0
    notify_max_attempts: int = 5
    notify_backoff_seconds: float = 30.0
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    email_sender: str = "Parley <notifications@localhost>"
    vapid_subject: str = "mailto:notifications@localhost"
    # Hardening (SECURITY.md lists each limit with its default).
    http_max_body_bytes: int = 1_000_000
    query_max_depth: int = 10
    query_max_aliases: int = 20
    query_max_tokens: int = 2_000
    query_max_cost: int = 10_000
    introspection: bool | None = Field(None, description="Default: on when debug is on.")
    graphiql: bool | None = Field(None, description="Default: on when debug is on.")
    inbox_page: bool | None = Field(
        None, description="The reference inbox page at /inbox; default: on when debug is on."
    )
    suggestions: bool | None = Field(None, description="'Did you mean'; default as debug.")
    ws_legacy_protocol: bool = False
    ws_connection_init_timeout_seconds: float = 10.0
    # Browser origins for HTTP CORS and the WebSocket handshake (allowed_origins_on).
    allowed_origins: list[str] | None = Field(
        None, description="Exact origins, JSON: '[\"https://app.example\"]'; default as debug."
    )
    allowed_origins_credentials: bool = Field(
        False, description="Access-Control-Allow-Credentials, for a cookie-checking proxy."
    )
    ws_allowed_origins: list[str] | None = Field(
        None, description="Deprecated: read when PARLEY_ALLOWED_ORIGINS is unset."
    )
    ws_max_message_bytes: int = 64_000
    ws_max_subscriptions_per_connection: int = 20
    # permessage-deflate: zlib state per connection and a compression per frame per
    # subscriber, for chat frames of a few hundred bytes (docs/benchmarks.md).
    ws_compression: bool = False
    # uvicorn's WebSocket keepalive: a ping every interval; no pong within the timeout ends the
    # connection. Below the ~60 s idle timeouts of common proxies and NATs; a dead peer is let
    # go after interval + timeout (README: Live updates, close codes).
    ws_ping_interval_seconds: float = Field(20.0, gt=0)
    ws_ping_timeout_seconds: float = Field(20.0, gt=0)
    # Automatic persisted queries (Apollo's protocol): the sha256 -> document cache of each
    # process (least recently used out first), shared through Redis with a TTL when
    # BROADCAST_URL is redis://; off: hash-only requests get PersistedQueryNotSupported.
    persisted_queries: bool = True
    persisted_queries_max_entries: int = Field(1000, ge=1)
    persisted_queries_max_bytes: int = Field(10_000_000, ge=1)
    persisted_queries_ttl_seconds: int = Field(86_400, ge=1)
    # The largest document a client may register as a persisted query.
    persisted_query_max_bytes: int = Field(50_000, ge=1)
    # A manifest of trusted documents (JSON: id -> document text, as GraphQL Code Generator's
    # client preset or Relay's persisted queries write it): only those run.
    trusted_documents: Path | None = Field(
        None, description="Run only the documents of this manifest (GraphiQL in debug is exempt)."
    )
    rate_limit_storage_url: str = "memory://"
    rate_limit_sends: str = "60/minute"
    rate_limit_ws_connections: str = "30/minute"
    rate_limit_subscriptions: str = "120/minute"
    rate_limit_unauthenticated: str = "60/minute"
    # Outbound requests to user-given URLs (Web Push endpoints): loopback, private,
    # link-local and reserved addresses are refused unless this is on (tests only).
    outbound_allow_private: bool = False

    @field_validator("retention", mode="before")
    @classmethod
    def _short_duration(cls, value: object) -> object:
        if isinstance(value, str) and (match := _SHORT_DURATION.fullmatch(value.strip())):
            return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2].lower()])
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
            raise ValueError("give retention a unit, e.g. 365d, 1h or P90D")
        return value

    @field_validator("retention")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError("retention must be at least one second")
        return value

    @field_validator("allowed_origins", "ws_allowed_origins")
    @classmethod
    def _exact_origins(cls, origins: list[str] | None) -> list[str] | None:
        return None if origins is None else [_origin(origin) for origin in origins]

    @model_validator(mode="after")
    def _retention_in_days(self) -> Settings:
        if self.retention_days is not None and "retention" not in self.model_fields_set:
            self.retention = timedelta(days=self.retention_days)
        return self

    @property
    def retention_purge_every(self) -> float:
        """Seconds between purges: the interval, or a tenth of a shorter retention."""
        return min(self.retention_purge_interval_seconds, self.retention.total_seconds() / 10)

    # Operations (README, Running in production).
    log_format: Literal["json", "text"] | None = Field(
        None, description="json (one object a line) or text; default: text when debug is on."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    metrics_token: str | None = Field(
        None, description="Bearer token for /metrics; without one /metrics is served only in debug."
    )
    shutdown_grace_seconds: float = Field(
        10.0, gt=0, description="On SIGTERM: how long in-flight requests may take to finish."
    )
    otel_traces_exporter: str | None = Field(
        None,
        validation_alias=AliasChoices("OTEL_TRACES_EXPORTER", "otel_traces_exporter"),
        description="otlp, console or none; unset: otlp when an OTLP endpoint is set.",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "otel_exporter_otlp_endpoint",
        ),
    )
    otel_service_name: str = Field(
        "parley", validation_alias=AliasChoices("OTEL_SERVICE_NAME", "otel_service_name")
    )

    @property
    def log_format_on(self) -> Literal["json", "text"]:
        if self.log_format is not None:
            return self.log_format
        return "text" if self.debug else "json"

    @property
    def introspection_on(self) -> bool:
        return self.debug if self.introspection is None else self.introspection

    @property
    def allowed_origins_on(self) -> list[str]:
        """The one list of browser origins that may call Parley, over HTTP and WebSocket."""
        if self.allowed_origins is not None:
            return self.allowed_origins
        if self.ws_allowed_origins is not None:
            return self.ws_allowed_origins
        return list(DEV_ORIGINS) if self.debug else []

    @property
    def graphiql_on(self) -> bool:
        return self.debug if self.graphiql is None else self.graphiql

    @property
    def inbox_page_on(self) -> bool:
        return self.debug if self.inbox_page is None else self.inbox_page

    @property
    def suggestions_on(self) -> bool:
        return self.debug if self.suggestions is None else self.suggestions

    @property
    def shared_redis_url(self) -> str | None:
        """BROADCAST_URL when it is Redis: what processes share beyond the bus (presence, APQ)."""
        redis = self.broadcast_url.startswith(("redis://", "rediss://"))
        return self.broadcast_url if redis else None

    @property
    def call_time_horizon(self) -> timedelta:
        return timedelta(days=self.call_time_horizon_days)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _origin(value: str) -> str:
    """`value` as browsers send it in `Origin`: lowercase, no default port, no slash."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
        scheme = parts.scheme.lower()
        hostname = parts.hostname
        if (
            scheme not in _DEFAULT_PORTS
            or not hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username is not None
        ):
            raise ValueError(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an origin: give scheme, host and optional port, like "
            "'https://app.example' or 'http://localhost:3000' ('*' is not accepted)"
        ) from None
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The tortoise-orm configuration for one database URL."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "parley.models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(Settings().database_url)
