"""The /inbox page in chromium, a client and a freelancer side by side: a message arrives
live, the unread bubbles rise, reading clears them, and the sender sees the receipt; the feed
filter, the older page, a reconnect resuming from the last cursor, and a refused send."""

from __future__ import annotations

from pathlib import Path

from parley.web.auth import SERVICE_ROLE
from tests.browser.drivers import run_driver
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import CREATE_ORDER, SEND, Pair, graphql, make_pair

PAGE = 20  # the feed page the inbox asks for (static/inbox/documents.js, FEED: last: 20)
OLDEST = "query($c: ID!) { feed(conversationId: $c, first: 1) { edges { cursor } } }"
MESSAGING_STATUS = (
    "query($c: ID!) { messagingStatus(conversationId: $c) "
    "{ canSend blockedBy { code message nextStep } } }"
)


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


async def test_a_message_typed_by_a_client_reaches_the_freelancer_live_and_is_read(
    live_server: LiveServer, artifacts: Path
) -> None:
    pair = await make_pair(live_server, "Ines")
    oldest = await fill_past_one_page(live_server, pair)
    freelancer = token(pair.freelancer)
    seen = await run_driver(
        "inbox.mjs",
        artifacts,
        url=f"{live_server.base}/inbox",
        client=pair.client_token,
        freelancer=freelancer,
        conversation=pair.conversation,
        first="Could you send the draft today?",
        second="Thanks, got it",
        oldest=oldest,
        missed="Sent while you were offline",
        after="And one more once you are back",
        refused="Can I still write?",
    )

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
        "03-client-sent.png",
        "04-freelancer-unread.png",
        "05-freelancer-read.png",
        "06-client-sees-read.png",
        "07-freelancer-live.png",
        "08-filter-messages.png",
        "09-filter-orders.png",
        "10-filter-all.png",
        "11-older-loaded.png",
        "12-offline.png",
        "13-resumed.png",
        "14-blocked.png",
    ]
