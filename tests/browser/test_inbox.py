"""The /inbox page in chromium, a client and a freelancer side by side: the client list puts
unread first, a message arrives live, the unread bubbles rise, reading clears them, and the
sender sees the receipt; the feed filter, the older page, a reconnect resuming from the last
cursor, and a refused send."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from parley.web.auth import SERVICE_ROLE
from tests.browser.drivers import run_driver
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import CREATE_ACCOUNT, CREATE_ORDER, SEND, Pair, graphql, make_pair

PAGE = 20  # the feed page the inbox asks for (static/inbox/documents.js, FEED: last: 20)
OLDEST = "query($c: ID!) { feed(conversationId: $c, first: 1) { edges { cursor } } }"
MESSAGING_STATUS = (
    "query($c: ID!) { messagingStatus(conversationId: $c) "
    "{ canSend blockedBy { code message nextStep } } }"
)
CONVERSATIONS = "{ conversations(first: 100) { edges { node { id unreadCount lastActivityAt } } } }"


async def fill_past_one_page(live_server: LiveServer, pair: Pair) -> str:
    """More messages than one page, then a second order (an order event on the newest page);
    returns the cursor of the conversation's oldest item, which the newest page leaves out."""
    for number in range(PAGE):
        send = {"input": {"conversationId": pair.conversation, "body": f"update {number}"}}
        body = await graphql(live_server, SEND, send, pair.client_token)
        assert body["data"]["sendMessage"]["__typename"] == "Message", body
    order = {"clientId": pair.client, "freelancerId": pair.freelancer, "title": "Second draft"}
    service = token("marketplace", SERVICE_ROLE)
    body = await graphql(live_server, CREATE_ORDER, {"input": order}, service)
    assert body["data"]["createOrder"]["conversationId"] == pair.conversation, body
    body = await graphql(live_server, OLDEST, {"c": pair.conversation}, pair.client_token)
    cursor: str = body["data"]["feed"]["edges"][0]["cursor"]
    return cursor


async def newer_read_conversation(live_server: LiveServer, pair: Pair) -> str:
    """A second client of the pair's freelancer, made through the API as make_pair makes the
    first; the freelancer writes to it last (a minute later), so its conversation is newer than
    the pair's but has nothing unread for the freelancer. Returns its conversation id."""
    service = token("marketplace", SERVICE_ROLE)
    account = {"input": {"kind": "CLIENT", "name": "Quentin client"}}
    body = await graphql(live_server, CREATE_ACCOUNT, account, service)
    client = body["data"]["createAccount"]["id"]
    order = {"clientId": client, "freelancerId": pair.freelancer, "title": "Logo"}
    body = await graphql(live_server, CREATE_ORDER, {"input": order}, service)
    conversation: str = body["data"]["createOrder"]["conversationId"]
    live_server.clock.advance(timedelta(minutes=1))
    send = {"input": {"conversationId": conversation, "body": "Here is the logo"}}
    body = await graphql(live_server, SEND, send, token(pair.freelancer))
    assert body["data"]["sendMessage"]["__typename"] == "Message", body
    return conversation


async def test_a_message_typed_by_a_client_reaches_the_freelancer_live_and_is_read(
    live_server: LiveServer, artifacts: Path
) -> None:
    pair = await make_pair(live_server, "Ines")
    oldest = await fill_past_one_page(live_server, pair)
    newer = await newer_read_conversation(live_server, pair)
    freelancer = token(pair.freelancer)
    listed = await graphql(live_server, CONVERSATIONS, None, freelancer)
    states = {edge["node"]["id"]: edge["node"] for edge in listed["data"]["conversations"]["edges"]}
    assert states[pair.conversation]["unreadCount"] >= 1
    assert states[newer]["unreadCount"] == 0
    activity = {
        key: datetime.fromisoformat(state["lastActivityAt"]) for key, state in states.items()
    }
    assert activity[newer] > activity[pair.conversation]
    seen = await run_driver(
        "inbox.mjs",
        artifacts,
        url=f"{live_server.base}/inbox",
        client=pair.client_token,
        freelancer=freelancer,
        conversation=pair.conversation,
        newer=newer,
        first="Could you send the draft today?",
        second="Thanks, got it",
        oldest=oldest,
        missed="Sent while you were offline",
        after="And one more once you are back",
        refused="Can I still write?",
    )

    assert seen["clients"] == [pair.conversation, newer], "unread first, though the other is newer"
    assert seen["before"]["row"] >= 1, "the pair's first message should be unread"
    assert seen["raised"] == {
        "menu": seen["before"]["menu"] + 1,
        "row": seen["before"]["row"] + 1,
    }
    assert seen["read"] == {"menu": seen["before"]["menu"] - seen["before"]["row"], "row": 0}
    assert "sent" in seen["sentReceipt"], seen["sentReceipt"]
    assert "ago" in seen["sentReceipt"], seen["sentReceipt"]
    assert "read" not in seen["sentReceipt"], "read before the freelancer opened it"
    assert "read" in seen["readReceipt"]
    assert seen["filters"] == {
        "messages": ["message"],
        "orders": ["order"],
        "all": ["message", "order"],
    }
    assert seen["older"]["oldestAtFirst"] == 0, "the oldest item was on the newest page"
    assert seen["older"]["shownAfterOlder"] > seen["older"]["shownAtFirst"]
    assert seen["resumed"] == {"missedShown": 1, "status": "connected"}
    status = await graphql(live_server, MESSAGING_STATUS, {"c": pair.conversation}, freelancer)
    refusal = status["data"]["messagingStatus"]
    assert refusal["canSend"] is False
    assert refusal["blockedBy"]["code"] == "MESSAGING_OFF_BY_CLIENT"
    assert seen["blockedShown"] == {
        "message": refusal["blockedBy"]["message"],
        "nextStep": refusal["blockedBy"]["nextStep"],
    }
    assert seen["blocked"] == [], "the inbox reached outside Parley for these"
    assert seen["errors"] == [], "the page threw"
    assert seen["screenshots"] == [
        "01-client-signed-in.png",
        "02-freelancer-signed-in.png",
        "03-freelancer-unread-first.png",
        "04-client-sent.png",
        "05-freelancer-unread.png",
        "06-freelancer-read.png",
        "07-client-sees-read.png",
        "08-freelancer-live.png",
        "09-filter-messages.png",
        "10-filter-orders.png",
        "11-filter-all.png",
        "12-older-loaded.png",
        "13-offline.png",
        "14-resumed.png",
        "15-blocked.png",
    ]
