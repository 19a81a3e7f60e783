"""Close frames that reach the client: the longest reasons Parley sends fit in 123 bytes."""

from __future__ import annotations

from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from parley.web.ws.close import MAX_REASON_BYTES
from tests.live_server import LiveServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

BAD_MESSAGE = 4400
DUPLICATE_ID = 4409
LONG_ID = "ü" * 300  # two bytes each: a cut in the middle of one would not decode
SUBSCRIBE = {
    "id": LONG_ID,
    "type": "subscribe",
    "payload": {"query": "subscription { messageReceived { cursor } }"},
}


@pytest.mark.parametrize(
    ("messages", "code", "starts"),
    [
        ([{"type": "é" * 500}], BAD_MESSAGE, "Unknown message type: éé"),
        ([SUBSCRIBE, SUBSCRIBE], DUPLICATE_ID, "Subscriber for üü"),
    ],
    ids=["unknown-type", "duplicate-id"],
)
@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_the_longest_close_reasons_reach_the_client_with_their_code(
    live_server: LiveServer, messages: list[dict[str, Any]], code: int, starts: str
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, token(1))
    for message in messages:
        await ws.send(message)
    with pytest.raises(ConnectionClosed) as closed:
        await _until_closed(ws)
    received = closed.value.rcvd
    assert received is not None, "the server did not send a close frame (the client saw 1006)"
    assert received.code == code
    assert received.reason.startswith(starts)
    assert 100 < len(received.reason.encode()) <= MAX_REASON_BYTES


async def _until_closed(ws: GraphQLWSClient) -> None:
    while True:
        await ws.receive(WAIT)
