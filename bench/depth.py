"""Keyset paging at depth: a page 1,000,000 items back vs the newest page, same conversation.

Builds (once, cached) a dataset of ONE conversation with `--items` feed items
(default 1,000,020) through `bench.dataset`, the same generator as the main
dataset: items written with the models' `bulk_create`, an order event every 10
items, both participants' event logs. Then, in one process on that database,
it times `models.feed_pages.read_page` exactly as the feed resolver calls it
(one of the participants asking, newest 20 items, kinds ALL, retention filter
on) for the newest page and for the page
whose newest item is `--depth` items back (`before=<cursor>`), alternating the
two so both see the same machine, and prints SQLite's query plan for each.

    python -m bench.depth --items 1000020 --depth 1000000 --rounds 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tortoise.context import TortoiseContext

from bench.dataset import SECRET, database_path
from bench.dataset import main as build_dataset
from parley.models.conversations import Participant
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.feed_pages import _statement, read_page
from parley.models.retention import visible_since
from parley.models.store.clock import SystemClock
from parley.web.settings import Settings, tortoise_config

PAGE = 20


async def _plan(
    ctx: TortoiseContext, conversation: int, viewer: int, since: datetime, before: int | None
) -> list[str]:
    """SQLite's plan for the statement `read_page` runs for this page."""
    sql = _statement("sqlite", None, True, False, before is not None)
    values: list[Any] = [conversation, viewer, conversation, str(FeedItemKind.MESSAGE), since]
    values += [] if before is None else [before]
    rows = await ctx.db().execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", [*values, PAGE + 1])
    return [str(row["detail"]) for row in rows]


async def measure(db: Path, depth: int, rounds: int) -> dict[str, Any]:
    settings = Settings(database_url=f"sqlite://{db}", jwt_secret=SECRET)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(settings.database_url))
        first = await FeedItem.all().first().values("conversation_id")
        conversation = int(first["conversation_id"])
        ids = FeedItem.filter(conversation_id=conversation).order_by("-id")
        total = await ids.count()
        # The newest item of the deep page: `depth` items behind the newest one.
        anchor = int((await ids.offset(depth - 1).first().values("id"))["id"])
        since = visible_since(SystemClock(), settings.retention)
        viewer = (await Participant.filter(conversation_id=conversation).first().values())[
            "account_id"
        ]

        async def page(before: int | None) -> float:
            started = time.perf_counter()
            read = await read_page(
                viewer, conversation, None, last=PAGE, before=before, visible_since=since
            )
            elapsed = time.perf_counter() - started
            assert len(read.items) == PAGE
            return elapsed * 1000

        for _ in range(50):  # warm the page cache and the ORM
            await page(None)
            await page(anchor + 1)
        newest: list[float] = []
        deep: list[float] = []
        for _ in range(rounds):
            newest.append(await page(None))
            deep.append(await page(anchor + 1))
        plans = {
            "newest": await _plan(ctx, conversation, viewer, since, None),
            "deep": await _plan(ctx, conversation, viewer, since, anchor + 1),
        }
    newest_ms, deep_ms = statistics.median(newest), statistics.median(deep)
    return {
        "items": total,
        "depth": depth,
        "rounds": rounds,
        "newest_median_ms": round(newest_ms, 3),
        "deep_median_ms": round(deep_ms, 3),
        "ratio": round(deep_ms / newest_ms, 3),
        "plans": plans,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_020)
    parser.add_argument("--depth", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    args = parser.parse_args(argv)
    build_dataset(["--conversations", "1", "--messages", str(args.items), "--out", str(args.data)])
    db = database_path(args.data, 1, args.items)
    started = datetime.now(UTC)
    result = asyncio.run(measure(db, args.depth, args.rounds))
    result["started"] = started.isoformat(timespec="seconds")
    print("JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
