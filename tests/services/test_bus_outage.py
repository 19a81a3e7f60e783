"""Redis refusing connections: subscribers get 1013 (not a dropped socket), sends go on, and
the outage is logged once when it starts and once when it ends, not once per send."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from parley.subscriptions.connections import BUS_UNAVAILABLE, REASONS
from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.services.api import MESSAGES, make_pair, send
from tests.services.processes import RedisServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token


@pytest.fixture
def redis_later(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server port that refuses connections until the test starts it."""
    server = RedisServer(tmp_path)
    yield server
    server.kill()


@pytest.fixture
def settings(settings: Settings, redis_later: RedisServer) -> Settings:
    return settings.model_copy(update={"broadcast_url": redis_later.url})


async def test_redis_refusing_connections_closes_with_1013_and_logs_the_outage_once(
    live_server: LiveServer, redis_later: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    bus = live_server.services.bus
    async with httpx.AsyncClient(timeout=WAIT) as http:
        pair = await make_pair(http, live_server.http)
        ws = await GraphQLWSClient.open(live_server.ws, token(pair.freelancer))
        await ws.subscribe("m", MESSAGES)
        with pytest.raises(ConnectionClosed) as closed:
            await ws.next_payload("m")
        received = closed.value.rcvd
        assert received is not None, "the client saw a dropped socket, not a close frame"
        assert received.code == BUS_UNAVAILABLE
        assert received.reason == REASONS[BUS_UNAVAILABLE]  # no exception text

        sent = [await send(http, live_server.http, pair, f"during {i}") for i in range(3)]
        assert all(message["__typename"] == "Message" for message in sent)
        await redis_later.start()
        await asyncio.wait_for(bus.hub.wait_resumed(), WAIT)

    assert bus.counters.outages_started == 1
    assert bus.counters.outages_ended == 1
    assert bus.counters.publishes_skipped >= 3
    records = caplog.get_records("setup") + caplog.records  # the outage began at start-up
    outage = [r for r in records if r.name == "parley.bus"]
    assert [r.getMessage().split(" ")[2] for r in outage] == ["down", "back"], outage
    assert not [r for r in records if r.exc_info], "a traceback was logged"
