"""CPU per feed page inside one process: the executor's floor, and the page with its reads.

Runs bench/feed.lua's document through `schema.execute` (the production schema,
extensions and all; no HTTP) N times and prints CPU milliseconds per page
(`time.process_time`, which counts every thread, aiosqlite's included), with the
server's garbage-collector tuning:

- `floor`: the feed resolver returns a page built once, and the sender and order
  loaders are primed before each execution, so nothing is read: what
  graphql-core and strawberry cost for this document with the data in memory;
- `graphql-core`: the same, through graphql-core's `execute` alone on the
  parsed document (no strawberry extensions, no parse/validate): the executor's
  own floor;
- `db`: the real resolvers on a copy of the benchmark dataset (SQLite).

    python -m bench.executor_floor --pages 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from graphql import execute, parse
from tortoise.context import TortoiseContext

import parley.resolvers.feed
from bench.dataset import SECRET, database_path, tokens_path
from parley.compat.strawberry import graphql_schema
from parley.models.store.clock import SystemClock
from parley.models.store.db import tune_connection
from parley.schema.build import build_schema
from parley.schema.context import Context
from parley.schema.execution.limits import QueryLimits
from parley.schema.feed import FeedConnection
from parley.server import _tune_gc
from parley.subscriptions.bus import EventBus
from parley.subscriptions.hub import Hub
from parley.web.auth import Caller, TokenVerifier, load_keys
from parley.web.services import Services
from parley.web.settings import Settings, tortoise_config

DOCUMENT = Path(__file__).with_name("feed.lua").read_text().split("[[", 1)[1].split("]]", 1)[0]


async def _timed(pages: int, run: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(min(200, pages)):  # warm caches
        await run()
    start = time.process_time()
    for _ in range(pages):
        await run()
    return 1000 * (time.process_time() - start) / pages


async def measure(pages: int, data: Path) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="parley-floor-"))
    database = work / "bench.sqlite3"
    shutil.copy(database_path(data, 200, 2000), database)
    settings = Settings(
        database_url=f"sqlite://{database}", jwt_secret=SECRET, demo=False, debug=False
    )
    dataset = json.loads(tokens_path(data, 200, 2000).read_text())
    conversation = dataset["conversations"][-1]
    caller = Caller(account_id=int(conversation["client"]))
    variables = {"id": str(conversation["id"])}
    bus = EventBus(settings.broadcast_url, settings.events_channel, Hub(10))
    services = Services(
        settings=settings,
        clock=SystemClock(),
        bus=bus,
        verifier=TokenVerifier(load_keys(settings), settings),
    )
    schema = build_schema(debug=False, limits=QueryLimits.from_settings(settings))
    results: dict[str, float] = {}
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(settings.database_url))
            await tune_connection(ctx)

            async def page() -> dict[str, Any]:
                result = await schema.execute(
                    DOCUMENT,
                    variable_values=variables,
                    context_value=Context(services=services, caller=caller),
                )
                assert not result.errors, result.errors
                assert result.data is not None
                return result.data

            expected = await page()
            _tune_gc()  # as the server does once it is serving (PARLEY_GC_TUNING)
            results["db"] = await _timed(pages, page)

            # Capture one page and the loaders' rows, then serve them from memory.
            captured: dict[str, Any] = {}
            real_feed = parley.resolvers.feed.feed

            async def capture(info: Any, *args: Any) -> FeedConnection:
                connection = await real_feed(info, *args)
                captured["page"] = connection
                captured["loaders"] = info.context.loaders
                return connection

            parley.resolvers.feed.feed = capture  # type: ignore[assignment]
            await page()
            # Every loader the page used (built on first use), with what it loaded.
            used: dict[str, dict[Any, Any]] = {}
            for name, loader in vars(captured["loaders"]).items():
                cache = loader.cache_map.cache_map
                used[name] = {key: await future for key, future in cache.items()}

            async def in_memory(info: Any, *args: Any) -> FeedConnection:
                for name, rows in used.items():
                    getattr(info.context.loaders, name).prime_many(rows)
                page: FeedConnection = captured["page"]
                return page

            parley.resolvers.feed.feed = in_memory  # type: ignore[assignment]
            try:
                assert await page() == expected
                results["floor"] = await _timed(pages, page)
                gql = graphql_schema(schema)
                parsed = parse(DOCUMENT)

                async def core() -> Any:
                    result = execute(
                        gql,
                        parsed,
                        variable_values=variables,
                        context_value=Context(services=services, caller=caller),
                    )
                    result = await result  # type: ignore[misc]
                    assert not result.errors, result.errors
                    return result

                results["graphql-core"] = await _timed(pages, core)
            finally:
                parley.resolvers.feed.feed = real_feed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {name: round(ms, 4) for name, ms in results.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    args = parser.parse_args(argv)
    results = asyncio.run(measure(args.pages, args.data))
    print("JSON " + json.dumps({"ms_per_page": results, "pages": args.pages}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
