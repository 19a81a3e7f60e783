"""What one idle subscribed connection holds: tracemalloc and gc diffs across N connections.

Starts a bench server (core 0) with bench.memory_probe installed, probes it,
opens N graphql-transport-ws connections each with one `messageReceived`
subscription (as bench.ws_idle does), probes again, and prints per connection:
RSS, traced bytes, gc-tracked objects, the allocation sites and the object
types that grew. `--collect` also probes after a full collection, which
separates collectable garbage from what the connections really hold.

    python -m bench.ws_memory --connections 2000 --frames 8 --env PARLEY_GC_TUNING=false
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.dataset import SECRET, TOKEN_LIFETIME, database_path, tokens_path
from bench.run import PORT, _pinned, _wait_healthy
from bench.ws_idle import MESSAGE_RECEIVED
from bench.ws_latency import open_subscriber, raise_fd_limit


async def _probe(pid: int, directory: Path, n: int) -> dict[str, Any]:
    os.kill(pid, signal.SIGUSR1)
    done = directory / f"{n}.done"
    deadline = time.monotonic() + 120
    while not done.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the probe did not answer")
        await asyncio.sleep(0.2)
    report: dict[str, Any] = json.loads((directory / f"{n}.json").read_text())
    return report


def _sites(directory: Path, before: str, after: str, n: int, top: int) -> list[str]:
    old = tracemalloc.Snapshot.load(str(directory / f"{before}.snapshot"))
    new = tracemalloc.Snapshot.load(str(directory / f"{after}.snapshot"))
    lines = []
    for stat in new.compare_to(old, "traceback")[:top]:
        frames = [f"{f.filename.split('site-packages/')[-1]}:{f.lineno}" for f in stat.traceback]
        lines.append(
            f"{stat.size_diff / n:8.0f} B/conn {stat.count_diff / n:6.1f} blocks/conn  "
            + " <- ".join(frames[-4:][::-1])
        )
    return lines


def _types(before: dict[str, Any], after: dict[str, Any], n: int, top: int) -> list[str]:
    grown = {
        name: count - before["types"].get(name, 0)
        for name, count in after["types"].items()
        if count - before["types"].get(name, 0) > 0
    }
    ordered = sorted(grown.items(), key=lambda kv: -kv[1])[:top]
    return [f"{count / n:6.2f}/conn  {name}" for name, count in ordered]


async def _connections(
    args: argparse.Namespace, dataset: dict[str, Any], pid: int, directory: Path
) -> dict[str, Any]:
    raise_fd_limit()
    accounts = [a for c in dataset["conversations"] for a in (c["client"], c["freelancer"])]
    url = f"ws://127.0.0.1:{PORT}/graphql"
    await asyncio.sleep(2)
    first = await _probe(pid, directory, 1)
    gate = asyncio.Semaphore(100)

    async def opened(account: int) -> Any:
        async with gate:
            token = dataset["tokens"][str(account)]
            return await open_subscriber(url, token, 0, MESSAGE_RECEIVED, feed=False)

    plan = [accounts[i % len(accounts)] for i in range(args.connections)]
    subscribers = await asyncio.gather(*(opened(a) for a in plan))
    await asyncio.sleep(args.settle)
    second = await _probe(pid, directory, 2)
    await asyncio.gather(*(s.connection.close() for s in subscribers), return_exceptions=True)
    return {"before": first, "after": second}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--frames", type=int, default=0, help="tracemalloc frames (0: off)")
    parser.add_argument("--collect", action="store_true", help="also probe after gc.collect()")
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the server")
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    args = parser.parse_args(argv)
    args.tokens = str(tokens_path(args.data, 200, 2000))
    work = Path(tempfile.mkdtemp(prefix="parley-memory-"))
    database = work / "run.sqlite3"
    database.write_bytes(database_path(args.data, 200, 2000).read_bytes())
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{database}",
        "BROADCAST_URL": "memory://",
        "PARLEY_JWT_SECRET": SECRET,
        "PARLEY_JWT_MAX_LIFETIME_SECONDS": TOKEN_LIFETIME,
        "PARLEY_RATE_LIMIT_WS_CONNECTIONS": "1000000/minute",
        "PARLEY_RATE_LIMIT_SUBSCRIPTIONS": "1000000/minute",
        "PARLEY_BENCH_PROBE": str(work / "probe"),
        "PARLEY_BENCH_PROBE_COLLECT": "1" if args.collect else "0",
        **dict(item.split("=", 1) for item in args.env),
    }
    if args.frames:
        env["PYTHONTRACEMALLOC"] = str(args.frames)
    server = subprocess.Popen(
        _pinned(0, sys.executable, "-m", "bench.serve", "--port", str(PORT)), env=env
    )
    try:
        _wait_healthy(server)
        dataset = json.loads(Path(args.tokens).read_text())
        probes = asyncio.run(_connections(args, dataset, server.pid, work / "probe"))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    n = args.connections
    before, after = probes["before"], probes["after"]
    result = {
        "connections": n,
        "env": args.env,
        "rss_kib_per_conn": round((after["rss_kib"] - before["rss_kib"]) / n, 1),
        "tracked_per_conn": round((after["tracked"] - before["tracked"]) / n, 1),
        "gc_count_after": after["gc_count"],
    }
    if args.frames:
        result["traced_kib_per_conn"] = round((after["traced_kib"] - before["traced_kib"]) / n, 1)
    if args.collect:
        collected = json.loads((work / "probe" / "2c.json").read_text())
        result["tracked_per_conn_after_collect"] = round(
            (collected["tracked"] - before["tracked"]) / n, 1
        )
        result["rss_kib_per_conn_after_collect"] = round(
            (collected["rss_kib"] - before["rss_kib"]) / n, 1
        )
    print("types grown per connection:")
    print("\n".join(_types(before, after, n, args.top)))
    if args.frames:
        print("allocation sites grown per connection:")
        print("\n".join(_sites(work / "probe", "1", "2", n, args.top)))
    print("JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
