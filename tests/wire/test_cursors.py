"""Cursors over the wire: the client list's next page over HTTP, a bad cursor over WebSocket."""

from __future__ import annotations

from parley.resolvers.cursors import event_cursor
from parley.web.auth import SERVICE_ROLE
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token
from tests.wire.pairs import CREATE_ACCOUNT, CREATE_ORDER, Pair, graphql

CLIENT_LIST = """
query ClientList($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges { node { counterpart { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
MESSAGES = "subscription Messages($after: String) { messageReceived(after: $after) { cursor } }"


async def test_a_freelancer_with_more_clients_than_a_page_reads_the_next_page(
    live_server: LiveServer,
) -> None:
    service = token("marketplace", SERVICE_ROLE)
    made = await graphql(
        live_server, CREATE_ACCOUNT, {"input": {"kind": "FREELANCER", "name": "Maya"}}, service
    )
    freelancer = made["data"]["createAccount"]["id"]
    for name in ("Acme", "Globex", "Initech"):
        made = await graphql(
            live_server, CREATE_ACCOUNT, {"input": {"kind": "CLIENT", "name": name}}, service
        )
        order = {"clientId": made["data"]["createAccount"]["id"], "freelancerId": freelancer}
        await graphql(live_server, CREATE_ORDER, {"input": {**order, "title": name}}, service)

    first = await graphql(live_server, CLIENT_LIST, {"first": 2}, token(freelancer))
    page = first["data"]["conversations"]
    assert page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    second = await graphql(
        live_server, CLIENT_LIST, {"first": 2, "after": after}, token(freelancer)
    )

    assert "errors" not in second, second
    names = [
        edge["node"]["counterpart"]["name"]
        for edge in page["edges"] + second["data"]["conversations"]["edges"]
    ]
    assert names == ["Initech", "Globex", "Acme"]  # newest activity first
    assert not second["data"]["conversations"]["pageInfo"]["hasNextPage"]


async def test_a_subscription_cursor_past_bigint_is_invalid_input(
    live_server: LiveServer, alice: Pair
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, alice.client_token)
    await ws.subscribe("m", MESSAGES, {"after": event_cursor(2**64)})
    message = await ws.receive()
    assert message["type"] == "next", message
    errors = message["payload"]["errors"]
    assert [error["extensions"] for error in errors] == [
        {"code": "INVALID_INPUT", "field": "after"}
    ]
    await ws.close()
