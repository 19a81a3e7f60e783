"""Two real Parley processes on one PostgreSQL database and Redis behave as one service."""

from __future__ import annotations

import asyncio
import random

import asyncpg
import httpx

from parley.resolvers.cursors import event_cursor
from tests.ids import raw
from tests.services.api import INDICATORS, MARK_READ, MESSAGES, UNREAD, make_pair, post, send
from tests.services.processes import ParleyProcess
from tests.support import GraphQLWSClient
from tests.tokens import token

FROM_THE_START = event_cursor(0)
RECOUNT = """
SELECT p.account_id, p.conversation_id, p.unread_count, p.has_unread,
       (SELECT count(*) FROM feed_items f
         WHERE f.conversation_id = p.conversation_id AND f.kind = 'message'
           AND f.author_id <> p.account_id AND f.id > p.read_up_to) AS recount
  FROM participants p
"""


async def test_a_subscriber_on_a_receives_in_order_what_is_sent_through_b(
    cluster: list[ParleyProcess],
) -> None:
    a, b = cluster
    async with httpx.AsyncClient(timeout=10) as http:
        pair = await make_pair(http, b.http)
        ws = await GraphQLWSClient.open(a.ws, token(pair.freelancer))
        indicators = await GraphQLWSClient.open(a.ws, token(pair.freelancer))
        # From the start of the log, so no subscription can miss the first message;
        # once it has arrived the stream is live and every later one reaches A via Redis.
        await ws.subscribe("m", MESSAGES, {"after": FROM_THE_START})
        await indicators.subscribe("u", INDICATORS, {"after": FROM_THE_START})
        first = await send(http, b.http, pair, "hello 0")
        received = [(await ws.next_payload("m"))["messageReceived"]["message"]]
        sent = [first] + [await send(http, b.http, pair, f"hello {i}") for i in range(1, 15)]
        for _ in range(1, 15):
            received.append((await ws.next_payload("m"))["messageReceived"]["message"])
        assert [m["body"] for m in received] == [m["body"] for m in sent]
        assert [raw(m["id"]) for m in received] == sorted(raw(m["id"]) for m in received)

        # The indicator stream on A ends where both processes' queries say it is.
        totals = []
        while not totals or totals[-1] != 15:
            payload = await indicators.next_payload("u")
            totals.append(payload["unreadIndicators"]["summary"]["totalUnread"])
        assert totals == sorted(totals)
        for process in cluster:
            data = await post(http, process.http, UNREAD, {}, token(pair.freelancer))
            assert data["unreadSummary"] == {"conversationsWithUnread": 1, "totalUnread": 15}
        await ws.close()
        await indicators.close()


async def test_unread_counters_equal_a_recount_after_a_storm_across_processes(
    cluster: list[ParleyProcess], postgres_url: str
) -> None:
    rng = random.Random(6)
    async with httpx.AsyncClient(timeout=30) as http:
        pairs = [await make_pair(http, cluster[0].http, f"P{i}") for i in range(3)]

        async def worker(n: int) -> None:
            for step in range(12):
                process = cluster[(n + step) % 2]
                pair = rng.choice(pairs)
                if rng.random() < 0.7:
                    await send(http, process.http, pair, f"storm {n}.{step}")
                else:
                    await post(
                        http,
                        process.http,
                        MARK_READ,
                        {"id": pair.conversation},
                        token(pair.freelancer),
                    )

        await asyncio.gather(*(worker(n) for n in range(6)))

        connection = await asyncpg.connect(postgres_url.split("?")[0])
        try:
            rows = await connection.fetch(RECOUNT)
        finally:
            await connection.close()
        assert rows
        for row in rows:
            assert row["unread_count"] == row["recount"], dict(row)
            assert row["has_unread"] == (row["recount"] > 0), dict(row)
        for pair in pairs:
            answers = [
                await post(http, process.http, UNREAD, {}, token(pair.freelancer))
                for process in cluster
            ]
            assert answers[0] == answers[1]
