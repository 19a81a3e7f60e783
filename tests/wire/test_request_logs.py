"""Request ids and the text log format `make run` keeps, over real HTTP."""

from __future__ import annotations

import logging

import httpx
import pytest

from parley.telemetry.logs import TEXT_FORMAT
from tests.live_server import LiveServer
from tests.tokens import token

ME = "query Me { unreadSummary { totalUnread } }"


async def test_a_request_id_is_echoed_or_made_up(live_server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        given = await http.post(
            live_server.http, json={"query": ME}, headers={"X-Request-ID": "abc-1"}
        )
        none = await http.post(live_server.http, json={"query": ME})
        forged = await http.post(
            live_server.http, json={"query": ME}, headers={"X-Request-ID": "a b\\" + "x" * 200}
        )
    assert given.headers["x-request-id"] == "abc-1"
    assert len(none.headers["x-request-id"]) == 32
    assert len(forged.headers["x-request-id"]) == 32  # not a safe token: replaced


@pytest.mark.usefixtures("accounts_one_to_nine")
async def test_make_run_logs_text_lines_for_people(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert live_server.services.settings.log_format_on == "text"  # debug, as `make run`
    caplog.set_level(logging.INFO, logger="parley.requests")
    async with httpx.AsyncClient() as http:
        await http.post(
            live_server.http, json={"query": ME}, headers={"Authorization": f"Bearer {token(1)}"}
        )
    (record,) = [r for r in caplog.records if r.name == "parley.requests"]
    assert record.request_id  # type: ignore[attr-defined]
    line = logging.Formatter(TEXT_FORMAT).format(record)
    assert "INFO parley.requests: POST /graphql 200 Me ok" in line
    assert not line.startswith("{")
