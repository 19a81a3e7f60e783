"""/metrics over the wire: what operators graph, counted as clients use a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from parley.models.accounts import Account
from parley.resolvers.cursors import event_cursor
from parley.server import create_app
from parley.telemetry.metrics import MAX_OPERATION_NAMES, OperationNames
from parley.web.settings import Settings
from tests.ids import raw
from tests.live_server import LiveServer
from tests.scrape import scrape
from tests.services.api import MESSAGES, make_pair, post, send
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import SECRET, token

ME = "query Me { unreadSummary { totalUnread } }"
BROKEN = "query Broken { noSuchField }"
DURATION = "parley_http_request_duration_seconds_count"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_sends": "3/minute"})


async def test_http_requests_are_counted_by_operation_and_outcome(
    live_server: LiveServer, client: Account
) -> None:
    before = await scrape(live_server.base)
    async with httpx.AsyncClient() as http:
        ok = await http.post(
            live_server.http,
            json={"query": ME},
            headers={"Authorization": f"Bearer {token(client.id)}"},
        )
        invalid = await http.post(live_server.http, json={"query": BROKEN})
        refused = await http.post(
            live_server.http, content=b"query", headers={"Content-Type": "text/plain"}
        )
    assert (ok.status_code, invalid.status_code, refused.status_code) == (200, 200, 415)
    after = await scrape(live_server.base)

    def added(operation: str, outcome: str) -> float:
        labels = {"operation": operation, "outcome": outcome}
        return after.value(DURATION, **labels) - before.value(DURATION, **labels)

    assert added("Me", "ok") == 1
    assert added("Broken", "invalid") == 1
    assert added("-", "refused") == 1
    assert after.value("parley_http_requests_in_progress") == 0


def test_operation_names_as_labels_are_well_formed_and_bounded() -> None:
    names = OperationNames()
    assert names.label(None) == "anonymous"
    assert names.label("drop table; --") == "invalid"
    labels = {names.label(f"Op{index}") for index in range(MAX_OPERATION_NAMES + 50)}
    assert len(labels) == MAX_OPERATION_NAMES + 1
    assert "other" in labels
    assert names.label("Op0") == "Op0"  # a name seen before keeps its label


async def test_live_delivery_is_measured_from_commit_to_frame(live_server: LiveServer) -> None:
    hub = live_server.services.bus.hub
    async with httpx.AsyncClient() as http:
        pair = await make_pair(http, live_server.http)
        await send(http, live_server.http, pair, "before the subscription")
        before = await scrape(live_server.base)
        ws = await GraphQLWSClient.open(live_server.ws, token(pair.freelancer))
        try:
            await ws.subscribe("m", MESSAGES, {"after": event_cursor(0)})
            replayed = await ws.next_payload("m")  # the resume replays the one message
            assert replayed["messageReceived"]["message"]["body"] == "before the subscription"
            await asyncio.wait_for(hub.wait_for_listeners(raw(pair.freelancer), 1), WAIT)
            opened = await scrape(live_server.base)
            await send(http, live_server.http, pair, "live")
            live = await ws.next_payload("m")
            assert live["messageReceived"]["message"]["body"] == "live"
            delivered = await scrape(live_server.base)
        finally:
            await ws.close()
        await asyncio.wait_for(hub.wait_for_no_listeners(raw(pair.freelancer)), WAIT)
        closed = await scrape(live_server.base)

    assert (
        opened.value("parley_websocket_connections")
        == before.value("parley_websocket_connections") + 1
    )
    assert opened.value("parley_subscriptions") == before.value("parley_subscriptions") + 1
    assert closed.value("parley_subscriptions") == before.value("parley_subscriptions")
    replays = "parley_replay_events_count"
    assert opened.value(replays) == before.value(replays) + 1
    # The freelancer's log holds the order's event and the message: both are replayed.
    assert opened.value("parley_replay_events_sum") == before.value("parley_replay_events_sum") + 2
    lag = "parley_delivery_lag_seconds_count"
    assert opened.value(lag) == before.value(lag)  # a replay is not a live delivery
    assert delivered.value(lag) == opened.value(lag) + 1


async def test_rate_limit_refusals_are_counted_by_limit(live_server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        pair = await make_pair(http, live_server.http)
        before = await scrape(live_server.base)
        results = []
        for attempt in range(4):  # three per minute
            variables = {"input": {"conversationId": pair.conversation, "body": f"{attempt}"}}
            data = await post(http, live_server.http, SEND_ANY, variables, token(pair.client))
            results.append(data["sendMessage"]["__typename"])
    after = await scrape(live_server.base)
    assert results == ["Message", "Message", "Message", "RateLimited"]
    refusals = "parley_rate_limit_refusals_total"
    assert after.value(refusals, limit="sends") == before.value(refusals, limit="sends") + 1


SEND_ANY = "mutation($input: SendMessageInput!) { sendMessage(input: $input) { __typename } }"


async def test_metrics_are_not_served_in_production_without_a_token(tmp_path: Path) -> None:
    production = Settings(jwt_secret=SECRET, debug=False, data_dir=tmp_path, log_format="text")
    guarded = production.model_copy(update={"metrics_token": "scrape-me"})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(production)), base_url="http://parley"
    ) as http:
        assert (await http.get("/metrics")).status_code == 404
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(guarded)), base_url="http://parley"
    ) as http:
        assert (await http.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer guess"}
        assert (await http.get("/metrics", headers=wrong)).status_code == 401
        right = await http.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert right.status_code == 200
        assert "parley_http_request_duration_seconds" in right.text
