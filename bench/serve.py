"""Serve Parley for a benchmark: the app `cli serve` runs, without per-request access logs.

Settings come from the environment exactly as for `cli serve` (DATABASE_URL,
PARLEY_JWT_SECRET, ...). The run driver starts this under `taskset -c 0`.

    python -m bench.serve --port 8765
"""

from __future__ import annotations

import argparse
import os

import uvicorn
from strawberry.asgi import GraphQL

from server import ParleyGraphQL, create_app
from settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    if os.environ.get("PARLEY_BENCH_STOCK_JSON") == "1":
        # The "stock" variant: strawberry's standard-library encoder, for comparison.
        ParleyGraphQL.encode_json = GraphQL.encode_json  # type: ignore[method-assign]
        ParleyGraphQL.decode_json = GraphQL.decode_json  # type: ignore[method-assign]
    settings = Settings(demo=False, debug=False)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        backlog=16384,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
