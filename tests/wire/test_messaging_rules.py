"""Each messaging rule over HTTP: the refusal (code, message, nothing changed) and the way back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from parley.models.support import SupportRequest
from tests.ids import raw
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token
from tests.wire.market import Market, snapshot

SET_SWITCH = """
mutation($enabled: Boolean!, $orderId: ID) { setMessagingEnabled(enabled: $enabled, orderId: $orderId) {
  __typename ... on MessagingSwitch { scope enabled } ... on Error { code } } }
"""
REVIEW = "mutation($id: ID!) { recordReview(orderId: $id, negative: true) { __typename } }"
CAMPAIGN = """
mutation($client: ID!) { createCampaign(input: {clientId: $client, title: "Spring drop"}) { ... on Campaign { id } } }
"""
MEMBERSHIP = """
mutation($c: ID!, $f: ID!, $s: MembershipStatus!) { setCampaignMembership(campaignId: $c, freelancerId: $f, status: $s) {
  ... on CampaignMember { status } } }
"""
SUPPORT = """
mutation($conversation: ID!) { openSupportRequest(input: {conversationId: $conversation, details: "Blocked"}) {
  __typename ... on SupportRequest { id supportStatus reason } ... on Error { code } } }
"""
ME_CLIENT = "{ me { ... on Client { messagingEnabled } } }"
SEND_OVER_WS = """
mutation($conversation: ID!) { sendMessage(input: {conversationId: $conversation, body: "via ws"}) {
  __typename ... on Error { code } } }
"""


@pytest.fixture
async def market(live_server: LiveServer) -> AsyncIterator[Market]:
    async with httpx.AsyncClient() as http:
        yield Market(live_server, http)


@pytest.fixture
async def pair_with_order(market: Market) -> dict[str, str]:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    order, conversation = await market.order(client, freelancer)
    return {
        "client": client,
        "freelancer": freelancer,
        "order": order,
        "conversation": conversation,
    }


async def assert_refused(market: Market, sender: str, rule: str, **message: Any) -> dict[str, Any]:
    """Send, expect the rule's refusal with a message and next step, and no change at all."""
    before = await snapshot()
    result = await market.send(sender, **message)
    assert result["__typename"] == "MessagingBlocked", result
    assert result["code"] == result["rule"] == rule
    assert result["message"]
    assert result["nextStep"]
    assert result["supportAvailable"] is True
    assert await snapshot() == before
    return result


async def assert_sent(market: Market, sender: str, **message: Any) -> None:
    result = await market.send(sender, **message)
    assert result["__typename"] == "Message", result


@pytest.mark.parametrize(
    ("standing", "rule"),
    [
        ("SUSPENDED", "ACCOUNT_SUSPENDED"),
        ("REJECTED", "ACCOUNT_REJECTED"),
        ("NEEDS_IMPROVEMENT", "ACCOUNT_NEEDS_IMPROVEMENT"),
    ],
)
async def test_rule_1_a_sender_in_bad_standing_cannot_send_until_reinstated(
    market: Market, pair_with_order: dict[str, str], standing: str, rule: str
) -> None:
    freelancer, conversation = pair_with_order["freelancer"], pair_with_order["conversation"]
    await market.update_account(freelancer, status=standing)
    await assert_refused(market, freelancer, rule, conversationId=conversation)
    await market.update_account(freelancer, status="ACTIVE")
    await assert_sent(market, freelancer, conversationId=conversation)


