"""GraphiQL in chromium with the internet cut off: it renders from Parley's own assets, a
pasted token signs a query in, and a subscription shows what another client sends."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from parley.web.settings import Settings
from tests.browser.drivers import driver, screenshots
from tests.ids import raw
from tests.live_server import LiveServer
from tests.support import WAIT
from tests.tokens import token
from tests.wire.pairs import (
    ACCEPT_MEMBERSHIP,
    CREATE_ACCOUNT,
    CREATE_CAMPAIGN,
    CREATE_ORDER,
    SEND,
    SEND_CALL_INVITE,
    Pair,
    graphql,
    make_pair,
)

ME = "query Me { me { id name } }"
MESSAGES = "subscription Messages { messageReceived { message { body } } }"


async def query_and_subscribe_in_graphiql(
    live_server: LiveServer, artifacts: Path, pair: Pair, body: str
) -> tuple[dict[str, Any], list[str]]:
    """GraphiQL runs ME and MESSAGES; another client sends `body`. What the page saw."""
    options = {
        "url": live_server.http,
        "token": token(pair.freelancer),
        "query": ME,
        "answer": "Gia freelancer",
        "subscription": MESSAGES,
        "event": body,
    }
    async with driver("graphiql.mjs", artifacts, **options) as browser:
        await browser.until("subscribed")
        hub = live_server.services.bus.hub
        await asyncio.wait_for(hub.wait_for_listeners(raw(pair.freelancer), 1), WAIT)
        send = {"input": {"conversationId": pair.conversation, "body": body}}
        sent = await graphql(live_server, SEND, send, pair.client_token)
        assert sent["data"]["sendMessage"]["__typename"] == "Message", sent
        seen: dict[str, Any] = await browser.until("done")
        return seen, screenshots(browser.steps)


async def test_graphiql_works_offline_with_a_token_and_shows_a_subscription_event(
    live_server: LiveServer, artifacts: Path
) -> None:
    pair: Pair = await make_pair(live_server, "Gia")
    freelancer_token = token(pair.freelancer)
    body = "seen in GraphiQL"
    seen, shots = await query_and_subscribe_in_graphiql(live_server, artifacts, pair, body)

    assert seen["status"] == 200
    assert seen["blocked"] == [], "GraphiQL reached outside Parley for these"
    assert seen["errors"] == [], "the page threw"
    assert pair.freelancer in seen["answer"]
    assert body in seen["pushed"]
    assert seen["csp"], "the GraphiQL page has no Content-Security-Policy"
    assert "unpkg" not in seen["csp"]
    assert "Authorization" in seen["welcome"], "the welcome text must say how to paste a token"
    holding = [key for key, value in seen["persisted"].items() if freelancer_token in value]
    assert holding == [], f"localStorage keeps the token (not opted in): {holding}"
    assert shots == [
        "01-loaded.png",
        "02-token-pasted.png",
        "03-query-answered.png",
        "04-subscribed.png",
        "05-subscription-event.png",
    ]


class TestOnlyTrustedDocuments:
    """With a manifest that holds none of GraphiQL's documents, the page still runs them in
    debug (it marks its requests), and other clients are refused them."""

    @pytest.fixture
    def settings(self, settings: Settings, tmp_path: Path) -> Settings:
        manifest = tmp_path / "persisted-documents.json"
        documents = [CREATE_ACCOUNT, CREATE_ORDER, SEND, SEND_CALL_INVITE, CREATE_CAMPAIGN]
        documents.append(ACCEPT_MEMBERSHIP)  # the other client's: make_pair, then SEND
        manifest.write_text(json.dumps({f"doc-{i}": text for i, text in enumerate(documents)}))
        return settings.model_copy(update={"trusted_documents": manifest})

    async def test_graphiql_runs_any_document_in_debug(
        self, live_server: LiveServer, artifacts: Path
    ) -> None:
        pair: Pair = await make_pair(live_server, "Gia")
        body = "seen in GraphiQL, trusted documents on"

        seen, _ = await query_and_subscribe_in_graphiql(live_server, artifacts, pair, body)

        assert seen["errors"] == [], "the page threw"
        assert pair.freelancer in seen["answer"]
        assert body in seen["pushed"]
        refused = await graphql(live_server, ME, None, token(pair.freelancer))
        assert refused["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
