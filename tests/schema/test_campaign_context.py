"""Campaign context through the schema: `Message.campaign`, a campaign's conversations with
their unread state, and its creators with their status and conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.campaigns import MembershipStatus, create_campaign, set_membership
from parley.models.global_ids import Tag
from parley.models.messaging import send_message
from parley.models.orders import create_order
from parley.models.store.clock import ManualClock
from tests.ids import gid, raw
from tests.support import Executor, account

CAMPAIGN = """
query CampaignGroup($id: ID!, $status: MembershipStatus) {
  campaign(id: $id) {
    id title
    creators(status: $status) {
      status statusChangedAt creator { id name }
      conversation { id hasUnread unreadCount }
    }
  }
}
"""
CONVERSATIONS = """
query CampaignConversations($campaign: ID, $first: Int, $after: String) {
  conversations(campaignId: $campaign, first: $first, after: $after) {
    edges { cursor node { id hasUnread unreadCount counterpart { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
FEED = """
query FeedWithCampaigns($id: ID!) {
  feed(conversationId: $id, filter: MESSAGES, last: 20) {
    edges { node { ... on Message { body campaign { id title } } } }
  }
}
"""


@dataclass
class SpringDrop:
    """A brand's campaign: Maya accepted and wrote, Ravi accepted and silent, Lea invited and
    written to; Omar works with the brand only in another campaign. Campaign and conversation
    ids are the API's (global ids)."""

    brand: Account
    campaign: str
    other_campaign: str
    maya: Account
    ravi: Account
    lea: Account
    omar: Account
    maya_conversation: str
    lea_conversation: str


@pytest.fixture
async def spring_drop(clock: ManualClock, client: Account, freelancer: Account) -> SpringDrop:
    brand, maya = client, freelancer
    ravi, lea, omar = [
        await create_account(clock, kind=AccountKind.FREELANCER, name=name)
        for name in ("Ravi", "Lea", "Omar")
    ]
    campaign = await create_campaign(clock, brand.id, "Spring drop")
    other = await create_campaign(clock, brand.id, "Fall drop")
    for creator, status in ((maya, "accepted"), (ravi, "accepted"), (lea, "invited")):
        clock.advance(timedelta(minutes=1))
        await set_membership(clock, campaign.id, creator.id, MembershipStatus(status))
    await set_membership(clock, other.id, omar.id, MembershipStatus.ACCEPTED)
    await create_order(clock, client_id=brand.id, freelancer_id=omar.id, title="Unboxing")
    clock.advance(timedelta(minutes=1))
    to_lea = await send_message(clock, brand.id, counterpart_id=lea.id, body="Join us?")
    clock.advance(timedelta(minutes=1))
    from_maya = await send_message(
        clock, maya.id, counterpart_id=brand.id, campaign_id=campaign.id, body="Count me in!"
    )
    clock.advance(timedelta(minutes=1))
    await send_message(
        clock, maya.id, conversation_id=from_maya.message.conversation_id, body="Also: courier?"
    )
    return SpringDrop(
        brand,
        gid(Tag.CAMPAIGN, campaign.id),
        gid(Tag.CAMPAIGN, other.id),
        maya,
        ravi,
        lea,
        omar,
        gid(Tag.CONVERSATION, from_maya.message.conversation_id),
        gid(Tag.CONVERSATION, to_lea.message.conversation_id),
    )


def _creators(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        (row["creator"]["name"], row["status"], row["conversation"])
        for row in data["campaign"]["creators"]
    ]


async def test_the_brand_sees_every_creator_with_status_and_conversation(
    gql: Executor, spring_drop: SpringDrop
) -> None:
    data = await gql.execute(
        CAMPAIGN, {"id": spring_drop.campaign}, as_=account(spring_drop.brand.id)
    )
    assert data["campaign"]["title"] == "Spring drop"
    assert _creators(data) == [
        (
            "Maya",
            "ACCEPTED",
            {"id": spring_drop.maya_conversation, "hasUnread": True, "unreadCount": 2},
        ),
        ("Ravi", "ACCEPTED", None),
        (
            "Lea",
            "INVITED",
            {"id": spring_drop.lea_conversation, "hasUnread": False, "unreadCount": 0},
        ),
    ]
    accepted = await gql.execute(
        CAMPAIGN,
        {"id": spring_drop.campaign, "status": "ACCEPTED"},
        as_=account(spring_drop.brand.id),
    )
    assert [name for name, _, _ in _creators(accepted)] == ["Maya", "Ravi"]


async def test_a_creator_sees_the_campaign_with_only_its_own_membership(
    gql: Executor, spring_drop: SpringDrop
) -> None:
    data = await gql.execute(
        CAMPAIGN, {"id": spring_drop.campaign}, as_=account(spring_drop.maya.id)
    )
    assert _creators(data) == [
        (
            "Maya",
            "ACCEPTED",
            {"id": spring_drop.maya_conversation, "hasUnread": False, "unreadCount": 0},
        )
    ]
    listed = await gql.execute(
        CONVERSATIONS, {"campaign": spring_drop.campaign}, as_=account(spring_drop.maya.id)
    )
    assert [edge["node"]["counterpart"]["name"] for edge in listed["conversations"]["edges"]] == [
        "Acme"
    ]


async def test_the_campaigns_conversations_unread_first_without_others(
    gql: Executor, spring_drop: SpringDrop
) -> None:
    brand = account(spring_drop.brand.id)
    data = await gql.execute(CONVERSATIONS, {"campaign": spring_drop.campaign}, as_=brand)
    seen = [edge["node"] for edge in data["conversations"]["edges"]]
    assert [(n["counterpart"]["name"], n["hasUnread"], n["unreadCount"]) for n in seen] == [
        ("Maya", True, 2),
        ("Lea", False, 0),
    ]
    first = await gql.execute(
        CONVERSATIONS, {"campaign": spring_drop.campaign, "first": 1}, as_=brand
    )
    assert [e["node"]["id"] for e in first["conversations"]["edges"]] == [seen[0]["id"]]
    assert first["conversations"]["pageInfo"]["hasNextPage"] is True
    everything = await gql.execute(CONVERSATIONS, {}, as_=account(spring_drop.brand.id))
    assert len(everything["conversations"]["edges"]) == 3  # Omar's is the brand's too
    other = await gql.execute(
        CONVERSATIONS, {"campaign": spring_drop.other_campaign}, as_=account(spring_drop.brand.id)
    )
    assert [e["node"]["counterpart"]["name"] for e in other["conversations"]["edges"]] == ["Omar"]


async def test_a_message_names_its_campaign(gql: Executor, spring_drop: SpringDrop) -> None:
    for viewer in (spring_drop.brand, spring_drop.maya):
        data = await gql.execute(
            FEED, {"id": spring_drop.maya_conversation}, as_=account(viewer.id)
        )
        assert [
            (edge["node"]["body"], edge["node"]["campaign"]) for edge in data["feed"]["edges"]
        ] == [
            ("Count me in!", {"id": spring_drop.campaign, "title": "Spring drop"}),
            ("Also: courier?", None),
        ]


async def test_outsiders_and_unknown_ids_answer_alike(
    gql: Executor, clock: ManualClock, spring_drop: SpringDrop
) -> None:
    other_brand = await create_account(clock, kind=AccountKind.CLIENT, name="Globex")
    unknown_campaign = gid(Tag.CAMPAIGN, 987654)
    for outsider in (spring_drop.omar, other_brand):
        for campaign in (spring_drop.campaign, unknown_campaign):
            data = await gql.execute(CAMPAIGN, {"id": campaign}, as_=account(outsider.id))
            assert data == {"campaign": None}
        foreign = await gql.errors(
            CONVERSATIONS, {"campaign": spring_drop.campaign}, as_=account(outsider.id)
        )
        unknown = await gql.errors(
            CONVERSATIONS, {"campaign": unknown_campaign}, as_=account(outsider.id)
        )
        assert foreign == unknown
        assert foreign[0]["extensions"] == {"code": "NOT_FOUND"}
        assert foreign[0]["message"] == "The campaign was not found."

    # The brand's own campaign, named by its raw row id, answers like an unknown one.
    brand = account(spring_drop.brand.id)
    row_id = str(raw(spring_drop.campaign))
    assert await gql.execute(CAMPAIGN, {"id": row_id}, as_=brand) == {"campaign": None}
    assert await gql.errors(CONVERSATIONS, {"campaign": row_id}, as_=brand) == unknown
