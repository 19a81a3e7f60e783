"""Retention over the wire: an expired message is gone from the feed and from every replay."""

from __future__ import annotations

from datetime import timedelta

from parley.models.store.clock import ManualClock
from parley.resolvers.cursors import event_cursor
from parley.web.settings import Settings
from tests.live_server import running_server
from tests.support import GraphQLWSClient
from tests.tokens import token
from tests.wire.pairs import SEND, graphql, make_pair

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
NOTIFICATIONS = """
subscription Notes($after: String) { notifications(after: $after) { message { body } } }
"""
ACTIVE = "mutation Active { reportActivity(state: ACTIVE) { state } }"


async def test_an_expired_message_leaves_the_feed_and_the_replay(
    settings: Settings, clock: ManualClock
) -> None:
    hourly = settings.model_copy(update={"retention": timedelta(hours=1)})
    async with running_server(hourly, clock) as server:
        assert server.services.notifier is not None
        pair = await make_pair(server, "Rita")  # the client says hello
        freelancer = token(pair.freelancer)
        ws = await GraphQLWSClient.open(server.ws, freelancer)  # online, so notified in the app

        async def say(body: str) -> None:
            await graphql(server, ACTIVE, None, freelancer)
            message = {"input": {"conversationId": pair.conversation, "body": body}}
            await graphql(server, SEND, message, pair.client_token)
            await server.services.notifier.deliver_due()

        await say("old")
        clock.advance(timedelta(minutes=61))
        await say("fresh")

        read = await graphql(server, FEED, {"id": pair.conversation}, freelancer)
        assert [edge["node"] for edge in read["data"]["feed"]["edges"]] == [{"body": "fresh"}]
        assert read["data"]["retention"] == {"duration": "PT1H"}
        from_the_start = event_cursor(0)
        await ws.subscribe("r", REPLAY, {"id": pair.conversation, "after": from_the_start})
        assert (await ws.next_payload("r"))["feedUpdates"]["item"] == {"body": "fresh"}
        await ws.subscribe("n", NOTIFICATIONS, {"after": from_the_start})
        assert (await ws.next_payload("n"))["notifications"]["message"] == {"body": "fresh"}
        await ws.close()
