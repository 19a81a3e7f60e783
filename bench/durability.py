"""Acknowledged sends per second on SQLite, `PRAGMA synchronous` FULL against NORMAL.

The send path the API uses (`models.messaging.send_message`, group commit on), in one
process on a fresh database file per round: `--conversations` conversations send at
once, each its two participants taking turns, `--sends` sends in all. Rounds of the two
modes alternate, so a noisy neighbour on a shared machine touches both alike.

    python -m bench.durability --sends 3000 --conversations 32 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tortoise.context import TortoiseContext

from parley.models.accounts import AccountKind, create_account
from parley.models.messaging import send_message
from parley.models.orders import create_order
from parley.models.store.clock import SystemClock
from parley.models.store.db import SqliteSynchronous, apply_migrations, tune_connection
from parley.web.settings import tortoise_config

MODES: tuple[SqliteSynchronous, ...] = ("FULL", "NORMAL")


async def _round(path: Path, mode: SqliteSynchronous, sends: int, conversations: int) -> float:
    config = tortoise_config(f"sqlite://{path}")
    await apply_migrations(config)
    clock = SystemClock()
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await tune_connection(ctx, mode)
        pairs = []
        for i in range(conversations):
            client = await create_account(clock, kind=AccountKind.CLIENT, name=f"client {i}")
            freelancer = await create_account(
                clock, kind=AccountKind.FREELANCER, name=f"freelancer {i}"
            )
            order = await create_order(
                clock, client_id=client.id, freelancer_id=freelancer.id, title=f"order {i}"
            )
            pairs.append((client.id, freelancer.id, order.order.conversation_id))

        async def talk(client_id: int, freelancer_id: int, conversation_id: int, n: int) -> None:
            for turn in range(n):
                sender = client_id if turn % 2 == 0 else freelancer_id
                await send_message(
                    clock, sender, conversation_id=conversation_id, body=f"message {turn}"
                )

        each = sends // conversations
        started = time.perf_counter()
        await asyncio.gather(*(talk(*pair, each) for pair in pairs))
        return each * conversations / (time.perf_counter() - started)


async def main(sends: int, conversations: int, rounds: int) -> None:
    results: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for mode in MODES:
                path = Path(tmp) / f"{mode}-{r}.sqlite3"
                results[mode].append(await _round(path, mode, sends, conversations))
    for mode, rates in results.items():
        rounds_text = ", ".join(f"{rate:.0f}" for rate in rates)
        print(f"synchronous={mode}: median {statistics.median(rates):.0f} sends/s ({rounds_text})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=3000)
    parser.add_argument("--conversations", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.sends, args.conversations, args.rounds))
