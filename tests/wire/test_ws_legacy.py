"""The legacy graphql-ws subprotocol, when turned on, beside Parley's graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

PING_QUERY = "query { retention { days } }"
UNKNOWN_FEED = 'subscription { feedUpdates(conversationId: "999999") { cursor } }'


pytestmark = pytest.mark.usefixtures("accounts_one_to_nine")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"ws_legacy_protocol": True})


async def _receive(connection: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(connection.recv(), WAIT))
        if message["type"] != "ka":  # the legacy protocol's keep-alive
            return message


async def test_a_legacy_client_is_served_by_strawberrys_handler(live_server: LiveServer) -> None:
    connection = await connect(live_server.ws, subprotocols=["graphql-ws"])  # type: ignore[list-item]
    assert connection.subprotocol == "graphql-ws"
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token(1)}"}}
    await connection.send(json.dumps(init))
    assert (await _receive(connection))["type"] == "connection_ack"
    start = {"id": "1", "type": "start", "payload": {"query": UNKNOWN_FEED}}
    await connection.send(json.dumps(start))
    answer = await _receive(connection)
    assert answer["id"] == "1"
    assert "NOT_FOUND" in json.dumps(answer)
    await connection.close()


async def test_graphql_transport_ws_still_runs_beside_it(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(2))
    await ws.subscribe("q", PING_QUERY)
    assert (await ws.next_payload("q"))["retention"] is not None
    assert (await ws.receive())["type"] == "complete"
    await ws.close()
