"""The wire: a real server, real HTTP and real graphql-transport-ws WebSocket clients."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from parley.web.auth import SERVICE_ROLE
from tests.ids import raw
from tests.live_server import LiveServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

CREATE_ACCOUNT = """
mutation($input: CreateAccountInput!) { createAccount(input: $input) { __typename ... on Account { id name } ... on Error { code message } } }
"""
CREATE_ORDER = """
mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on Order { id conversationId status } ... on Error { code } } }
"""
SEND = """
mutation($input: SendMessageInput!) { sendMessage(input: $input) { __typename ... on Message { id body } ... on Error { code message } } }
"""
MESSAGES = "subscription($after: String) { messageReceived(after: $after) { cursor message { body isMine } } }"
FEED = "subscription($id: ID!) { feedUpdates(conversationId: $id) { kind item { __typename ... on Message { body } } } }"


async def _post(
    http: httpx.AsyncClient,
    server: LiveServer,
    query: str,
    variables: dict[str, Any] | None,
    bearer: str | None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    response = await http.post(
        server.http, json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def marketplace(live_server: LiveServer) -> dict[str, str]:
    """Through the service token: a client, a freelancer and an order between them."""
    service = token("marketplace", SERVICE_ROLE)
    async with httpx.AsyncClient() as http:
        made = {}
        for kind, name in (("CLIENT", "Acme"), ("FREELANCER", "Maya")):
            body = await _post(
                http, live_server, CREATE_ACCOUNT, {"input": {"kind": kind, "name": name}}, service
            )
            made[kind] = body["data"]["createAccount"]["id"]
        body = await _post(
            http,
            live_server,
            CREATE_ORDER,
            {
                "input": {
                    "clientId": made["CLIENT"],
                    "freelancerId": made["FREELANCER"],
                    "title": "Guide",
                }
            },
            service,
        )
        order = body["data"]["createOrder"]
    return {
        "client": made["CLIENT"],
        "freelancer": made["FREELANCER"],
        "conversation": order["conversationId"],
    }


async def test_a_message_sent_over_http_reaches_both_participants_over_websocket(
    live_server: LiveServer, marketplace: dict[str, str]
) -> None:
    freelancer_ws = await GraphQLWSClient.open(live_server.ws, token(marketplace["freelancer"]))
    client_ws = await GraphQLWSClient.open(live_server.ws, token(marketplace["client"]))
    await freelancer_ws.subscribe("m", MESSAGES)
    await freelancer_ws.subscribe("f", FEED, {"id": marketplace["conversation"]})
    await client_ws.subscribe("m", MESSAGES)
    hub = live_server.services.bus.hub
    await asyncio.wait_for(hub.wait_for_listeners(raw(marketplace["freelancer"]), 2), WAIT)
    await asyncio.wait_for(hub.wait_for_listeners(raw(marketplace["client"]), 1), WAIT)

    async with httpx.AsyncClient() as http:
        body = await _post(
            http,
            live_server,
            SEND,
            {"input": {"conversationId": marketplace["conversation"], "body": "Over the wire"}},
            token(marketplace["client"]),
        )
    assert body["data"]["sendMessage"]["__typename"] == "Message"

    received = [await freelancer_ws.next_payload("m"), await freelancer_ws.next_payload("f")]
    assert received[0]["messageReceived"]["message"] == {"body": "Over the wire", "isMine": False}
    assert received[1]["feedUpdates"] == {
        "kind": "ADDED",
        "item": {"__typename": "Message", "body": "Over the wire"},
    }
    mine = await client_ws.next_payload("m")
    assert mine["messageReceived"]["message"] == {"body": "Over the wire", "isMine": True}
    await freelancer_ws.close()
    await client_ws.close()


async def test_reconnecting_with_the_last_cursor_replays_what_was_missed_without_duplicates(
    live_server: LiveServer, marketplace: dict[str, str]
) -> None:
    client_token = token(marketplace["client"])
    ws = await GraphQLWSClient.open(live_server.ws, token(marketplace["freelancer"]))
    await ws.subscribe("m", MESSAGES)
    await asyncio.wait_for(
        live_server.services.bus.hub.wait_for_listeners(raw(marketplace["freelancer"]), 1), WAIT
    )
    async with httpx.AsyncClient() as http:
        send = {"input": {"conversationId": marketplace["conversation"], "body": "first"}}
        await _post(http, live_server, SEND, send, client_token)
        cursor = (await ws.next_payload("m"))["messageReceived"]["cursor"]
        await ws.close()
        for i in range(3):
            send = {"input": {"conversationId": marketplace["conversation"], "body": f"missed {i}"}}
            await _post(http, live_server, SEND, send, client_token)

        ws = await GraphQLWSClient.open(live_server.ws, token(marketplace["freelancer"]))
        await ws.subscribe("again", MESSAGES, {"after": cursor})
        replayed = [
            (await ws.next_payload("again"))["messageReceived"]["message"]["body"] for _ in range(3)
        ]
        assert replayed == ["missed 0", "missed 1", "missed 2"]
        send = {"input": {"conversationId": marketplace["conversation"], "body": "live"}}
        await _post(http, live_server, SEND, send, client_token)
        assert (await ws.next_payload("again"))["messageReceived"]["message"]["body"] == "live"
    await ws.close()


@pytest.mark.parametrize(
    "payload", [{}, {"authorization": "Bearer not-a-jwt"}, {"authorization": "Basic abc"}]
)
async def test_a_websocket_without_a_good_token_is_closed_with_4403(
    live_server: LiveServer, payload: dict[str, str]
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    await ws.send({"type": "connection_init", "payload": payload})
    with pytest.raises(ConnectionClosed) as closed:
        await ws.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_the_service_token_cannot_open_a_subscription_socket(live_server: LiveServer) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, None, init=False)
    await ws.send(
        {
            "type": "connection_init",
            "payload": {"authorization": f"Bearer {token('m', SERVICE_ROLE)}"},
        }
    )
    with pytest.raises(ConnectionClosed) as closed:
        await ws.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_http_with_a_bad_token_is_unauthenticated_and_changes_nothing(
    live_server: LiveServer, marketplace: dict[str, str]
) -> None:
    async with httpx.AsyncClient() as http:
        body = await _post(
            http,
            live_server,
            SEND,
            {"input": {"conversationId": marketplace["conversation"], "body": "x"}},
            "forged",
        )
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert body["errors"][0]["message"] == "The token is not valid."
        feed = await _post(
            http,
            live_server,
            "query($id: ID!) { feed(conversationId: $id, filter: MESSAGES) { edges { cursor } } }",
            {"id": marketplace["conversation"]},
            token(marketplace["client"]),
        )
    assert feed["data"]["feed"]["edges"] == []


async def test_only_the_service_token_creates_accounts(
    live_server: LiveServer, marketplace: dict[str, str]
) -> None:
    async with httpx.AsyncClient() as http:
        body = await _post(
            http,
            live_server,
            CREATE_ACCOUNT,
            {"input": {"kind": "CLIENT", "name": "Mallory"}},
            token(marketplace["client"]),
        )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_health_and_graphiql(live_server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        health = await http.get(f"{live_server.base}/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        page = await http.get(live_server.http, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
