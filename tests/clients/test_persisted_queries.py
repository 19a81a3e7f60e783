"""Apollo's createPersistedQueryLink against a live server: the first request misses and the
link falls back to the full document; the next request is answered from the hash alone."""

from __future__ import annotations

import logging

import pytest

from tests.clients.conversation import Conversation
from tests.clients.node import node_script
from tests.live_server import LiveServer

# Apollo's protocol: the message, with the code in extensions (either is recognised).
NOT_FOUND = ({"PERSISTED_QUERY_NOT_FOUND"}, {"PersistedQueryNotFound"})


async def test_apollo_persisted_query_link_misses_once_then_hits_by_hash(
    live_server: LiveServer, unread_conversation: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="parley.requests")
    async with node_script(
        "persisted_queries.mjs", live_server.http, unread_conversation.freelancer_token
    ) as script:
        first = await script.until("first")
        second = await script.until("second")
        await script.until("done")

    name = f"{unread_conversation.name} freelancer"
    assert first["cache"]["me"]["name"] == second["cache"]["me"]["name"] == name
    miss, retry = first["requests"]
    (hit,) = second["requests"]
    assert miss["withQuery"] is False
    assert set(miss["errors"]) in NOT_FOUND, miss
    assert (retry["withQuery"], retry["errors"]) == (True, [])
    assert (hit["withQuery"], hit["errors"]) == (False, [])
    assert miss["hash"] == retry["hash"] == hit["hash"]
    # What the server saw: three requests, the first refused, the hash alone then answered.
    served = [r for r in caplog.records if r.name == "parley.requests"]
    outcomes = [r.outcome for r in served]  # type: ignore[attr-defined]
    assert len(outcomes) == 3, outcomes
    # The miss runs no document: the request log calls that `invalid` (README, Logs).
    assert outcomes[0] == "invalid"
    assert outcomes[1:] == ["ok", "ok"]
