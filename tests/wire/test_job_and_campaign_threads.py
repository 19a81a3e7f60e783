"""Over the wire: a job page's thread and a brand's campaign context, over HTTP and
graphql-transport-ws, against a live server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from parley.resolvers.cursors import event_cursor
from tests.ids import raw
from tests.live_server import LiveServer
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token
from tests.wire.market import Market

JOB_THREAD = """
query JobThread($conversation: ID!, $order: ID!, $last: Int, $before: String) {
  feed(conversationId: $conversation, orderId: $order, last: $last, before: $before) {
    edges { node { __typename ... on Message { body order { id } } ... on OrderEvent { status } } }
    pageInfo { hasPreviousPage startCursor }
  }
}
"""
JOB_UPDATES = """
subscription JobThreadUpdates($conversation: ID!, $order: ID!, $after: String) {
  feedUpdates(conversationId: $conversation, orderId: $order, after: $after) {
    cursor kind item { __typename ... on Message { body order { id } } ... on OrderEvent { status } }
  }
}
"""
CAMPAIGN = """
mutation NewCampaign($client: ID!) {
  createCampaign(input: {clientId: $client, title: "Spring drop"}) { ... on Campaign { id } }
}
"""
MEMBERSHIP = """
mutation Membership($campaign: ID!, $creator: ID!, $status: MembershipStatus!) {
  setCampaignMembership(campaignId: $campaign, freelancerId: $creator, status: $status) {
    ... on CampaignMember { status }
  }
}
"""
CAMPAIGN_PAGE = """
query CampaignPage($campaign: ID!) {
  campaign(id: $campaign) {
    title
    creators { status creator { name } conversation { id hasUnread unreadCount } }
  }
  conversations(campaignId: $campaign) {
    edges { node { id hasUnread unreadCount counterpart { name } } }
  }
}
"""
CAMPAIGN_FEED = """
query CampaignFeed($conversation: ID!) {
  feed(conversationId: $conversation, filter: MESSAGES) {
    edges { node { ... on Message { body campaign { title } } } }
  }
}
"""

CAMPAIGN_MESSAGES = """
subscription CampaignMessages($after: String) {
  messageReceived(after: $after) { message { body campaign { title } } }
}
"""


@pytest.fixture
async def market(live_server: LiveServer) -> AsyncIterator[Market]:
    async with httpx.AsyncClient() as http:
        yield Market(live_server, http)


async def test_a_job_page_sends_into_and_follows_its_own_thread(
    live_server: LiveServer, market: Market
) -> None:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    logo, conversation = await market.order(client, freelancer)
    copy, same = await market.order(client, freelancer)
    assert same == conversation  # one conversation per pair, across its orders
    thread = {"conversation": conversation, "order": logo}

    ws = await GraphQLWSClient.open(live_server.ws, token(freelancer))
    await ws.subscribe("job", JOB_UPDATES, thread)
    hub = live_server.services.bus.hub
    await asyncio.wait_for(hub.wait_for_listeners(raw(freelancer), 1), WAIT)
    for about, body in ((copy, "about the copy"), (None, "general"), (logo, "about the logo")):
        sent = await market.send(client, conversationId=conversation, orderId=about, body=body)
        assert sent["__typename"] == "Message", sent
    live = await ws.next_payload("job")
    assert live["feedUpdates"]["item"] == {
        "__typename": "Message",
        "body": "about the logo",
        "order": {"id": logo},
    }
    await ws.close()

    # Away: the logo moves on and the client writes about both jobs; the page resumes exactly.
    assert (await market.move(logo, "IN_PROGRESS"))["status"] == "IN_PROGRESS"
    await market.send(client, conversationId=conversation, orderId=copy, body="copy again")
    await market.send(client, conversationId=conversation, orderId=logo, body="logo again")
    ws = await GraphQLWSClient.open(live_server.ws, token(freelancer))
    await ws.subscribe("job", JOB_UPDATES, {**thread, "after": live["feedUpdates"]["cursor"]})
    replayed = [(await ws.next_payload("job"))["feedUpdates"]["item"] for _ in range(2)]
    assert replayed == [
        {"__typename": "OrderEvent", "status": "IN_PROGRESS"},
        {"__typename": "Message", "body": "logo again", "order": {"id": logo}},
    ]
    await market.send(freelancer, conversationId=conversation, orderId=logo, body="on it")
    assert (await ws.next_payload("job"))["feedUpdates"]["item"]["body"] == "on it"
    await ws.close()

    # The job page's history over HTTP, scrolled up a page of two at a time.
    bodies: list[str] = []
    before = None
    while True:
        page = (await market.as_(freelancer, JOB_THREAD, {**thread, "last": 2, "before": before}))[
            "feed"
        ]
        bodies = [e["node"].get("body", e["node"].get("status")) for e in page["edges"]] + bodies
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert bodies == ["OPEN", "about the logo", "IN_PROGRESS", "logo again", "on it"]


async def test_a_brand_sees_a_campaigns_creators_and_conversations(
    live_server: LiveServer, market: Market
) -> None:
    brand = await market.account("CLIENT", "Acme")
    maya = await market.account("FREELANCER", "Maya")
    ravi = await market.account("FREELANCER", "Ravi")
    campaign = (await market.service(CAMPAIGN, {"client": brand}))["createCampaign"]["id"]
    for creator, status in ((maya, "ACCEPTED"), (ravi, "INVITED")):
        await market.service(
            MEMBERSHIP, {"campaign": campaign, "creator": creator, "status": status}
        )
    ws = await GraphQLWSClient.open(live_server.ws, token(brand))
    await ws.subscribe("m", CAMPAIGN_MESSAGES, {"after": event_cursor(0)})
    await asyncio.wait_for(live_server.services.bus.hub.wait_for_listeners(raw(brand), 1), WAIT)
    sent = await market.send(maya, counterpartId=brand, campaignId=campaign, body="Count me in!")
    assert sent["__typename"] == "Message", sent
    live = (await ws.next_payload("m"))["messageReceived"]["message"]
    assert live == {"body": "Count me in!", "campaign": {"title": "Spring drop"}}
    await ws.close()

    page = await market.as_(brand, CAMPAIGN_PAGE, {"campaign": campaign})
    assert page["campaign"]["title"] == "Spring drop"
    [with_maya] = page["conversations"]["edges"]
    assert with_maya["node"]["counterpart"] == {"name": "Maya"}
    assert (with_maya["node"]["hasUnread"], with_maya["node"]["unreadCount"]) == (True, 1)
    assert [
        (row["creator"]["name"], row["status"], row["conversation"])
        for row in page["campaign"]["creators"]
    ] == [
        ("Maya", "ACCEPTED", {"id": with_maya["node"]["id"], "hasUnread": True, "unreadCount": 1}),
        ("Ravi", "INVITED", None),
    ]
    feed = await market.as_(brand, CAMPAIGN_FEED, {"conversation": with_maya["node"]["id"]})
    assert feed["feed"]["edges"] == [
        {"node": {"body": "Count me in!", "campaign": {"title": "Spring drop"}}}
    ]
