"""Memory per idle subscribed connection, then proof that every connection still receives.

Opens N graphql-transport-ws connections, each with one `messageReceived`
subscription (accounts taken in turn from the dataset), reads the server's
resident memory (VmRSS of --pid) before and after, and reports the delta / N.
Then it sends one message in every conversation and counts the connections
that got their frame.

    python -m bench.ws_idle --pid 1234 --connections 10000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.ws_latency import SEND, Subscriber, open_subscriber, raise_fd_limit

MESSAGE_RECEIVED = "subscription Idle { messageReceived { cursor message { id body } } }"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def _settled_rss(pid: int, seconds: float = 2.0) -> int:
    await asyncio.sleep(seconds)
    return rss_kib(pid)


async def _count_frames(subscriber: Subscriber, got: list[int], index: int) -> None:
    async for raw in subscriber.connection:
        frame = orjson.loads(raw)
        if frame.get("type") == "next" and not frame["payload"].get("errors"):
            got[index] += 1


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limit = raise_fd_limit()
    wanted = args.connections
    connections = min(wanted, max(0, limit - 200))
    dataset = args.dataset
    conversations = dataset["conversations"]
    accounts = [a for c in conversations for a in (c["client"], c["freelancer"])]
    tokens: dict[str, str] = dataset["tokens"]
    before = await _settled_rss(args.pid, 1.0)
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def opened(account: int) -> Subscriber:
        async with gate:
            return await open_subscriber(
                args.url, tokens[str(account)], 0, MESSAGE_RECEIVED, feed=False
            )

    started = time.perf_counter()
    plan = list(itertools.islice(itertools.cycle(accounts), connections))
    subscribers = await asyncio.gather(*(opened(a) for a in plan))
    connect_seconds = time.perf_counter() - started
    got = [0] * len(subscribers)
    readers = [asyncio.create_task(_count_frames(s, got, i)) for i, s in enumerate(subscribers)]
    after = await _settled_rss(args.pid, args.settle)
    http_base = args.url.replace("ws://", "http://").rsplit("/graphql", 1)[0]
    async with httpx.AsyncClient(base_url=http_base, timeout=60) as client:
        for conversation in conversations:
            await client.post(
                "/graphql",
                headers={"Authorization": f"Bearer {tokens[str(conversation['client'])]}"},
                json={
                    "query": SEND,
                    "variables": {
                        "input": {"conversationId": str(conversation["id"]), "body": "bench idle"}
                    },
                },
            )
    deadline = time.perf_counter() + args.drain
    while time.perf_counter() < deadline and not all(got):  # noqa: ASYNC110 (a deadline poll)
        await asyncio.sleep(0.1)
    receiving = sum(1 for count in got if count > 0)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(s.connection.close() for s in subscribers), return_exceptions=True)
    return {
        "connections": len(subscribers),
        "asked": wanted,
        "fd_limit": limit,
        "connect_seconds": round(connect_seconds, 1),
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "kib_per_connection": round((after - before) / max(1, len(subscribers)), 1),
        "receiving": receiving,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True, help="the server process")
    parser.add_argument("--url", default="ws://127.0.0.1:8765/graphql")
    parser.add_argument("--tokens", default="bench/data/tokens-200x2000.json")
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--drain", type=float, default=30.0)
    args = parser.parse_args(argv)
    args.dataset = json.loads(Path(args.tokens).read_text())
    print("JSON " + json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
