"""Building a model from a fetched row: tortoise's internal `_init_from_db` against `Model(**row)`.

The send path builds several models per message from the rows its transaction
script fetched (parley.compat.tortoise.from_row). This times both ways on a
`FeedItem` message row as SQLite returns it (booleans as integers, dates as
text), in one process, best of five rounds:

    python -m bench.row_construction --rows 100000
"""

from __future__ import annotations

import argparse
import asyncio
import timeit
from typing import Any

from tortoise.context import TortoiseContext

from parley.compat.tortoise import from_row
from parley.models.feed import FeedItem
from parley.web.settings import MODEL_MODULES

ROW: dict[str, Any] = {
    "id": 123,
    "conversation_id": 7,
    "kind": "message",
    "author_id": 3,
    "order_id": None,
    "campaign_id": None,
    "body": "Hello there, about the order",
    "event": None,
    "order_status": None,
    "previous_status": None,
    "call_invite_id": None,
    "call_event": None,
    "subject_id": None,
    "subject_status": None,
    "audience_id": None,
    "idempotency_key": "k-1",
    "read_at": None,
    "created_at": "2026-01-05 09:00:00+00:00",
}


async def main(rows: int) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(db_url="sqlite://:memory:", modules={"models": MODEL_MODULES})
        internal, public = from_row(FeedItem, ROW), FeedItem(**ROW)
        assert (internal.kind, internal.created_at) == (public.kind, public.created_at)
        for name, build in (
            ("from_row (_init_from_db)", lambda: from_row(FeedItem, ROW)),
            ("FeedItem(**row)", lambda: FeedItem(**ROW)),
        ):
            best = min(timeit.repeat(build, number=rows, repeat=5))
            print(f"{name:26s} {best / rows * 1e6:6.2f} µs per row")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().rows))
