"""The VAPID key pair is one for all processes: created once in the database, race-safely."""

from __future__ import annotations

import asyncio
from pathlib import Path

from py_vapid import Vapid
from tortoise.context import TortoiseContext

from parley.models.server_keys import ServerKey
from parley.models.store.clock import ManualClock
from parley.subscriptions.push import KEY_FILE, PushChannel, shared_vapid


def public_key(vapid: object) -> str:
    return PushChannel(vapid, "mailto:test@example.test").public_key


async def test_processes_starting_together_share_one_key_pair(
    db: TortoiseContext, clock: ManualClock, tmp_path: Path
) -> None:
    # Separate data directories stand for separate machines.
    pairs = await asyncio.gather(*(shared_vapid(clock, tmp_path / str(i)) for i in range(4)))
    assert len({public_key(pair) for pair in pairs}) == 1
    assert await ServerKey.all().count() == 1
    later = await shared_vapid(clock, tmp_path / "restarted")
    assert public_key(later) == public_key(pairs[0])


async def test_a_key_an_older_version_kept_in_the_data_dir_is_adopted(
    db: TortoiseContext, clock: ManualClock, tmp_path: Path
) -> None:
    old = Vapid()
    old.generate_keys()
    old.save_key(str(tmp_path / KEY_FILE))
    assert public_key(await shared_vapid(clock, tmp_path)) == public_key(old)
