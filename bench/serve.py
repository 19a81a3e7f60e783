"""Serve Parley for a benchmark: the app `cli serve` runs, without per-request access logs.

Settings come from the environment exactly as for `cli serve` (DATABASE_URL,
PARLEY_JWT_SECRET, ...). The run driver starts this under `taskset -c 0`.

    python -m bench.serve --port 8765
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable, Hashable
from pathlib import Path
from typing import TypeVar

import uvicorn
from strawberry.asgi import GraphQL

from bench.memory_probe import install as install_probe
from parley.server import create_app
from parley.subscriptions.shared_loads import SharedLoads
from parley.web.settings import Settings
from parley.web.view import ParleyGraphQL

T = TypeVar("T")


async def _unshared(_: SharedLoads, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
    return await fetch()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    if os.environ.get("PARLEY_BENCH_STOCK_JSON") == "1":
        # The "stock" variant: strawberry's standard-library encoder, for comparison.
        ParleyGraphQL.encode_json = GraphQL.encode_json  # type: ignore[method-assign]
        ParleyGraphQL.decode_json = GraphQL.decode_json  # type: ignore[method-assign]
    if os.environ.get("PARLEY_BENCH_UNSHARED") == "1":
        # The "unshared" variant: every subscriber executes and reads for itself.
        SharedLoads.load = _unshared  # type: ignore[method-assign]
    if probe := os.environ.get("PARLEY_BENCH_PROBE"):
        install_probe(Path(probe))
    settings = Settings(demo=False, debug=False)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        backlog=16384,
        ws_max_size=settings.ws_max_message_bytes,
        ws_per_message_deflate=settings.ws_compression,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
