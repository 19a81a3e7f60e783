"""The tortoise-orm internals Parley borrows, in one place, for the one version it supports.

- `from_row`: a model instance from a row fetched by a transaction script, marked as
  loaded from the database, as tortoise's own queries build it (`Model._init_from_db`).
  The public `Model(**row)` converts the same values but validates every field and marks
  the instance unsaved, and costs measurably more per row (docs/benchmarks.md,
  `python -m bench.row_construction`); the send path builds several rows per message.
- `clear_executor_cache`: tortoise caches each model's INSERT per connection *name*, not
  per dialect (`EXECUTOR_CACHE`); a process that switches a name from SQLite to
  PostgreSQL (the test suite) must empty it. No public API does.

tests/test_library_internals.py names each of these.
"""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.models import Model

from parley.compat.versions import require_installed

require_installed("tortoise-orm", "1.1.9", __name__)

M = TypeVar("M", bound=Model)


def from_row(model: type[M], row: dict[str, Any]) -> M:
    """An instance of `model` from a fetched row (column name → database value).

    A row with only some columns gives a partial instance, as `.only()` does.
    """
    return model._init_from_db(**row)


def clear_executor_cache() -> None:
    """Forget every cached INSERT statement (before a connection name changes dialect)."""
    EXECUTOR_CACHE.clear()
