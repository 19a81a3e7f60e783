"""Notifications end to end: a real server, real WebSockets, real SMTP and a real push service."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from parley.models.store.clock import ManualClock
from parley.web.auth import SERVICE_ROLE
from parley.web.settings import Settings
from tests.channels import BrowserKeys, PushService, SmtpSink, text_of
from tests.ids import raw
from tests.live_server import LiveServer, running_server
from tests.scrape import scrape
from tests.support import GraphQLWSClient
from tests.tokens import token

CREATE_ACCOUNT = "mutation($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } } }"
CREATE_ORDER = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { conversationId } } }"
SEND = "mutation($id: ID!, $body: String!) { sendMessage(input: {conversationId: $id, body: $body}) { __typename } }"
REPORT = "mutation($state: ActivityState!) { reportActivity(state: $state) { state expiresAt } }"
PREFS = "mutation($email: String) { updateNotificationPreferences(input: {email: $email}) { __typename } }"
REGISTER = "mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { __typename ... on PushDevice { id } } }"
LOG = "{ notificationLog(first: 20) { channel outcome outcomeReason messageId } }"
PUBLIC_KEY = "{ webPushPublicKey }"
OUTCOMES = "parley_notifier_outcomes_total"
NOTIFICATIONS = "subscription { notifications { cursor conversationId reason message { body sender { name } } } }"
PRESENCE = "subscription { presenceChanged { accountId online lastSeenAt } }"
COUNTERPART = "query($id: ID!) { conversation(id: $id) { counterpartPresence { online } } }"


@pytest.fixture
def settings(settings: Settings, smtp_sink: SmtpSink) -> Settings:
    """The worker polls rarely: tests drive it with deliver_due (it also runs at start).
    Pushes may go to loopback here; tests/wire/test_outbound.py shows the default refusing."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_sink.port,
            "smtp_security": "none",
            "app_url": "https://app.example",
            "notify_poll_seconds": 3600.0,
            "outbound_allow_private": True,  # the push service runs on loopback
        }
    )


