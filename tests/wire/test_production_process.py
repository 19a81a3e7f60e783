"""One real Parley process as production runs it: `uvicorn --factory parley.server:create_app`.

Its logs are JSON lines on stderr (configured by Parley itself, not by uvicorn),
its health is split into live and ready, and SIGTERM drains it: WebSockets are
closed with 1012 "server shutting down", a send in flight completes, and the
process exits in bounded time.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.ids import raw
from tests.scrape import Metrics
from tests.services.api import MESSAGES, make_pair, send
from tests.services.processes import ParleyProcess, parley_env
from tests.support import WAIT, GraphQLWSClient
from tests.tokens import token

METRICS_TOKEN = "scrape-token"
GRACE = 10.0
BROKEN = "query Broken { noSuchField }"


@pytest.fixture
async def production(db_url: str, tmp_path: Path) -> AsyncIterator[ParleyProcess]:
    env = parley_env(db_url, "memory://", "parley.events", tmp_path / "data")
    env.update(
        PARLEY_DEBUG="false",
        PARLEY_LOG_FORMAT="json",
        PARLEY_METRICS_TOKEN=METRICS_TOKEN,
        PARLEY_SHUTDOWN_GRACE_SECONDS=str(GRACE),
        PARLEY_NOTIFY_POLL_SECONDS="3600",  # no background writer next to the test's lock
        PARLEY_CALL_EXPIRY_INTERVAL_SECONDS="3600",
    )
    process = ParleyProcess("production", env, tmp_path / "parley.log")
    try:
        await process.start()
        yield process
    finally:
        process.close()


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll another process (it has no event to wait on), for at most WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@asynccontextmanager
async def sends_blocked(db_url: str) -> AsyncIterator[None]:
    """Hold the write lock a send needs, from outside the server, while the block runs."""
    if db_url.startswith("sqlite://"):
        connection = sqlite3.connect(db_url.removeprefix("sqlite://"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    pg = await asyncpg.connect(db_url.split("?")[0])
    try:
        async with pg.transaction():
            await pg.execute("LOCK TABLE feed_items IN EXCLUSIVE MODE")
            yield
    finally:
        await pg.close()


async def test_health_logs_and_a_sigterm_that_drains(
    production: ParleyProcess, db_url: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        live = await http.get(f"{production.base}/health/live")
        ready = await http.get(f"{production.base}/health/ready")
        assert live.status_code == 200
        assert ready.json() == {
            "status": "ok",
            "database": "up",
            "migrations": "applied",
            "events": "up",
        }
        assert (await http.get(f"{production.base}/metrics")).status_code == 401

        pair = await make_pair(http, production.http)
        traced = await http.post(
            production.http,
            json={"query": "query Unread { unreadSummary { totalUnread } }"},
            headers={"Authorization": f"Bearer {token(pair.client)}", "X-Request-ID": "req-42"},
        )
        assert traced.headers["x-request-id"] == "req-42"
        invalid = await http.post(production.http, json={"query": BROKEN})
        assert invalid.headers["x-request-id"]  # one is made up when the client sends none

        ws = await GraphQLWSClient.open(production.ws, token(pair.freelancer))
        await ws.subscribe("m", MESSAGES)
        await until(lambda: metric(http, production, "parley_subscriptions", 1), "the subscription")

        async with sends_blocked(db_url):
            sending = asyncio.create_task(send(http, production.http, pair, "in flight"))
            await until(
                lambda: metric(http, production, "parley_http_requests_in_progress", 1),
                "the send to be in flight",
            )
            assert production.process is not None
            production.process.terminate()  # SIGTERM
            code, reason = await close_of(ws)
            assert (code, reason) == (1012, "server shutting down")
            draining = await http.get(f"{production.base}/health/ready")
            assert draining.status_code == 503
            refused = await http.post(production.http, json={"query": "{ __typename }"})
            assert refused.status_code == 503
            late = await GraphQLWSClient.open(production.ws, None, init=False)
            assert await close_of(late) == (1012, "server shutting down")
            assert not sending.done()
        message = await asyncio.wait_for(sending, GRACE)
        assert message["body"] == "in flight"

    exited = await asyncio.to_thread(production.process.wait, GRACE + 10)
    assert exited is not None

    lines = [json.loads(line) for line in production.log().splitlines() if line.strip()]
    (request,) = [line for line in lines if line.get("request_id") == "req-42"]
    assert request["operation"] == "Unread"
    assert request["account_id"] == raw(pair.client)
    assert request["outcome"] == "ok"
    assert request["duration_ms"] > 0
    (mistake,) = [line for line in lines if line.get("operation") == "Broken"]
    assert mistake["outcome"] == "invalid"
    assert mistake["level"] == "INFO"
    assert not [line for line in lines if line["level"] == "ERROR"], "a client mistake is no error"
    (socket,) = [line for line in lines if line["message"].startswith("WebSocket closed")]
    assert socket["account_id"] == raw(pair.freelancer)
    assert socket["request_id"]


async def metric(
    http: httpx.AsyncClient, process: ParleyProcess, name: str, at_least: float
) -> bool:
    response = await http.get(
        f"{process.base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    return Metrics(response.text).value(name) >= at_least


async def close_of(ws: GraphQLWSClient) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await _read_until_closed(ws)
    assert closed.value.rcvd is not None, "the server sent no close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def _read_until_closed(ws: GraphQLWSClient) -> None:
    while True:
        await ws.receive()


async def test_several_workers_behind_one_port_report_their_sum(
    db_url: str, tmp_path: Path
) -> None:
    """`uvicorn --workers 2` with PROMETHEUS_MULTIPROC_DIR: every scrape, whichever worker
    answers it, counts every request of both workers."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = parley_env(db_url, "memory://", "parley.events", tmp_path / "data")
    env.update(PROMETHEUS_MULTIPROC_DIR=str(folder), PARLEY_METRICS_TOKEN=METRICS_TOKEN)
    workers = ParleyProcess(
        "workers", env, tmp_path / "parley.log", uvicorn_args=("--workers", "2")
    )
    try:
        await workers.start()
        requests = 20
        for _ in range(requests):  # a new connection each: the workers take turns accepting
            async with httpx.AsyncClient(timeout=30) as http:
                response = await http.post(
                    workers.http, json={"query": "query Ping { __typename }"}
                )
                assert response.status_code == 200
        counts = set()
        for _ in range(5):
            async with httpx.AsyncClient(timeout=30) as http:
                scraped = await http.get(
                    f"{workers.base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
                )
            labels = {"operation": "Ping", "outcome": "ok"}
            counts.add(Metrics(scraped.text).value(COUNT, **labels))
        assert counts == {requests}
    finally:
        workers.close()


COUNT = "parley_http_request_duration_seconds_count"
