"""sendMessage, markRead, the client list and the unread summary through the schema."""

from __future__ import annotations

from datetime import timedelta

from parley.models.accounts import Account
from parley.models.feed import FeedItem
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from tests.ids import gid
from tests.support import Executor, account

SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    __typename
    ... on Message { id body isMine createdAt readAt sender { __typename id } }
    ... on Error { code message }
    ... on InvalidInput { field }
  }
}
"""
MARK_READ = """
mutation Read($id: ID!, $upTo: ID) {
  markRead(conversationId: $id, upTo: $upTo) {
    __typename
    ... on Conversation { id hasUnread unreadCount }
    ... on Error { code message }
  }
}
"""
CONVERSATIONS = """
query { conversations(first: 10) {
  edges { node { id hasUnread unreadCount lastActivityAt counterpart { __typename name }
                 lastMessage { body } orders { title status } } }
} unreadSummary { conversationsWithUnread totalUnread } }
"""
RECEIPTS = """
query Feed($id: ID!) { feed(conversationId: $id, filter: MESSAGES) { edges { node { ... on Message { body readAt } } } } }
"""


async def test_a_client_sends_and_the_freelancer_sees_one_indicator_and_a_count(
    gql: Executor, client: Account, freelancer: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    for body in ("Hi Maya", "Any questions?", "Deadline is Friday"):
        sent = await gql.execute(
            SEND,
            {"input": {"conversationId": conversation, "body": body}},
            as_=account(client.id),
        )
        assert sent["sendMessage"]["__typename"] == "Message"
        assert sent["sendMessage"]["isMine"] is True
        assert sent["sendMessage"]["sender"] == {
            "__typename": "Client",
            "id": gid(Tag.ACCOUNT, client.id),
        }

    data = await gql.execute(CONVERSATIONS, as_=account(freelancer.id))
    (edge,) = data["conversations"]["edges"]
    assert edge["node"]["hasUnread"] is True
    assert edge["node"]["unreadCount"] == 3
    assert edge["node"]["counterpart"] == {"__typename": "Client", "name": "Acme"}
    assert edge["node"]["lastMessage"] == {"body": "Deadline is Friday"}
    assert edge["node"]["orders"] == [{"title": "Blog post", "status": "OPEN"}]
    assert data["unreadSummary"] == {"conversationsWithUnread": 1, "totalUnread": 3}

    mine = await gql.execute(CONVERSATIONS, as_=account(client.id))
    assert mine["conversations"]["edges"][0]["node"]["hasUnread"] is False
    assert mine["unreadSummary"] == {"conversationsWithUnread": 0, "totalUnread": 0}


async def test_reading_gives_the_sender_read_receipts(
    gql: Executor,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    conversation_with_order: int,
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    await gql.execute(
        SEND,
        {"input": {"conversationId": conversation, "body": "one"}},
        as_=account(client.id),
    )
    clock.advance(timedelta(minutes=3))
    read = await gql.execute(MARK_READ, {"id": conversation}, as_=account(freelancer.id))
    assert read["markRead"] == {
        "__typename": "Conversation",
        "id": conversation,
        "hasUnread": False,
        "unreadCount": 0,
    }
    feed = await gql.execute(RECEIPTS, {"id": conversation}, as_=account(client.id))
    (edge,) = feed["feed"]["edges"]
    assert edge["node"]["readAt"] == clock.now().isoformat()


async def test_an_idempotent_retry_returns_the_same_message(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    variables = {
        "input": {
            "conversationId": gid(Tag.CONVERSATION, conversation_with_order),
            "body": "Once",
            "idempotencyKey": "u-1",
        }
    }
    first = await gql.execute(SEND, variables, as_=account(client.id))
    second = await gql.execute(SEND, variables, as_=account(client.id))
    assert first["sendMessage"]["id"] == second["sendMessage"]["id"]
    assert await FeedItem.filter(body="Once").count() == 1


async def test_refusals_are_typed_and_store_nothing(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    before = await FeedItem.all().count()
    cases = [
        ({"conversationId": conversation, "body": ""}, "INVALID_INPUT"),
        ({"conversationId": conversation, "body": "x" * 5001}, "INVALID_INPUT"),
        ({"conversationId": gid(Tag.CONVERSATION, 424242), "body": "hi"}, "NOT_FOUND"),
        ({"conversationId": "not-an-id", "body": "hi"}, "NOT_FOUND"),
        # the conversation's raw row id, or its row id under another tag, names nothing
        ({"conversationId": str(conversation_with_order), "body": "hi"}, "NOT_FOUND"),
        (
            {"conversationId": gid(Tag.ORDER, conversation_with_order), "body": "hi"},
            "NOT_FOUND",
        ),
        ({"body": "to nobody"}, "INVALID_INPUT"),
        (
            {"conversationId": conversation, "body": "hi", "orderId": gid(Tag.ORDER, 77)},
            "NOT_FOUND",
        ),
        (
            {"conversationId": conversation, "body": "hi", "idempotencyKey": ""},
            "INVALID_INPUT",
        ),
    ]
    for message_input, code in cases:
        data = await gql.execute(SEND, {"input": message_input}, as_=account(client.id))
        assert data["sendMessage"]["code"] == code, (message_input, data)
        assert data["sendMessage"]["message"]
    assert await FeedItem.all().count() == before


async def test_marking_read_elsewhere_is_not_found(
    gql: Executor, client: Account, conversation_with_order: int
) -> None:
    conversation = gid(Tag.CONVERSATION, conversation_with_order)
    data = await gql.execute(
        MARK_READ, {"id": gid(Tag.CONVERSATION, 31337)}, as_=account(client.id)
    )
    assert data["markRead"]["code"] == "NOT_FOUND"
    data = await gql.execute(
        MARK_READ,
        {"id": conversation, "upTo": gid(Tag.FEED_ITEM, 999)},
        as_=account(client.id),
    )
    assert data["markRead"]["code"] == "NOT_FOUND"
