"""Retention over the wire: an expired message is gone from the feed and from a replay."""

from __future__ import annotations

from datetime import timedelta

from models.clock import ManualClock
from resolvers.cursors import event_cursor
from settings import Settings
from tests.conftest import running_server, token
from tests.support import GraphQLWSClient
from tests.wire.conftest import SEND, graphql, make_pair

FEED = """
query Messages($id: ID!) {
  feed(conversationId: $id, filter: MESSAGES, last: 100) { edges { node { ... on Message { body } } } }
  retention { duration }
}
"""
REPLAY = """
subscription Replay($id: ID!, $after: String) {
  feedUpdates(conversationId: $id, filter: MESSAGES, after: $after) { item { ... on Message { body } } }
}
"""


async def test_an_expired_message_leaves_the_feed_and_the_replay(
    settings: Settings, clock: ManualClock
) -> None:
    hourly = settings.model_copy(update={"retention": timedelta(hours=1)})
    async with running_server(hourly, clock) as server:
        pair = await make_pair(server, "Rita")  # the client says hello
        clock.advance(timedelta(minutes=61))
        fresh = {"input": {"conversationId": pair.conversation, "body": "fresh"}}
        await graphql(server, SEND, fresh, pair.client_token)

        read = await graphql(server, FEED, {"id": pair.conversation}, token(pair.freelancer))
        assert [edge["node"] for edge in read["data"]["feed"]["edges"]] == [{"body": "fresh"}]
        assert read["data"]["retention"] == {"duration": "PT1H"}

        ws = await GraphQLWSClient.open(server.ws, token(pair.freelancer))
        await ws.subscribe("r", REPLAY, {"id": pair.conversation, "after": event_cursor(0)})
        assert (await ws.next_payload("r"))["feedUpdates"]["item"] == {"body": "fresh"}
        await ws.close()
