"""Migration operations of Parley's own, for changes tortoise's autodetector words too strongly.

An enum column gains members: its values are still text of the same maximum length, so the
database needs nothing, but the autodetector writes an `AlterField`. On SQLite that
rebuilds the table, and the rebuild drops the table's unique constraints (the idempotency
key and the event cursor, which delivery relies on; `tests/models/test_migrations.py`).
"""

from __future__ import annotations

from typing import Any

from tortoise.migrations import operations as ops


class AlterEnumMembers(ops.AlterField):
    """`AlterField` for an enum column whose type and length stay: only the state moves."""

    def describe(self) -> str:
        return f"Alter the members of enum field {self.name} on {self.model_name}"

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None
