"""Migrations are the only way the schema changes: they must match the models."""

from __future__ import annotations

from pathlib import Path

from tortoise.migrations.autodetector import MigrationAutodetector

from settings import tortoise_config


async def test_the_models_have_no_changes_missing_from_the_migrations(tmp_path: Path) -> None:
    from tortoise.context import TortoiseContext

    config = tortoise_config(f"sqlite://{tmp_path / 'empty.sqlite3'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        pending = await detector.changes()
    assert not pending, "models changed without a migration: run `make makemigrations`"
