"""Background work that runs exactly once across processes.

Every process may schedule the same job (notification outbox, retention purge,
call-invite expiry); `Exclusive.run(job, work)` lets one of them do a given
round and tells the others to skip it:

- PostgreSQL: `pg_try_advisory_xact_lock` on the job's name, held by the
  transaction the work runs in, so a crash releases it and no row is needed;
- SQLite: one process by design (the embedded default), so an in-process lock;
  tortoise has one SQLite connection, so keep rounds short (writes wait).

`work` runs inside that transaction. To be exactly once per *item*, a job
marks each item done in the same transaction (`sent_at = now`,
`DELETE ... RETURNING`, `status = 'expired'`), and selects its batch with
`.select_for_update(skip_locked=True)` if it may ever run outside `run`.
A round that raises rolls back and the next round does the work again.

    exclusive = Exclusive()                     # one per process (server lifespan)
    async def expire_invites() -> int: ...      # returns what it did
    did = await exclusive.run("call-invite-expiry", expire_invites)
    if did is None: ...                         # another process has this round
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.transactions import in_transaction

T = TypeVar("T")


class Exclusive:
    def __init__(self) -> None:
        self._local: dict[str, asyncio.Lock] = {}

    async def run(self, job: str, work: Callable[[], Awaitable[T]]) -> T | None:
        """Run `work` if no other process (or task) is running `job`; None when skipped."""
        lock = self._local.setdefault(job, asyncio.Lock())
        if lock.locked():  # this process already runs it (SQLite: the only arbiter)
            return None
        async with lock, in_transaction() as connection:
            if connection.capabilities.dialect == "postgres":
                rows = await connection.execute_query_dict(
                    "SELECT pg_try_advisory_xact_lock(hashtext($1)) AS mine", [job]
                )
                if not rows[0]["mine"]:
                    return None
            return await work()
