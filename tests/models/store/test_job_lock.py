"""A background job round runs in one place at a time, on SQLite and across PostgreSQL connections."""

from __future__ import annotations

import asyncio

from tortoise.context import TortoiseContext

from parley.models.accounts import Account
from parley.models.store.job_lock import Exclusive
from tests.support import WAIT


async def test_a_second_runner_skips_the_round_while_the_first_holds_it(
    db: TortoiseContext, client: Account
) -> None:
    # Two Exclusive objects stand for two processes: only the database can arbitrate
    # on PostgreSQL (each round runs on its own pooled connection).
    first, second = Exclusive(), Exclusive()
    sqlite = db.db().capabilities.dialect == "sqlite"
    if sqlite:
        second = first  # one process by design: the in-process lock arbitrates
    inside = asyncio.Event()
    release = asyncio.Event()

    async def slow_round() -> str:
        inside.set()
        await release.wait()
        return "done"

    async def quick_round() -> str:
        return "also done"

    holder = asyncio.create_task(first.run("purge", slow_round))
    await asyncio.wait_for(inside.wait(), WAIT)
    assert await second.run("purge", quick_round) is None
    if not sqlite:  # SQLite has one connection: another job's round waits for this one
        assert await second.run("other-job", quick_round) == "also done"
    release.set()
    assert await asyncio.wait_for(holder, WAIT) == "done"
    assert await second.run("purge", quick_round) == "also done"  # released at commit
