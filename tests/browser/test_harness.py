"""The harness on its own: chromium, with the internet cut off, opens a live server's page."""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser.drivers import run_driver
from tests.live_server import LiveServer


async def test_chromium_opens_a_live_servers_page_and_keeps_a_screenshot(
    live_server: LiveServer, artifacts: Path
) -> None:
    seen = await run_driver("smoke.mjs", artifacts, url=f"{live_server.base}/health/live")
    assert seen["status"] == 200
    assert json.loads(seen["text"])["status"] == "ok"
    assert seen["blocked"] == []
    assert seen["screenshots"] == ["01-opened.png"]