async def test_rule_2_the_client_turns_messaging_off_account_wide_and_back_on(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    off = await market.as_(p["client"], SET_SWITCH, {"enabled": False})
    assert off["setMessagingEnabled"] == {
        "__typename": "MessagingSwitch",
        "scope": "ACCOUNT",
        "enabled": False,
    }
    assert (await market.as_(p["client"], ME_CLIENT, {}))["me"] == {"messagingEnabled": False}
    await assert_refused(
        market, p["freelancer"], "MESSAGING_OFF_BY_CLIENT", conversationId=p["conversation"]
    )
    # The client can still write, and sees the switch; turning it back on lets the freelancer reply.
    await assert_sent(market, p["client"], conversationId=p["conversation"])
    await market.as_(p["client"], SET_SWITCH, {"enabled": True})
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"])


async def test_rule_2_messaging_off_for_one_order_only(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    other_order, _ = await market.order(p["client"], p["freelancer"])
    off = await market.as_(p["client"], SET_SWITCH, {"enabled": False, "orderId": p["order"]})
    assert off["setMessagingEnabled"]["scope"] == "ORDER"
    await assert_refused(
        market,
        p["freelancer"],
        "ORDER_MESSAGING_OFF",
        conversationId=p["conversation"],
        orderId=p["order"],
    )
    # Leaving the order out escapes nothing; writing about another live order is fine.
    await assert_refused(
        market, p["freelancer"], "ORDER_MESSAGING_OFF", conversationId=p["conversation"]
    )
    await assert_sent(
        market, p["freelancer"], conversationId=p["conversation"], orderId=other_order
    )
    await market.as_(p["client"], SET_SWITCH, {"enabled": True, "orderId": p["order"]})
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"], orderId=p["order"])
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"])


async def test_rule_2_only_the_client_holds_the_switches(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    refused = await market.as_(
        p["freelancer"], SET_SWITCH, {"enabled": False, "orderId": p["order"]}
    )
    assert refused["setMessagingEnabled"]["code"] == "PERMISSION_DENIED"
    refused = await market.as_(p["freelancer"], SET_SWITCH, {"enabled": False})
    assert refused["setMessagingEnabled"]["code"] == "PERMISSION_DENIED"


async def test_rule_3_superhero_jobs_have_no_messaging(market: Market) -> None:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    order, conversation = await market.order(client, freelancer, jobType="superhero")
    for sender in (client, freelancer):
        result = await assert_refused(
            market, sender, "JOB_TYPE_WITHOUT_MESSAGING", conversationId=conversation, orderId=order
        )
        assert "superhero" in result["message"]
        # A pair whose only relationship is superhero jobs has no messaging at all.
        await assert_refused(
            market, sender, "JOB_TYPE_WITHOUT_MESSAGING", conversationId=conversation
        )
    await market.move(order, "CANCELLED")
    await assert_refused(market, client, "JOB_TYPE_WITHOUT_MESSAGING", conversationId=conversation)
    await market.order(client, freelancer)  # a job with messaging: the pair may talk
    await assert_sent(market, client, conversationId=conversation)


async def test_rule_4_no_messages_about_an_order_in_final_review(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    other_order, _ = await market.order(p["client"], p["freelancer"])
    assert (await market.move(p["order"], "IN_PROGRESS"))["status"] == "IN_PROGRESS"
    assert (await market.move(p["order"], "FINAL_REVIEW"))["status"] == "FINAL_REVIEW"
    for sender in (p["freelancer"], p["client"]):
        await assert_refused(
            market,
            sender,
            "ORDER_IN_FINAL_REVIEW",
            conversationId=p["conversation"],
            orderId=p["order"],
        )
        # Leaving the order out escapes nothing.
        await assert_refused(
            market, sender, "ORDER_IN_FINAL_REVIEW", conversationId=p["conversation"]
        )
    await assert_sent(
        market, p["freelancer"], conversationId=p["conversation"], orderId=other_order
    )
    await market.move(p["order"], "IN_PROGRESS")  # a revision round re-opens it
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"], orderId=p["order"])
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"])


async def test_rule_5_five_unanswered_then_a_reply_lifts_the_block(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    for i in range(5):
        await assert_sent(market, p["freelancer"], conversationId=p["conversation"], body=f"#{i}")
    await assert_refused(
        market, p["freelancer"], "UNANSWERED_LIMIT", conversationId=p["conversation"]
    )
    await assert_sent(market, p["client"], conversationId=p["conversation"], body="Sorry, was away")
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"])


async def test_rule_5_a_new_order_from_the_client_lifts_the_block(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    for i in range(5):
        await assert_sent(market, p["freelancer"], conversationId=p["conversation"], body=f"#{i}")
    await assert_refused(
        market, p["freelancer"], "UNANSWERED_LIMIT", conversationId=p["conversation"]
    )
    await market.order(p["client"], p["freelancer"])
    await assert_sent(market, p["freelancer"], conversationId=p["conversation"])


async def test_rule_6_after_a_negative_review_support_is_the_way(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    await market.service(REVIEW, {"id": p["order"]})
    await assert_refused(
        market, p["freelancer"], "NEGATIVE_REVIEW", conversationId=p["conversation"]
    )
    await assert_sent(
        market, p["client"], conversationId=p["conversation"]
    )  # the client may still write
    opened = await market.as_(p["freelancer"], SUPPORT, {"conversation": p["conversation"]})
    assert opened["openSupportRequest"]["__typename"] == "SupportRequest"
    assert opened["openSupportRequest"]["supportStatus"] == "OPEN"
    assert await SupportRequest.filter(conversation_id=raw(p["conversation"])).count() == 1


async def test_rule_7_only_accepted_creators_can_be_messaged_about_a_campaign(
    market: Market,
) -> None:
    brand = await market.account("CLIENT", "Brightside")
    creator = await market.account("FREELANCER", "Ola", discoverable=False)
    campaign = (await market.service(CAMPAIGN, {"client": brand}))["createCampaign"]["id"]
    await market.service(MEMBERSHIP, {"c": campaign, "f": creator, "s": "INVITED"})
    await assert_refused(
        market, creator, "NO_RELATIONSHIP", counterpartId=brand, campaignId=campaign
    )
    await assert_refused(
        market, brand, "FREELANCER_NOT_DISCOVERABLE", counterpartId=creator, campaignId=campaign
    )
    await assert_refused(market, brand, "FREELANCER_NOT_DISCOVERABLE", counterpartId=creator)
    await market.service(MEMBERSHIP, {"c": campaign, "f": creator, "s": "ACCEPTED"})
    # Either side may start the thread once accepted; the first message creates it.
    await assert_sent(market, brand, counterpartId=creator, body="Welcome aboard")
    await assert_sent(
        market, creator, counterpartId=brand, campaignId=campaign, body="Excited to join!"
    )
    await assert_sent(market, brand, counterpartId=creator, campaignId=campaign)


async def test_rule_7_a_campaign_thread_needs_acceptance_even_in_an_existing_conversation(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    campaign = (await market.service(CAMPAIGN, {"client": p["client"]}))["createCampaign"]["id"]
    await assert_refused(
        market,
        p["client"],
        "CAMPAIGN_MEMBER_NOT_ACCEPTED",
        conversationId=p["conversation"],
        campaignId=campaign,
    )
    await market.service(MEMBERSHIP, {"c": campaign, "f": p["freelancer"], "s": "ACCEPTED"})
    await assert_sent(market, p["client"], conversationId=p["conversation"], campaignId=campaign)


async def test_rule_8_clients_may_write_first_to_discoverable_freelancers_only(
    market: Market,
) -> None:
    client = await market.account("CLIENT", "Kite")
    hidden = await market.account("FREELANCER", "Hidden", discoverable=False)
    await assert_refused(market, client, "FREELANCER_NOT_DISCOVERABLE", counterpartId=hidden)
    await market.update_account(hidden, discoverable=True)
    await assert_sent(market, client, counterpartId=hidden, body="An inquiry")


async def test_rule_8_freelancers_write_only_within_a_relationship(market: Market) -> None:
    client = await market.account("CLIENT", "Kite")
    freelancer = await market.account("FREELANCER", "Jo")
    await assert_refused(market, freelancer, "NO_RELATIONSHIP", counterpartId=client)
    await assert_sent(
        market, client, counterpartId=freelancer, body="Hi Jo"
    )  # the client writes first
    await assert_sent(market, freelancer, counterpartId=client, body="Hi!")


async def test_rule_9_work_starts_only_after_both_sides_talked_about_the_order(
    market: Market,
) -> None:
    client = await market.account("CLIENT", "Acme")
    freelancer = await market.account("FREELANCER", "Maya")
    order, conversation = await market.order(client, freelancer, requiresConversation=True)
    refused = await market.move(order, "IN_PROGRESS")
    assert refused["__typename"] == "ConversationRequired"
    assert refused["code"] == "CONVERSATION_REQUIRED"
    assert refused["message"]
    await assert_sent(market, freelancer, conversationId=conversation, orderId=order)
    assert (await market.move(order, "IN_PROGRESS"))["code"] == "CONVERSATION_REQUIRED"
    await assert_sent(market, client, conversationId=conversation, body="Not about the order")
    assert (await market.move(order, "IN_PROGRESS"))["code"] == "CONVERSATION_REQUIRED"
    await assert_sent(market, client, conversationId=conversation, orderId=order)
    moved = await market.move(order, "IN_PROGRESS")
    assert moved == {"__typename": "Order", "status": "IN_PROGRESS", "startBlockedReason": None}


async def test_rule_10_support_can_be_opened_about_a_conversation_only_by_its_parties(
    market: Market, pair_with_order: dict[str, str]
) -> None:
    stranger = await market.account("CLIENT", "Eve")
    refused = await market.as_(stranger, SUPPORT, {"conversation": pair_with_order["conversation"]})
    assert refused["openSupportRequest"]["code"] == "NOT_FOUND"
    assert await SupportRequest.all().count() == 0


async def test_rules_hold_for_sends_over_the_websocket_too(
    market: Market, live_server: LiveServer, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    await market.update_account(p["freelancer"], status="SUSPENDED")
    before = await snapshot()
    ws = await GraphQLWSClient.open(live_server.ws, token(p["freelancer"]))
    await ws.subscribe("send", SEND_OVER_WS, {"conversation": p["conversation"]})
    result = (await ws.next_payload("send"))["sendMessage"]
    await ws.close()
    assert result["__typename"] == "MessagingBlocked"
    assert result["code"] == "ACCOUNT_SUSPENDED"
    assert await snapshot() == before


async def test_a_send_about_no_order_over_the_websocket_meets_the_final_review_too(
    market: Market, live_server: LiveServer, pair_with_order: dict[str, str]
) -> None:
    p = pair_with_order
    await market.move(p["order"], "IN_PROGRESS")
    await market.move(p["order"], "FINAL_REVIEW")
    before = await snapshot()
    ws = await GraphQLWSClient.open(live_server.ws, token(p["freelancer"]))
    await ws.subscribe("send", SEND_OVER_WS, {"conversation": p["conversation"]})
    result = (await ws.next_payload("send"))["sendMessage"]
    await ws.close()
    assert result == {"__typename": "MessagingBlocked", "code": "ORDER_IN_FINAL_REVIEW"}
    assert await snapshot() == before
