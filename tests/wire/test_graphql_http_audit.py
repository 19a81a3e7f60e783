"""graphql-http's public GraphQL-over-HTTP conformance audit, run against a live server."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from parley.web.settings import Settings
from tests.live_server import LiveServer

AUDIT = Path(__file__).parents[2] / "tools" / "graphql-http"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The audit sends ~60 anonymous requests from one address.
    return settings.model_copy(update={"rate_limit_unauthenticated": "1000/minute"})


async def test_every_graphql_http_server_audit_is_ok(live_server: LiveServer) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed for the graphql-http audit"
    assert (AUDIT / "node_modules" / "graphql-http").is_dir(), "run `make test` (npm ci) first"
    process = await asyncio.create_subprocess_exec(
        node,
        str(AUDIT / "audit.mjs"),
        live_server.http,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    results = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(results) > 50, results
    failing = [result for result in results if result["status"] != "ok"]
    assert failing == []
