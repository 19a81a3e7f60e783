"""Push endpoints cannot be aimed inward: a real server, a real push service on loopback,
and the production policy (loopback refused) unless a test turns it off."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from parley.models.push import PushSubscription
from parley.models.store.clock import ManualClock
from parley.web.auth import SERVICE_ROLE
from parley.web.settings import Settings
from tests.channels import BrowserKeys, PushService
from tests.live_server import LiveServer, running_server
from tests.tokens import token
from tests.wire.pairs import graphql

CREATE_ACCOUNT = "mutation Create($input: CreateAccountInput!) { createAccount(input: $input) { ... on Account { id } } }"
CREATE_ORDER = "mutation Order($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { conversationId } } }"
SEND = 'mutation Send($id: ID!) { sendMessage(input: {conversationId: $id, body: "Draft attached"}) { __typename } }'
REGISTER = "mutation Register($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { __typename ... on Error { code message } } }"
LOG = "query Log { notificationLog(first: 20) { channel outcome outcomeReason } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The worker polls rarely: tests drive it with deliver_due."""
    return settings.model_copy(update={"notify_poll_seconds": 3600.0})


async def _gql(server: LiveServer, query: str, bearer: str, **variables: Any) -> dict[str, Any]:
    body = await graphql(server, query, variables, bearer)
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def _order(server: LiveServer) -> tuple[str, str, str]:
    """A client and a freelancer with an order: (client token, freelancer token, conversation)."""
    service = token("marketplace", SERVICE_ROLE)
    ids = {}
    for kind in ("CLIENT", "FREELANCER"):
        made = await _gql(server, CREATE_ACCOUNT, service, input={"kind": kind, "name": kind})
        ids[kind] = made["createAccount"]["id"]
    order = {"clientId": ids["CLIENT"], "freelancerId": ids["FREELANCER"], "title": "Guide"}
    made = await _gql(server, CREATE_ORDER, service, input=order)
    return token(ids["CLIENT"]), token(ids["FREELANCER"]), made["createOrder"]["conversationId"]


async def _register(
    server: LiveServer, bearer: str, endpoint: str, keys: BrowserKeys | None = None
) -> dict[str, Any]:
    keys = keys or BrowserKeys()
    device = {"endpoint": endpoint, "p256dh": keys.p256dh, "auth": keys.auth}
    result: dict[str, Any] = (await _gql(server, REGISTER, bearer, input=device))[
        "registerPushSubscription"
    ]
    return result


async def _push_reason(server: LiveServer, endpoint: str) -> str:
    """Register `endpoint` for a new freelancer, send them a message, run the worker once:
    the push's line in the freelancer's own notification log."""
    client, freelancer, conversation = await _order(server)
    assert (await _register(server, freelancer, endpoint))["__typename"] == "PushDevice"
    await _gql(server, SEND, client, id=conversation)
    assert server.services.notifier is not None
    await server.services.notifier.deliver_due()
    log = (await _gql(server, LOG, freelancer))["notificationLog"]
    (push,) = [row for row in log if row["channel"] == "PUSH" and row["outcome"] == "RETRYING"]
    reason: str = push["outcomeReason"]
    return reason


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there any more


async def test_a_push_aimed_at_loopback_is_never_sent_and_reads_like_any_failure(
    live_server: LiveServer, push_service: PushService
) -> None:
    open_port = push_service.base.rsplit(":", 1)[1]
    # Names, not literals: registration accepts them, the send-time resolution refuses them.
    to_open = await _push_reason(live_server, f"http://localhost:{open_port}/push/maya")
    to_closed = await _push_reason(live_server, f"http://localhost:{_closed_port()}/push/maya")

    assert push_service.received == [], "the loopback server saw no request"
    assert "push endpoint unreachable" in to_open
    assert to_open == to_closed, "an open and a closed internal port read the same"
    for leak in ("127.0.0.1", "localhost", open_port, "Error", "connect"):
        assert leak not in to_open


@pytest.fixture
def production(settings: Settings) -> Settings:
    return settings.model_copy(update={"debug": False})


async def test_registration_refuses_what_production_would_never_send(
    production: Settings, clock: ManualClock, db: TortoiseContext
) -> None:
    async with running_server(production, clock) as server:
        _, freelancer, _ = await _order(server)
        refused = [
            "http://push.example/device",  # not https
            "https://127.0.0.1/device",
            "https://[::ffff:10.0.0.1]/device",
            "https://169.254.169.254/latest/meta-data",
            "https://user:secret@push.example/device",
            "https://push.example:99999/device",
        ]
        for endpoint in refused:
            answer = await _register(server, freelancer, endpoint)
            assert answer["__typename"] == "InvalidInput", endpoint
            assert answer["code"] == "INVALID_INPUT"
        assert await PushSubscription.all().count() == 0, "nothing was stored"
        accepted = await _register(server, freelancer, "https://push.example/device")
        assert accepted["__typename"] == "PushDevice"


@pytest.fixture
def loopback_allowed(settings: Settings) -> Settings:
    return settings.model_copy(update={"outbound_allow_private": True})


async def test_an_endpoint_registered_to_another_account_stays_with_it(
    loopback_allowed: Settings, clock: ManualClock, push_service: PushService
) -> None:
    async with running_server(loopback_allowed, clock) as server:
        client, victim, conversation = await _order(server)
        _, attacker, _ = await _order(server)
        endpoint, browser = f"{push_service.base}/push/victim", BrowserKeys()
        assert (await _register(server, victim, endpoint, browser))["__typename"] == "PushDevice"

        taken = await _register(server, attacker, endpoint)  # the URL, not the browser's keys
        assert taken["code"] == "INVALID_INPUT"
        assert "another account" in taken["message"]

        await _gql(server, SEND, client, id=conversation)
        assert server.services.notifier is not None
        await server.services.notifier.deliver_due()
        (push,) = await push_service.wait_for(1)
        assert push.path == "/push/victim"
        assert browser.decrypt(push.body), "the victim's browser still gets its pushes"

        # The same browser (its keys) signed in as someone else: the device moves with it.
        moved = await _register(server, attacker, endpoint, browser)
        assert moved["__typename"] == "PushDevice"
