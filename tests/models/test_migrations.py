"""Migrations are the only way the schema changes: they must match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.migrations.autodetector import MigrationAutodetector

from parley.models.accounts import Account
from parley.models.events import Event
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.store.clock import ManualClock
from parley.web.settings import tortoise_config


async def test_the_models_have_no_changes_missing_from_the_migrations(tmp_path: Path) -> None:
    from tortoise.context import TortoiseContext

    config = tortoise_config(f"sqlite://{tmp_path / 'empty.sqlite3'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        pending = await detector.changes()
    assert not pending, "models changed without a migration: run `make makemigrations`"


async def test_the_migrated_database_enforces_idempotency_and_cursor_uniqueness(
    clock: ManualClock, client: Account, conversation_with_order: int
) -> None:
    """Migrations must keep the uniques that delivery relies on (a table rebuild can drop them)."""
    item = {"conversation_id": conversation_with_order, "kind": FeedItemKind.MESSAGE, "body": "x"}
    await FeedItem.create(**item, author_id=client.id, idempotency_key="k", created_at=clock.now())
    with pytest.raises(IntegrityError):
        await FeedItem.create(
            **item, author_id=client.id, idempotency_key="k", created_at=clock.now()
        )
    first = await Event.filter(account_id=client.id).first()
    assert first is not None
    with pytest.raises(IntegrityError):
        await Event.create(
            account_id=client.id,
            seq=first.seq,
            kind=first.kind,
            conversation_id=first.conversation_id,
            created_at=clock.now(),
        )
