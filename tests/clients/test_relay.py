"""Relay's `node(id:)` refetch (relay-runtime, documents compiled by relay-compiler) of a
Message and an Order against a live server: its store holds what the server answered."""

from __future__ import annotations

import subprocess

from parley.web.auth import SERVICE_ROLE
from tests.clients.conversation import Conversation
from tests.clients.node import CLIENTS, node_script
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.market import CHANGE_STATUS
from tests.wire.pairs import graphql


def compile_relay_documents() -> None:
    """relay-compiler over tools/clients/relay/ against schema.graphql (relay.config.json)."""
    compiler = CLIENTS / "node_modules" / ".bin" / "relay-compiler"
    done = subprocess.run([str(compiler)], cwd=CLIENTS, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


async def test_relay_refetches_a_message_and_an_order_through_node(
    live_server: LiveServer, unread_conversation: Conversation
) -> None:
    compile_relay_documents()
    pair = unread_conversation.pair
    args = (live_server.http, unread_conversation.freelancer_token, pair.message, pair.order)
    async with node_script("relay_node.mjs", *args) as relay:
        await relay.until("waiting")
        service = token("marketplace", SERVICE_ROLE)
        moved = await graphql(
            live_server, CHANGE_STATUS, {"id": pair.order, "status": "IN_PROGRESS"}, service
        )
        assert moved["data"]["changeOrderStatus"]["status"] == "IN_PROGRESS", moved
        await relay.go()
        await relay.until("done")
        steps = relay.steps

    message = steps["message"]
    assert message["data"]["node"] == {
        "__typename": "Message",
        "id": pair.message,
        "body": f"hello from {unread_conversation.name}",
        "isMine": False,
    }
    assert message["record"]["body"] == f"hello from {unread_conversation.name}"
    assert steps["order"]["record"]["status"] == "OPEN"
    assert steps["order"]["data"]["node"]["title"] == unread_conversation.name
    refetched = steps["orderRefetched"]
    assert refetched["record"]["status"] == "IN_PROGRESS"
    assert refetched["data"]["node"] == {
        "__typename": "Order",
        "id": pair.order,
        "title": unread_conversation.name,
        "status": "IN_PROGRESS",
    }
