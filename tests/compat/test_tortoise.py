"""parley.compat.tortoise against the installed tortoise-orm."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from tortoise.contrib.starlette import RegisterTortoise

from parley.compat.tortoise import from_row
from parley.models.accounts import Account, AccountKind
from parley.web.settings import tortoise_config

# An accounts row as SQLite returns it: booleans as integers, dates as text.
ROW = {
    "id": 4,
    "kind": "client",
    "name": "Ada",
    "time_zone": "UTC",
    "status": "active",
    "discoverable": 1,
    "messaging_enabled": 0,
    "event_seq": 9,
    "created_at": "2026-01-05 09:00:00+00:00",
    "updated_at": "2026-01-05 09:00:00+00:00",
}


async def test_a_fetched_row_becomes_a_model_with_its_values_converted(tmp_path: Path) -> None:
    app = Starlette()
    config = tortoise_config(f"sqlite://{tmp_path / 'parley.sqlite3'}")
    async with RegisterTortoise(app, config=config, generate_schemas=True):
        account = from_row(Account, ROW)
    assert account.kind is AccountKind.CLIENT
    assert account.discoverable is True
    assert account.messaging_enabled is False
    assert account.created_at.year == 2026
    assert account.pk == 4
