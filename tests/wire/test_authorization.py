"""The authorization matrix: another account's ids answer exactly like ids that do not exist.

Every root field and mutation that takes a conversation, order, campaign or message id is
called by Mallory with Alice's ids and with unknown ids; the two answers must be
byte-for-byte the same, and nothing of Alice's changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from parley.web.auth import SERVICE_ROLE
from tests.live_server import LiveServer
from tests.support import GraphQLWSClient
from tests.tokens import token
from tests.wire.pairs import Pair, graphql

UNKNOWN = "987654"

CONVERSATION = "query($id: ID!) { conversation(id: $id) { id unreadCount } }"
ORDER = "query($id: ID!) { order(id: $id) { id title } }"
FEED = "query($id: ID!) { feed(conversationId: $id) { edges { cursor } } }"
JOB_THREAD = (
    "query($own: ID!, $id: ID!) { feed(conversationId: $own, orderId: $id) { edges { cursor } } }"
)
CAMPAIGN = (
    "query($id: ID!) { campaign(id: $id) { id title creators { status conversation { id } } } }"
)
CAMPAIGN_CONVERSATIONS = (
    "query($id: ID!) { conversations(campaignId: $id) { edges { node { id unreadCount } } } }"
)
SEND_IN = 'mutation($id: ID!) { sendMessage(input: {conversationId: $id, body: "hi"}) { __typename ... on Error { code message } } }'
SEND_ABOUT = 'mutation($own: ID!, $id: ID!) { sendMessage(input: {conversationId: $own, orderId: $id, body: "hi"}) { __typename ... on Error { code message } } }'
MARK_READ = "mutation($id: ID!) { markRead(conversationId: $id) { __typename ... on Error { code message } } }"
MARK_READ_UP_TO = "mutation($own: ID!, $id: ID!) { markRead(conversationId: $own, upTo: $id) { __typename ... on Error { code message } } }"
UPDATE_ACCOUNT = 'mutation($id: ID!) { updateAccount(id: $id, input: {name: "x"}) { __typename } }'
CHANGE_ORDER = "mutation($id: ID!) { changeOrderStatus(id: $id, status: CANCELLED) { __typename } }"
CREATE_ORDER = 'mutation($id: ID!) { createOrder(input: {clientId: $id, freelancerId: $id, title: "x"}) { __typename } }'
MESSAGING_STATUS = "query($id: ID!) { messagingStatus(conversationId: $id) { canSend } }"
MESSAGING_STATUS_ABOUT = (
    "query($own: ID!, $id: ID!) { messagingStatus(conversationId: $own, orderId: $id) { canSend } }"
)
SUPPORT_ABOUT_CONVERSATION = "mutation($id: ID!) { openSupportRequest(input: {conversationId: $id}) { __typename ... on Error { code message } } }"
SUPPORT_ABOUT_ORDER = "mutation($id: ID!) { openSupportRequest(input: {orderId: $id}) { __typename ... on Error { code message } } }"
ORDER_SWITCH = "mutation($id: ID!) { setMessagingEnabled(enabled: false, orderId: $id) { __typename ... on Error { code message } } }"
MUTE = "mutation($id: ID!) { muteConversation(conversationId: $id) { __typename ... on Error { code message } } }"
CALL_INVITE = "query($id: ID!) { callInvite(id: $id) { id inviteStatus } }"
ACCEPT_CALL = 'mutation($id: ID!) { acceptCallInvite(id: $id, startsAt: "2030-01-07T10:00:00+00:00") { __typename ... on Error { code message } } }'
DECLINE_CALL = (
    "mutation($id: ID!) { declineCallInvite(id: $id) { __typename ... on Error { code message } } }"
)
CANCEL_CALL = (
    "mutation($id: ID!) { cancelCallInvite(id: $id) { __typename ... on Error { code message } } }"
)
NO_SHOW = (
    "mutation($id: ID!) { reportCallNoShow(id: $id) { __typename ... on Error { code message } } }"
)
PROPOSE_TERMS = 'mutation($id: ID!) { proposeOrderTerms(input: {orderId: $id, amount: "5", currency: "EUR", deliveryDate: "2030-01-01", deliverables: "x"}) { __typename ... on Error { code message } } }'
REQUEST_GUARANTEE = "mutation($id: ID!) { requestGuarantee(orderId: $id) { __typename ... on Error { code message } } }"
ACCEPT_TERMS = "mutation($id: ID!) { acceptOrderTerms(termsId: $id) { __typename ... on Error { code message } } }"
UPDATE_SUPPORT = "mutation($id: ID!) { updateSupportRequest(input: {id: $id, status: RESOLVED}) { __typename ... on Error { code message } } }"
DECIDE_GUARANTEE = "mutation($id: ID!) { decideGuaranteeRequest(id: $id, decision: ACCEPT) { __typename ... on Error { code message } } }"
OPEN_GUARANTEES = "{ openGuaranteeRequests { edges { node { id } } } }"
SUPPORT_REQUESTS = "{ supportRequests { edges { node { id } } } }"
FEED_UPDATES = "subscription($id: ID!) { feedUpdates(conversationId: $id) { cursor } }"
JOB_THREAD_UPDATES = "subscription($own: ID!, $id: ID!) { feedUpdates(conversationId: $own, orderId: $id) { cursor } }"
ALICE_FEED = "query($id: ID!) { feed(conversationId: $id, last: 100) { edges { node { __typename ... on Message { body } ... on OrderEvent { status } } } } }"
ALICE_TERMS = "query($id: ID!) { feed(conversationId: $id, filter: ORDERS) { edges { node { ... on OrderEvent { terms { id } } } } } }"
MINE = "{ me { id } conversations { edges { node { id } } } unreadSummary { totalUnread } }"

# (document, which of Alice's ids goes into $id)
MATRIX = [
    (CONVERSATION, "conversation"),
    (ORDER, "order"),
    (FEED, "conversation"),
    (JOB_THREAD, "order"),
    (CAMPAIGN, "campaign"),
    (CAMPAIGN_CONVERSATIONS, "campaign"),
    (SEND_IN, "conversation"),
    (SEND_ABOUT, "order"),
    (MARK_READ, "conversation"),
    (MARK_READ_UP_TO, "message"),
    (UPDATE_ACCOUNT, "client"),
    (CHANGE_ORDER, "order"),
    (CREATE_ORDER, "freelancer"),
    (MESSAGING_STATUS, "conversation"),
    (MESSAGING_STATUS_ABOUT, "order"),
    (SUPPORT_ABOUT_CONVERSATION, "conversation"),
    (SUPPORT_ABOUT_ORDER, "order"),
    (ORDER_SWITCH, "order"),
    (MUTE, "conversation"),
    (CALL_INVITE, "invite"),
    (ACCEPT_CALL, "invite"),
    (DECLINE_CALL, "invite"),
    (CANCEL_CALL, "invite"),
    (NO_SHOW, "invite"),
    (PROPOSE_TERMS, "order"),
    (REQUEST_GUARANTEE, "order"),
]


@pytest.mark.parametrize(("document", "kind"), MATRIX)
async def test_another_accounts_id_answers_exactly_as_not_found(
    live_server: LiveServer, alice: Pair, mallory: Pair, document: str, kind: str
) -> None:
    before = await graphql(live_server, ALICE_FEED, {"id": alice.conversation}, alice.client_token)
    for caller in (mallory.client, mallory.freelancer):
        foreign = {"id": getattr(alice, kind), "own": mallory.conversation}
        unknown = {"id": UNKNOWN, "own": mallory.conversation}
        answer = await graphql(live_server, document, foreign, token(caller))
        assert answer == await graphql(live_server, document, unknown, token(caller))
        assert "Alice" not in str(answer)
    after = await graphql(live_server, ALICE_FEED, {"id": alice.conversation}, alice.client_token)
    assert after == before, "nothing of Alice's changed"
    assert len(after["data"]["feed"]["edges"]) == 3  # her order event, message and call invite


@pytest.mark.parametrize(
    ("document", "kind"), [(FEED_UPDATES, "conversation"), (JOB_THREAD_UPDATES, "order")]
)
async def test_a_subscription_to_another_accounts_conversation_is_not_found(
    live_server: LiveServer, alice: Pair, mallory: Pair, document: str, kind: str
) -> None:
    ws = await GraphQLWSClient.open(live_server.ws, mallory.client_token)
    answers: list[dict[str, Any]] = []
    for operation_id, target in (("foreign", getattr(alice, kind)), ("unknown", UNKNOWN)):
        await ws.subscribe(operation_id, document, {"id": target, "own": mallory.conversation})
        message = await ws.receive()
        while message["type"] == "complete":  # the previous operation's end
            message = await ws.receive()
        assert message["id"] == operation_id
        answers.append({key: value for key, value in message.items() if key != "id"})
    assert answers[0] == answers[1]
    assert answers[0]["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await ws.close()


async def test_lists_show_only_the_callers_own_things(
    live_server: LiveServer, alice: Pair, mallory: Pair
) -> None:
    body = await graphql(live_server, MINE, None, mallory.client_token)
    assert body["data"]["me"]["id"] == mallory.client
    ids = [edge["node"]["id"] for edge in body["data"]["conversations"]["edges"]]
    assert ids == [mallory.conversation]


async def test_terms_support_requests_and_guarantees_of_another_pair_stay_out_of_reach(
    live_server: LiveServer, alice: Pair, mallory: Pair
) -> None:
    service = token("marketplace", SERVICE_ROLE)
    terms = await graphql(
        live_server,
        PROPOSE_TERMS.replace("2030-01-01", "2030-02-01"),
        {"id": alice.order},
        alice.client_token,
    )
    assert terms["data"]["proposeOrderTerms"]["__typename"] == "OrderTerms"
    feed = await graphql(live_server, ALICE_TERMS, {"id": alice.conversation}, alice.client_token)
    alices_terms = feed["data"]["feed"]["edges"][-1]["node"]["terms"]["id"]
    support = await graphql(
        live_server, SUPPORT_ABOUT_ORDER, {"id": alice.order}, alice.client_token
    )
    assert support["data"]["openSupportRequest"]["__typename"] == "SupportRequest"
    for caller in (mallory.client, mallory.freelancer):
        foreign = await graphql(live_server, ACCEPT_TERMS, {"id": alices_terms}, token(caller))
        unknown = await graphql(live_server, ACCEPT_TERMS, {"id": UNKNOWN}, token(caller))
        assert foreign == unknown
        assert foreign["data"]["acceptOrderTerms"]["code"] == "NOT_FOUND"
        mine = await graphql(live_server, SUPPORT_REQUESTS, None, token(caller))
        assert mine["data"]["supportRequests"]["edges"] == []
        for document in (UPDATE_SUPPORT, DECIDE_GUARANTEE, OPEN_GUARANTEES):
            refused = await graphql(live_server, document, {"id": "1"}, token(caller))
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    theirs = await graphql(live_server, SUPPORT_REQUESTS, None, alice.client_token)
    assert len(theirs["data"]["supportRequests"]["edges"]) == 1
    assert (await graphql(live_server, OPEN_GUARANTEES, None, service))["data"] == {
        "openGuaranteeRequests": {"edges": []}
    }
