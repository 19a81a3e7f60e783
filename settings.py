"""Parley's settings: one object, read from the environment (and `.env` if present).

Every knob a deployment turns lives here; code receives a `Settings` instance and
never reads `os.environ` itself. `TORTOISE_ORM` is the same database configuration
in the shape tortoise-orm's own CLI (`makemigrations`, `migrate`) expects.
"""

from __future__ import annotations

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
    subscriber_queue_size: int = 1000
    events_channel: str = "parley.events"
    # After start-up: freeze the heap built so far out of the collector's sight and
    # collect the young generation less often (see docs/benchmarks.md for the effect).
    gc_tuning: bool = True

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
