"""Parley's settings: one object, read from the environment (and `.env` if present).

Every knob a deployment turns lives here; code receives a `Settings` instance and
never reads `os.environ` itself. `TORTOISE_ORM` is the same database configuration
in the shape tortoise-orm's own CLI (`makemigrations`, `migrate`) expects.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MODEL_MODULES = [
    "models.accounts",
    "models.conversations",
    "models.orders",
    "models.feed",
    "models.events",
    "models.support",
    "models.campaigns",
    "models.calls",
    "models.notifications",
    "models.push",
    "models.server_keys",
]


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

    feed_page_max: int = 100
    # Job types whose orders have no messaging (rule 3), as JSON: '["superhero"]'.
    no_messaging_job_types: frozenset[str] = frozenset({"superhero"})
    retention_days: int = Field(365, ge=1)
    retention_purge_interval_seconds: float = Field(3600.0, gt=0)
    subscriber_queue_size: int = 1000
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
    suggestions: bool | None = Field(None, description="'Did you mean'; default as debug.")
    ws_legacy_protocol: bool = False
    ws_connection_init_timeout_seconds: float = 10.0
    ws_allowed_origins: list[str] = Field(default_factory=list)
    ws_max_message_bytes: int = 64_000
    ws_max_subscriptions_per_connection: int = 20
    # permessage-deflate: ~50 KB of zlib state per connection and a compression per frame
    # per subscriber, for chat frames of a few hundred bytes (docs/benchmarks.md).
    ws_compression: bool = False
    rate_limit_storage_url: str = "memory://"
    rate_limit_sends: str = "60/minute"
    rate_limit_ws_connections: str = "30/minute"
    rate_limit_subscriptions: str = "120/minute"
    rate_limit_unauthenticated: str = "60/minute"

    @property
    def introspection_on(self) -> bool:
        return self.debug if self.introspection is None else self.introspection

    @property
    def graphiql_on(self) -> bool:
        return self.debug if self.graphiql is None else self.graphiql

    @property
    def suggestions_on(self) -> bool:
        return self.debug if self.suggestions is None else self.suggestions

    @property
    def call_time_horizon(self) -> timedelta:
        return timedelta(days=self.call_time_horizon_days)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The tortoise-orm configuration for one database URL."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(Settings().database_url)
