"""Delivery latency: sendMessage over HTTP → the feedUpdates frame at every subscriber.

Subscribers speak graphql-transport-ws over real WebSockets. The sender posts
`sendMessage` at a fixed rate (open loop: a slow server does not slow the
sender down) and timestamps each send; each subscriber timestamps each frame
it receives. Latency is receipt minus send start (so it includes the commit
and the mutation's own time: a conservative figure); `ack` is the mutation's
round trip. A frame a subscriber never gets within the drain time is lost.

`commit_*` is the issue's own definition, "commit of sendMessage -> every
subscriber has the frame": receipt (wall clock) minus the message's stored
`createdAt`. Server and client read the same clock on one machine. createdAt
has microsecond precision (`datetime.now(UTC)`, stored and returned with its
microseconds) and is read by `send_message` just before its transaction opens,
so this figure over-states commit -> frame by the transaction's own time
(including any wait for SQLite's single writer); it under-states nothing.
With `--server-pid`, the server's CPU time (utime+stime from /proc) over the
timed phase is divided by the frames delivered and by the messages sent.

    room:  one conversation, N subscribers (half as each participant), R msg/s
    pairs: C conversations, both participants subscribed, R msg/s spread over them

    python -m bench.ws_latency --scenario room --subscribers 200 --rate 20 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

FEED_UPDATES = (
    "subscription Live($id: ID!) { feedUpdates(conversationId: $id) "
    "{ cursor kind item { __typename ... on Message { id body createdAt sender { name } } } } }"
)
SEND = (
    "mutation Send($input: SendMessageInput!) { sendMessage(input: $input) "
    "{ __typename ... on Message { id } ... on Error { code message } } }"
)
WARMUP = -1  # message number of the per-conversation warm-up message


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Subscriber:
    conversation: str
    connection: ClientConnection
    received: dict[int, float] = field(default_factory=dict)
    # Message number -> seconds from its stored createdAt to receipt (wall clock).
    since_commit: dict[int, float] = field(default_factory=dict)
    warm: asyncio.Event = field(default_factory=asyncio.Event)
    errors: int = 0


async def open_subscriber(
    url: str, token: str, conversation: str, query: str = FEED_UPDATES, *, feed: bool = True
) -> Subscriber:
    connection = await connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )
    await connection.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    ack = orjson.loads(await connection.recv())
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"no connection_ack: {ack}")
    await connection.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": query,
                    "variables": {"id": str(conversation)} if feed else {},
                },
            }
        )
    )
    return Subscriber(conversation, connection)


async def receive(subscriber: Subscriber) -> None:
    """Record the arrival of every message frame, by the number in its body."""
    async for raw in subscriber.connection:
        now = time.perf_counter()
        wall = time.time()
        frame = orjson.loads(raw)
        if frame.get("type") == "ping":
            await subscriber.connection.send('{"type":"pong"}')
            continue
        payload = frame.get("payload") or {}
        if frame.get("type") != "next" or payload.get("errors"):
            subscriber.errors += 1
            continue
        item = payload["data"]["feedUpdates"]["item"]
        body = (item or {}).get("body") or ""
        if not body.startswith("bench "):
            continue
        number = int(body.split()[1])
        if number == WARMUP:
            subscriber.warm.set()
        else:
            subscriber.received[number] = now
            created = datetime.fromisoformat(item["createdAt"]).timestamp()
            subscriber.since_commit[number] = wall - created


@dataclass
class Sent:
    conversation: str
    started: float
    acked: float | None = None
    ok: bool = False


async def send(
    client: httpx.AsyncClient, token: str, conversation: str, number: int, sent: Sent | None
) -> None:
    response = await client.post(
        "/graphql",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "query": SEND,
            "variables": {
                "input": {"conversationId": str(conversation), "body": f"bench {number}"}
            },
        },
    )
    if sent is not None:
        sent.acked = time.perf_counter()
        data = response.json().get("data") or {}
        sent.ok = (data.get("sendMessage") or {}).get("__typename") == "Message"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    raise_fd_limit()
    dataset = args.dataset
    tokens: dict[str, str] = dataset["tokens"]
    if args.scenario == "room":
        conversations = dataset["conversations"][:1]
        per_conversation = args.subscribers
    else:
        conversations = dataset["conversations"][: args.conversations]
        per_conversation = 2
    plans: list[tuple[str, str]] = []
    for conversation in conversations:
        sides = itertools.cycle((conversation["client"], conversation["freelancer"]))
        for _ in range(per_conversation):
            plans.append((tokens[str(next(sides))], conversation["id"]))
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def opened(token: str, conversation: str) -> Subscriber:
        async with gate:
            return await open_subscriber(args.url, token, conversation)

    subscribers = await asyncio.gather(*(opened(t, c) for t, c in plans))
    receivers = [asyncio.create_task(receive(s)) for s in subscribers]
    http_base = args.url.replace("ws://", "http://").rsplit("/graphql", 1)[0]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=http_base, limits=limits, timeout=30) as client:
        # Warm up: one message per conversation until every subscriber has seen one.
        senders = {c["id"]: itertools.cycle((c["client"], c["freelancer"])) for c in conversations}
        deadline = time.perf_counter() + 30
        while not all(s.warm.is_set() for s in subscribers) and time.perf_counter() < deadline:
            await asyncio.gather(
                *(
                    send(client, tokens[str(next(senders[c["id"]]))], c["id"], WARMUP, None)
                    for c in conversations
                )
            )
            await asyncio.sleep(0.5)
        cold = sum(1 for s in subscribers if not s.warm.is_set())
        cpu_before = server_cpu_seconds(args.server_pid)
        total = int(args.rate * args.duration)
        sent: dict[int, Sent] = {}
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter()
        for number in range(total):
            delay = start + number / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            conversation = conversations[number % len(conversations)]["id"]
            token = tokens[str(next(senders[conversation]))]
            sent[number] = Sent(conversation, time.perf_counter())
            tasks.append(
                asyncio.create_task(send(client, token, conversation, number, sent[number]))
            )
        await asyncio.gather(*tasks)
        send_seconds = time.perf_counter() - start
    expected = {
        c["id"]: [n for n, s in sent.items() if s.conversation == c["id"]] for c in conversations
    }
    drain_until = time.perf_counter() + args.drain
    while time.perf_counter() < drain_until:
        if all(len(s.received) >= len(expected[s.conversation]) for s in subscribers):
            break
        await asyncio.sleep(0.05)
    cpu_after = server_cpu_seconds(args.server_pid)
    latencies: list[float] = []
    since_commit: list[float] = []
    lost = 0
    for subscriber in subscribers:
        for number in expected[subscriber.conversation]:
            arrived = subscriber.received.get(number)
            if arrived is None:
                lost += 1
            else:
                latencies.append((arrived - sent[number].started) * 1000)
                since_commit.append(subscriber.since_commit[number] * 1000)
    acks = [(s.acked - s.started) * 1000 for s in sent.values() if s.acked is not None]
    for task in receivers:
        task.cancel()
    await asyncio.gather(*(s.connection.close() for s in subscribers), return_exceptions=True)
    cpu = {}
    if cpu_before is not None and cpu_after is not None:
        used = cpu_after - cpu_before
        cpu = {
            "server_cpu_s": round(used, 3),
            "server_cpu_us_per_frame": round(used / max(1, len(latencies)) * 1e6, 1),
            "server_cpu_ms_per_message": round(used / max(1, total) * 1e3, 3),
        }
    return {
        "scenario": args.scenario,
        "subscribers": len(subscribers),
        "conversations": len(conversations),
        "rate": args.rate,
        "achieved_rate": round(total / send_seconds, 1),
        "messages": total,
        "failed_sends": sum(1 for s in sent.values() if not s.ok),
        "deliveries": len(latencies),
        "lost": lost,
        "cold_subscribers": cold,
        "frame_errors": sum(s.errors for s in subscribers),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies, default=float("nan")), 2),
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "ack_p50_ms": round(percentile(acks, 0.50), 2),
        "ack_p99_ms": round(percentile(acks, 0.99), 2),
        "commit_p50_ms": round(percentile(since_commit, 0.50), 2),
        "commit_p99_ms": round(percentile(since_commit, 0.99), 2),
        "commit_max_ms": round(max(since_commit, default=float("nan")), 2),
        **cpu,
    }


def server_cpu_seconds(pid: int | None) -> float | None:
    """utime + stime of `pid` in seconds (None without a pid)."""
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8765/graphql")
    parser.add_argument("--tokens", default="bench/data/tokens-200x2000.json")
    parser.add_argument("--scenario", choices=["room", "pairs"], default="room")
    parser.add_argument("--subscribers", type=int, default=200, help="room: subscribers")
    parser.add_argument("--conversations", type=int, default=100, help="pairs: conversations")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for stragglers")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--server-pid", type=int, help="report the server's CPU per frame")
    args = parser.parse_args(argv)
    args.dataset = json.loads(Path(args.tokens).read_text())
    result = asyncio.run(run(args))
    print("JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
