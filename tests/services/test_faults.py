"""Faults: Redis hanging and restarting, a server killed mid-load.

(A subscriber that stops reading: tests/wire/test_graphql_ws_client.py, with the real
graphql-ws client.)

The invariants every test checks: what was acknowledged is stored exactly once;
live events plus replay after the last cursor are all the events, with no
duplicates; message ids (the conversation's order) strictly increase.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from parley.resolvers.cursors import event_cursor
from parley.subscriptions.connections import BUS_UNAVAILABLE
from tests.ids import raw
from tests.scrape import scrape
from tests.services.api import MESSAGES, Pair, make_pair, send
from tests.services.processes import ParleyProcess, RedisServer, make_processes
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

FROM_THE_START = event_cursor(0)


class Collector:
    """A messageReceived subscriber that keeps every message and its last cursor."""

    def __init__(self, token_: str) -> None:
        self.token = token_
        self.cursor = FROM_THE_START
        self.ids: list[int] = []  # the messages' rows, to compare with the table
        self.close_code: int | None = None

    async def follow(
        self, url: str, until: int | None = None, timeout: float | None = WAIT
    ) -> None:
        """Subscribe after the last cursor; read until `until` messages, or the socket closes.

        `timeout` bounds the wait for each message; None for a follower that runs until it is
        cancelled or its socket closes (a loaded machine may leave gaps of any length)."""
        ws = await GraphQLWSClient.open(url, self.token)
        await ws.subscribe("m", MESSAGES, {"after": self.cursor})
        try:
            while until is None or len(self.ids) < until:
                payload = (await ws.next_payload("m", timeout))["messageReceived"]
                self.ids.append(raw(payload["message"]["id"]))
                self.cursor = payload["cursor"]
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd is not None else None
        finally:
            await ws.close()


def assert_exactly_once_in_order(received: list[int], stored: list[int]) -> None:
    assert len(received) == len(set(received)), "a message was delivered twice"
    assert received == sorted(received), "messages arrived out of order"
    assert received == stored, "live + replay must be exactly the stored messages"


async def stored_messages(database_url: str) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(database_url.split("?")[0])
    try:
        rows = await connection.fetch(
            "SELECT id, idempotency_key FROM feed_items WHERE kind = 'message' ORDER BY id"
        )
    finally:
        await connection.close()
    return [dict(row) for row in rows]


@pytest.fixture
async def private_cluster(
    postgres_url: str, private_redis: RedisServer, channel: str, tmp_path: Path
) -> AsyncIterator[list[ParleyProcess]]:
    processes = make_processes(2, postgres_url, private_redis.url, channel, tmp_path)
    try:
        await asyncio.gather(*(process.start() for process in processes))
        yield processes
    finally:
        for process in processes:
            process.close()


async def test_redis_hanging_then_restarting_closes_subscribers_with_1013_and_loses_nothing(
    private_cluster: list[ParleyProcess], private_redis: RedisServer, postgres_url: str
) -> None:
    a, b = private_cluster
    async with httpx.AsyncClient(timeout=15) as http:
        pair = await make_pair(http, b.http)
        collector = Collector(token(pair.freelancer))
        await send(http, b.http, pair, "before")
        following = asyncio.create_task(collector.follow(a.ws, timeout=30))

        # Redis stops answering without closing sockets (a hang, not a crash):
        # only the PING liveness check can notice it.
        assert private_redis.process is not None
        private_redis.process.send_signal(signal.SIGSTOP)
        await asyncio.wait_for(following, 15)  # noticed within seconds: the socket is closed
        assert collector.close_code == BUS_UNAVAILABLE
        assert (await http.get(f"{a.base}/health")).status_code == 503
        assert (await http.get(f"{a.base}/health/live")).status_code == 200  # do not restart it
        outages = (await scrape(a.base)).value("parley_redis_errors_total", component="bus_outage")
        assert outages >= 1

        # Sends still succeed: the log has them; publishing is best effort.
        during = [await send(http, b.http, pair, f"during {i}") for i in range(3)]
        assert all(message["__typename"] == "Message" for message in during)

        private_redis.kill()  # SIGKILL works on a stopped process
        await private_redis.start()
        await asyncio.gather(a.wait_healthy(), b.wait_healthy())

        resumed = asyncio.create_task(collector.follow(a.ws, until=5))
        await send(http, b.http, pair, "after")  # live through the recovered Redis, or replayed
        await asyncio.wait_for(resumed, WAIT * 2)
    stored = [row["id"] for row in await stored_messages(postgres_url)]
    assert_exactly_once_in_order(collector.ids, stored)


async def test_a_server_killed_mid_load_keeps_every_acknowledged_send_exactly_once(
    cluster: list[ParleyProcess], postgres_url: str
) -> None:
    a, b = cluster
    acknowledged: list[str] = []
    unacknowledged: list[str] = []
    enough = asyncio.Event()
    async with httpx.AsyncClient(timeout=15) as http:
        pair = await make_pair(http, b.http)
        watcher = Collector(token(pair.freelancer))
        dropped = Collector(token(pair.freelancer))
        watching = asyncio.create_task(watcher.follow(b.ws, until=10_000, timeout=None))
        on_the_victim = asyncio.create_task(dropped.follow(a.ws, until=10_000, timeout=None))

        async def sender(n: int, target: Pair) -> None:
            for i in range(1000):
                key = f"load-{n}-{i}"
                try:
                    await send(http, a.http, target, f"load {n}.{i}", key)
                except httpx.TransportError:
                    unacknowledged.append(key)
                    return
                acknowledged.append(key)
                if len(acknowledged) >= 30:
                    enough.set()

        senders = [asyncio.create_task(sender(n, pair)) for n in range(4)]
        await asyncio.wait_for(enough.wait(), 60)
        a.kill()
        await asyncio.wait_for(asyncio.gather(*senders), 30)
        await asyncio.wait_for(on_the_victim, 30)  # the socket dropped with the process

        a.spawn()  # the same listening socket: clients that retry reach the new process
        await a.wait_healthy()
        for key in unacknowledged:  # a client retries what it never heard back about
            n, i = key.removeprefix("load-").split("-")
            await send(http, a.http, pair, f"load {n}.{i}", key)
            await send(http, b.http, pair, f"load {n}.{i}", key)  # and once more elsewhere

        rows = await stored_messages(postgres_url)
        keys = [row["idempotency_key"] for row in rows]
        assert len(keys) == len(set(keys)), "a key was stored twice"
        assert set(acknowledged) <= set(keys), "an acknowledged send was lost"
        assert set(keys) == set(acknowledged) | set(unacknowledged)

        stored = [row["id"] for row in rows]
        await dropped.follow(b.ws, until=len(stored))  # reconnect elsewhere with its cursor
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        await watcher.follow(b.ws, until=len(stored))
    assert_exactly_once_in_order(dropped.ids, stored)
    assert_exactly_once_in_order(watcher.ids, stored)
