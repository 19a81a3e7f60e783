"""The README's main flows as a caching client runs them (tools/clients/*_flow.mjs), and what
its cache must hold after each step: one set of expectations for Apollo and urql alike."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.clients.conversation import Conversation
from tests.clients.node import node_script
from tests.live_server import LiveServer
from tests.support import WAIT

REPLY = "Draft is ready for review"
ANSWER = "Thanks, reading it now"


def bodies(feed_cache: dict[str, Any]) -> list[str]:
    return [edge["node"]["body"] for edge in feed_cache["feed"]["edges"]]


async def run_feed_flow(script: str, server: LiveServer, seeded: Conversation) -> dict[str, Any]:
    """Run the feed flow, sending the other side's message when the script waits for it."""
    args = (server.http, server.ws, seeded.freelancer_token, seeded.pair.conversation)
    async with node_script(script, "feed", *args) as running:
        await running.until("subscribed")
        await asyncio.wait_for(
            server.services.bus.hub.wait_for_listeners(seeded.freelancer.id, 1), WAIT
        )
        await running.go()
        await running.until("waiting")
        await seeded.client_sends(server, ANSWER)
        await running.until("done")
        return running.steps


def assert_feed_flow(steps: dict[str, Any], seeded: Conversation) -> None:
    """The cache after each step of the feed flow."""
    (conversation,) = steps["clientList"]["conversations"]["edges"]
    assert conversation["node"]["id"] == seeded.pair.conversation
    assert conversation["node"]["unreadCount"] == 4
    assert conversation["node"]["counterpart"]["name"] == f"{seeded.name} client"
    assert conversation["node"]["lastMessage"]["body"] == "three"
    summary = steps["clientList"]["unreadSummary"]
    assert (summary["conversationsWithUnread"], summary["totalUnread"]) == (1, 4)

    assert bodies(steps["feedPage"]) == ["two", "three"]
    assert steps["feedPage"]["feed"]["pageInfo"]["hasPreviousPage"] is True
    hello = f"hello from {seeded.name}"
    assert bodies(steps["feedOlderPage"]) == [hello, "one", "two", "three"]
    assert steps["feedOlderPage"]["feed"]["pageInfo"]["hasPreviousPage"] is False

    assert steps["send"]["body"] == REPLY
    assert steps["send"]["isMine"] is True

    assert bodies(steps["liveOwn"]) == [hello, "one", "two", "three", REPLY]
    assert bodies(steps["liveOther"]) == [hello, "one", "two", "three", REPLY, ANSWER]
    mine = [edge["node"]["isMine"] for edge in steps["liveOther"]["feed"]["edges"]]
    assert mine == [False, False, False, False, True, False]


def assert_zones_flow(steps: dict[str, Any]) -> None:
    """One invite read in Berlin (the list) and in Tokyo (the invite): each keeps its zone."""
    # pairs.CALL_AT is 2026-01-07T10:00:00Z.
    berlin = {
        "local": "2026-01-07T11:00:00+01:00",
        "timeZone": "Europe/Berlin",
        "utcOffset": "+01:00",
    }
    tokyo = {"local": "2026-01-07T19:00:00+09:00", "timeZone": "Asia/Tokyo", "utcOffset": "+09:00"}
    for step, expected in (
        ("listBerlin", berlin),
        ("inviteTokyo", tokyo),
        ("listBerlinAgain", berlin),
    ):
        assert steps[step] is not None, f"{step}: the cache no longer holds the whole query"
        invite = steps[step]["callInvite" if step == "inviteTokyo" else "callInvites"]
        invites = invite if isinstance(invite, list) else [invite]
        (time,) = invites[0]["proposedTimes"]
        shown = {field: time["local"][field] for field in expected}
        assert shown == expected, (step, time)
