"""The real graphql-ws client (Node, tools/clients) against a live server: stalled, cut off,
reconnected by its own retry rules, resumed from its cursor with nothing missing."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from parley.models.accounts import Account
from parley.models.global_ids import Tag
from parley.models.messaging import send_message
from parley.models.store.clock import ManualClock
from parley.resolvers.cursors import event_cursor
from parley.subscriptions.connections import TOO_SLOW
from parley.web.settings import Settings
from tests.ids import gid
from tests.live_server import LiveServer
from tests.support import WAIT
from tests.tokens import token

CLIENTS = Path(__file__).parents[2] / "tools" / "clients"
SLOW_QUEUE = 100  # past the kernel's buffers: only a blocked socket fills it
ABNORMAL_CLOSURE = 1006  # what a client sees when the server aborts the TCP connection


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The test writes through its own connection while the server runs; SQLite allows one
    # writer, so the server's background writers (notifier, call expiry) stay idle.
    quiet = {"notify_poll_seconds": 3600.0, "call_expiry_interval_seconds": 3600.0}
    return settings.model_copy(update={"subscriber_queue_size": SLOW_QUEUE, **quiet})


class NodeClient:
    """tools/clients/stalled_subscriber.mjs: commands on stdin, JSON events on stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.closed: list[int] = []
        self.connects = 0

    async def command(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def until(self, wanted: str, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = await self.process.stdout.readline()
                assert line, f"the client exited before {wanted!r}"
                event: dict[str, Any] = json.loads(line)
                assert event["event"] != "error", event
                if event["event"] == "closed":
                    self.closed.append(event["code"])
                elif event["event"] == "connected":
                    self.connects += 1
                if event["event"] == wanted:
                    return event


@pytest.fixture
async def stalled_subscriber(
    live_server: LiveServer, freelancer: Account
) -> AsyncIterator[NodeClient]:
    """tools/clients/stalled_subscriber.mjs, subscribed as `freelancer` from the first event."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the graphql-ws client"
    assert (CLIENTS / "node_modules" / "graphql-ws").is_dir(), "run `make test` (npm ci) first"
    process = await asyncio.create_subprocess_exec(
        node,
        str(CLIENTS / "stalled_subscriber.mjs"),
        live_server.ws,
        token(freelancer.id),
        event_cursor(0),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    try:
        yield NodeClient(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def test_a_stalled_graphql_ws_client_is_cut_off_reconnects_and_misses_nothing(
    stalled_subscriber: NodeClient,
    live_server: LiveServer,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    node = stalled_subscriber
    hub = live_server.services.bus.hub
    await node.until("connected", WAIT)
    await asyncio.wait_for(hub.wait_for_listeners(freelancer.id, 1), WAIT)
    await node.command("pause")
    await node.until("paused", WAIT)

    # Big frames (the client selects each body): the kernel's socket buffers take a few MB
    # before the server's sends block; then the subscription's queue passes its bound.
    body = "x" * 5000
    sent: list[str] = []
    (listener,) = hub.listeners_of(freelancer.id)
    for _ in range(5000):
        result = await send_message(
            clock, client.id, conversation_id=conversation_with_order, body=body
        )
        sent.append(gid(Tag.FEED_ITEM, result.message.id))
        await live_server.services.bus.publish(result.events)
        if listener.connection is not None and listener.connection.closing:
            break
    assert listener.connection is not None
    assert listener.connection.closing, "a client that stopped reading was never cut off"
    assert len(listener.drain()) <= SLOW_QUEUE  # memory stays bounded meanwhile

    # The server lets go while the client still reads nothing: the close frame cannot get
    # through the full socket, so after a short deadline the connection is aborted.
    await asyncio.wait_for(hub.wait_for_no_listeners(freelancer.id), WAIT)

    await node.command(f"expect {len(sent)}")
    await node.command("resume")
    done = await node.until("done", WAIT * 6)
    assert node.connects >= 2, "graphql-ws did not reconnect by itself"
    assert node.closed, "the client never saw its connection close"
    assert set(node.closed) <= {ABNORMAL_CLOSURE, TOO_SLOW}, node.closed
    received: list[str] = done["ids"]
    assert len(received) == len(set(received)), "a message was delivered twice"
    assert received == sent, "live + replay after the cursor must be every message, in order"
