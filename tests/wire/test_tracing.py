"""OpenTelemetry spans of a send, end to end, with the SDK's in-memory exporter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from parley.models.store.clock import ManualClock
from parley.server import create_app
from parley.telemetry import tracing
from parley.web.settings import Settings
from tests.ids import raw
from tests.live_server import LiveServer, running_server
from tests.services.api import make_pair
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import SECRET, token

SEND = (
    "mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { __typename } }"
)
MESSAGES = "subscription { messageReceived { message { body } } }"


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def traced_server(
    settings: Settings, clock: ManualClock, spans: InMemorySpanExporter
) -> AsyncIterator[LiveServer]:
    async with running_server(settings, clock, span_exporter=spans) as server:
        yield server


def named(spans: InMemorySpanExporter, name: str) -> ReadableSpan:
    (span,) = [span for span in spans.get_finished_spans() if span.name == name]
    return span


async def test_a_send_is_traced_from_request_to_delivery(
    traced_server: LiveServer, spans: InMemorySpanExporter
) -> None:
    hub = traced_server.services.bus.hub
    async with httpx.AsyncClient() as http:
        pair = await make_pair(http, traced_server.http)
        ws = await GraphQLWSClient.open(traced_server.ws, token(pair.freelancer))
        try:
            await ws.subscribe("m", MESSAGES)
            await asyncio.wait_for(hub.wait_for_listeners(raw(pair.freelancer), 1), WAIT)
            spans.clear()
            variables = {"input": {"conversationId": pair.conversation, "body": "traced"}}
            response = await http.post(
                traced_server.http,
                json={"query": SEND, "variables": variables},
                headers={"Authorization": f"Bearer {token(pair.client)}"},
            )
            assert response.json()["data"]["sendMessage"]["__typename"] == "Message"
            frame = await ws.next_payload("m")
            assert frame["messageReceived"]["message"]["body"] == "traced"
        finally:
            await ws.close()

    operation = named(spans, "graphql SendMessage")
    transaction = named(spans, "parley.send_message.transaction")
    publish = named(spans, "parley.publish")
    delivery = named(spans, "parley.deliver")
    assert operation.attributes is not None
    assert operation.attributes["parley.outcome"] == "ok"
    for child in (transaction, publish):
        assert child.parent is not None
        assert child.parent.span_id == operation.context.span_id
        assert child.context.trace_id == operation.context.trace_id
    assert delivery.end_time is not None


async def test_tracing_is_off_without_otel_settings(tmp_path: Path) -> None:
    settings = Settings(jwt_secret=SECRET, data_dir=tmp_path)
    app = create_app(settings)
    assert app.state.services.tracer is None
    assert app.state.services.bus.hub.tracer is None
    # Off, a span is one shared no-op: nothing is made per call.
    assert tracing.span(None, "parley.deliver") is tracing.span(None, "parley.publish")
    on = tracing.build_tracing(
        service_name=settings.otel_service_name,
        exporter_kind=None,
        otlp_endpoint="http://127.0.0.1:4318",
    )
    assert on is not None
    on.shutdown()
