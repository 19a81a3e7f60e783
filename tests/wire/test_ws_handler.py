"""The WebSocket endpoint: every graphql-transport-ws close code, and Parley's limits on top."""

from __future__ import annotations

import asyncio
import logging

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

MESSAGES = "subscription { messageReceived { cursor } }"
ALLOWED_ORIGIN = "https://app.example"


pytestmark = pytest.mark.usefixtures("accounts_one_to_nine")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "ws_connection_init_timeout_seconds": 1.0,
            "ws_allowed_origins": [ALLOWED_ORIGIN],
            "ws_max_message_bytes": 2_000,
            "ws_max_subscriptions_per_connection": 2,
            "rate_limit_ws_connections": "5/minute",
            "rate_limit_subscriptions": "3/minute",
        }
    )


async def closed_with(client: GraphQLWSClient) -> int:
    """The close code the server sent, skipping any message before it."""
    with pytest.raises(ConnectionClosed) as closed:
        await _drain(client)
    assert closed.value.rcvd is not None, "the server did not send a close frame"
    return closed.value.rcvd.code


async def _drain(client: GraphQLWSClient) -> None:
    while True:
        await client.receive()


async def test_an_unknown_message_type_is_4400(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(1))
    await ws.send({"type": "shout"})
    assert await closed_with(ws) == 4400


async def test_a_message_that_is_not_json_is_4400(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(1))
    await ws.connection.send("{not json")
    assert await closed_with(ws) == 4400


async def test_subscribing_before_the_ack_is_4401(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    await ws.subscribe("1", MESSAGES)
    assert await closed_with(ws) == 4401


async def test_a_refused_token_is_4403(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    await ws.send({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
    assert await closed_with(ws) == 4403


async def test_no_connection_init_in_time_is_4408(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    assert await closed_with(ws) == 4408


async def test_a_duplicate_subscription_id_is_4409(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(2))
    await ws.subscribe("same", MESSAGES)
    await ws.subscribe("same", MESSAGES)
    assert await closed_with(ws) == 4409


async def test_a_second_connection_init_is_4429(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(3))
    await ws.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token(3)}"}})
    assert await closed_with(ws) == 4429


async def test_the_legacy_graphql_ws_subprotocol_is_off(live_server: LiveServer) -> None:
    connection = await connect(live_server.ws, subprotocols=["graphql-ws"])  # type: ignore[list-item]
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(connection.recv(), WAIT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def test_an_origin_outside_the_allow_list_is_refused_at_the_handshake(
    live_server: LiveServer,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            live_server.ws,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            origin="https://evil.example",  # type: ignore[arg-type]
        )
    assert refused.value.response.status_code == 403


async def test_an_allowed_origin_connects(live_server: LiveServer) -> None:
    connection = await connect(
        live_server.ws,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=ALLOWED_ORIGIN,  # type: ignore[arg-type]
    )
    ws = GraphQLWSClient(connection)
    await ws.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token(4)}"}})
    assert (await ws.receive())["type"] == "connection_ack"
    await ws.close()


async def test_a_frame_over_the_size_limit_closes_with_1009_and_the_endpoint_still_answers(
    live_server: LiveServer,
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(5))
    huge = "x" * 3_000
    await ws.send({"id": "1", "type": "subscribe", "payload": {"query": MESSAGES, "x": huge}})
    assert await closed_with(ws) == 1009
    again = await GraphQLWSClient.open(live_server.ws, token(5))
    await again.send({"type": "ping"})
    assert (await again.receive())["type"] == "pong"
    await again.close()


async def test_subscriptions_per_connection_are_capped(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(6))
    await ws.subscribe("a", MESSAGES)
    await ws.subscribe("b", MESSAGES)
    await ws.subscribe("c", MESSAGES)
    refusal = await ws.receive()
    assert refusal["id"] == "c"
    assert refusal["type"] == "error"
    assert refusal["payload"][0]["message"] == "Subscription limit reached"
    await ws.send({"type": "ping"})
    assert (await ws.receive())["type"] == "pong", "the connection stays open"
    await ws.close()


async def test_new_subscriptions_per_account_are_rate_limited(live_server: LiveServer) -> None:
    first = await GraphQLWSClient.open(live_server.ws, token(7))
    second = await GraphQLWSClient.open(live_server.ws, token(7))
    await first.subscribe("a", MESSAGES)
    await first.subscribe("b", MESSAGES)
    await second.subscribe("c", MESSAGES)
    await second.subscribe("d", MESSAGES)
    refusal = await second.receive()
    assert refusal["id"] == "d"
    assert refusal["type"] == "error"
    assert refusal["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= refusal["payload"][0]["extensions"]["retryAfter"] <= 60
    other = await GraphQLWSClient.open(live_server.ws, token(8))
    await other.subscribe("a", MESSAGES)
    await other.send({"type": "ping"})
    assert (await other.receive())["type"] == "pong", "another account is not limited"
    for client in (first, second, other):
        await client.close()


async def test_new_connections_per_account_are_rate_limited_with_1013(
    live_server: LiveServer,
) -> None:
    opened = [await GraphQLWSClient.open(live_server.ws, token(9)) for _ in range(5)]
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    await ws.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token(9)}"}})
    with pytest.raises(ConnectionClosed) as closed:
        await ws.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1013
    assert "retry in" in closed.value.rcvd.reason
    other = await GraphQLWSClient.open(live_server.ws, token(8))
    for client in [*opened, other]:
        await client.close()


async def test_a_binary_frame_is_4400(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(1))
    await ws.connection.send(b'{"type": "ping"}')
    assert await closed_with(ws) == 4400


async def test_a_document_that_does_not_parse_is_an_error_message_not_a_server_failure(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(9))
    await ws.subscribe("broken", "subscription {")
    refusal = await ws.receive()
    assert (refusal["id"], refusal["type"]) == ("broken", "error")
    assert refusal["payload"][0]["message"].startswith("Syntax Error")
    await ws.send({"type": "ping"})
    assert (await ws.receive())["type"] == "pong", "the connection stays open"
    await ws.close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a client's mistake"