async def gql(server: LiveServer, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            server.http,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {bearer}"},
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
async def pair(live_server: LiveServer) -> dict[str, str]:
    """A client and a freelancer (Maya, with an email address) with an order between them."""
    return await _pair(live_server)


async def _pair(server: LiveServer) -> dict[str, str]:
    service = token("marketplace", SERVICE_ROLE)
    ids = {}
    for kind, name in (("CLIENT", "Acme"), ("FREELANCER", "Maya")):
        data = await gql(server, CREATE_ACCOUNT, service, input={"kind": kind, "name": name})
        ids[kind] = data["createAccount"]["id"]
    order = {"clientId": ids["CLIENT"], "freelancerId": ids["FREELANCER"], "title": "Guide"}
    data = await gql(server, CREATE_ORDER, service, input=order)
    await gql(server, PREFS, token(ids["FREELANCER"]), email="maya@example.com")
    return {
        "client": token(ids["CLIENT"]),
        "freelancer": token(ids["FREELANCER"]),
        "freelancer_id": ids["FREELANCER"],
        "conversation": data["createOrder"]["conversationId"],
    }


async def _register_browser(server: LiveServer, push: PushService, bearer: str) -> BrowserKeys:
    keys = BrowserKeys()
    device = {"endpoint": f"{push.base}/push/maya", "p256dh": keys.p256dh, "auth": keys.auth}
    data = await gql(server, REGISTER, bearer, input=device)
    assert data["registerPushSubscription"]["__typename"] == "PushDevice"
    return keys


async def _log(server: LiveServer, bearer: str) -> list[tuple[str, str]]:
    data = await gql(server, LOG, bearer)
    return [(row["channel"], row["outcome"]) for row in reversed(data["notificationLog"])]


async def test_an_active_recipient_gets_an_in_app_notification_and_no_push(
    live_server: LiveServer, pair: dict[str, str], push_service: PushService
) -> None:
    await _register_browser(live_server, push_service, pair["freelancer"])
    ws = await GraphQLWSClient.open(live_server.ws, pair["freelancer"])
    await ws.subscribe("n", NOTIFICATIONS)
    await live_server.services.bus.hub.wait_for_listeners(raw(pair["freelancer_id"]), 1)
    await gql(live_server, REPORT, pair["freelancer"], state="ACTIVE")
    await gql(live_server, SEND, pair["client"], id=pair["conversation"], body="Quick question")
    assert live_server.services.notifier is not None
    await live_server.services.notifier.deliver_due()

    note = (await ws.next_payload("n"))["notifications"]
    assert note["message"] == {"body": "Quick question", "sender": {"name": "Acme"}}
    assert note["conversationId"] == pair["conversation"]
    assert await _log(live_server, pair["freelancer"]) == [
        ("IN_APP", "SENT"),
        ("PUSH", "SKIPPED"),
        ("EMAIL", "SKIPPED"),
    ]
    assert push_service.received == []
    await ws.close()


async def test_a_live_session_holds_the_in_app_notification_until_it_ends(
    live_server: LiveServer, pair: dict[str, str]
) -> None:
    notifier = live_server.services.notifier
    assert notifier is not None
    ws = await GraphQLWSClient.open(live_server.ws, pair["freelancer"])
    await ws.subscribe("n", NOTIFICATIONS)
    await live_server.services.bus.hub.wait_for_listeners(raw(pair["freelancer_id"]), 1)
    await gql(live_server, REPORT, pair["freelancer"], state="LIVE_SESSION")
    await gql(live_server, SEND, pair["client"], id=pair["conversation"], body="During the call")
    await notifier.deliver_due()
    assert (await _log(live_server, pair["freelancer"]))[0] == ("IN_APP", "HELD")

    live_server.clock.advance(timedelta(seconds=10))
    await notifier.deliver_due()  # still in the session: still held
    assert ("IN_APP", "SENT") not in await _log(live_server, pair["freelancer"])

    await gql(live_server, REPORT, pair["freelancer"], state="ACTIVE")
    await notifier.deliver_due()
    note = (await ws.next_payload("n"))["notifications"]
    assert note["message"]["body"] == "During the call"
    assert "live session ended" in note["reason"]
    await ws.close()


async def test_a_registered_browser_receives_a_decryptable_push(
    live_server: LiveServer, pair: dict[str, str], push_service: PushService
) -> None:
    keys = await _register_browser(live_server, push_service, pair["freelancer"])
    sent = (await scrape(live_server.base)).value(OUTCOMES, channel="push", outcome="sent")
    await gql(live_server, SEND, pair["client"], id=pair["conversation"], body="Draft attached")
    assert live_server.services.notifier is not None
    await live_server.services.notifier.deliver_due()
    metrics = await scrape(live_server.base)
    assert metrics.value(OUTCOMES, channel="push", outcome="sent") == sent + 1
    assert metrics.value("parley_notifier_backlog", channel="push") == 0

    (push,) = await push_service.wait_for(1)
    assert push.headers["content-encoding"] == "aes128gcm"
    public_key = (await gql(live_server, PUBLIC_KEY, pair["freelancer"]))["webPushPublicKey"]
    assert f"k={public_key}" in push.headers["authorization"]  # signed with Parley's VAPID key
    payload = json.loads(keys.decrypt(push.body))
    assert payload == {
        "title": "New message from Acme",
        "body": "Draft attached",
        "url": f"https://app.example/conversations/{pair['conversation']}",
        "conversationId": pair["conversation"],
    }
    assert ("PUSH", "SENT") in await _log(live_server, pair["freelancer"])


async def test_notifications_due_while_the_server_was_down_are_sent_once_after_a_restart(
    settings: Settings, clock: ManualClock, smtp_sink: SmtpSink
) -> None:
    async with running_server(settings, clock) as first:
        pair = await _pair(first)
        await gql(first, SEND, pair["client"], id=pair["conversation"], body="Before the crash")
        await gql(first, SEND, pair["client"], id=pair["conversation"], body="And another")
    clock.advance(timedelta(minutes=10))  # the email fell due while nothing ran

    async with running_server(settings, clock) as second:  # its lifespan's first step sends
        (mail,) = await smtp_sink.wait_for(1)
        assert second.services.notifier is not None
        await second.services.notifier.deliver_due()
        clock.advance(timedelta(hours=1))
        await second.services.notifier.deliver_due()
    async with running_server(settings, clock) as third:
        assert third.services.notifier is not None
        await third.services.notifier.deliver_due()

    assert len(smtp_sink.messages) == 1
    assert mail["Subject"] == "2 new messages from Acme"
    assert "Before the crash" in text_of(mail, "plain")


async def test_presence_follows_two_devices_and_a_connection_dropped_without_a_close_frame(
    live_server: LiveServer, pair: dict[str, str]
) -> None:
    watcher = await GraphQLWSClient.open(live_server.ws, pair["client"])
    await watcher.subscribe("p", PRESENCE)
    first = (await watcher.next_payload("p"))["presenceChanged"]
    assert first["online"] is False

    laptop = await GraphQLWSClient.open(live_server.ws, pair["freelancer"])
    assert (await watcher.next_payload("p"))["presenceChanged"]["online"] is True
    phone = await GraphQLWSClient.open(live_server.ws, pair["freelancer"])

    await laptop.close()  # one device left: still online
    still = await gql(live_server, COUNTERPART, pair["client"], id=pair["conversation"])
    assert still["conversation"]["counterpartPresence"]["online"] is True

    phone.connection.transport.abort()  # the TCP connection dies: no close frame
    gone = (await watcher.next_payload("p"))["presenceChanged"]
    assert gone["online"] is False
    assert gone["lastSeenAt"] is not None
    await watcher.close()


async def test_reported_activity_expires_on_its_own(
    live_server: LiveServer, pair: dict[str, str], settings: Settings
) -> None:
    notifier = live_server.services.notifier
    assert notifier is not None
    ws = await GraphQLWSClient.open(live_server.ws, pair["freelancer"])
    report = await gql(live_server, REPORT, pair["freelancer"], state="ACTIVE")
    assert report["reportActivity"]["state"] == "ACTIVE"

    live_server.clock.advance(timedelta(seconds=settings.activity_ttl_seconds))  # no new report
    await gql(live_server, SEND, pair["client"], id=pair["conversation"], body="Still there?")
    await notifier.deliver_due()
    assert (await _log(live_server, pair["freelancer"]))[0] == ("IN_APP", "SKIPPED")
    await ws.close()
