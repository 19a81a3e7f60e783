"""urql with graphcache (schema-aware, the introspection of schema.graphql) and graphql-ws
through the README's flows against a live server: the cache right after every step, and
not one urql warning."""

from __future__ import annotations

from tests.clients.conversation import Conversation
from tests.clients.flows import assert_feed_flow, assert_zones_flow, run_feed_flow
from tests.clients.node import run_to_end
from tests.live_server import LiveServer


async def test_urql_client_list_feed_pages_reply_and_live_items_in_its_cache(
    live_server: LiveServer, unread_conversation: Conversation
) -> None:
    steps = await run_feed_flow("urql_flow.mjs", live_server, unread_conversation)
    assert_feed_flow(steps, unread_conversation)


async def test_urql_graphcache_keeps_one_call_time_in_two_zones_apart(
    live_server: LiveServer, unread_conversation: Conversation
) -> None:
    args = (live_server.http, live_server.ws, unread_conversation.freelancer_token)
    steps = await run_to_end("urql_flow.mjs", "zones", *args)
    assert_zones_flow(steps)
