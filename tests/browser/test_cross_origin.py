"""Web apps on other loopback origins calling Parley from chromium: one on
PARLEY_ALLOWED_ORIGINS talks to it over fetch and WebSocket, one not on it is refused both."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from parley.web.settings import Settings
from tests.browser.drivers import run_driver
from tests.live_server import LiveServer
from tests.wire.pairs import make_pair

PAGES = Path(__file__).parent / "pages"
NORMAL_CLOSURE = 1000
ABNORMAL_CLOSURE = 1006  # what a browser reports when the handshake is refused


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_site() -> Iterator[str]:
    """tests/browser/pages served on a loopback port of its own; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def allowed_origin() -> Iterator[str]:
    with static_site() as origin:
        yield origin


@pytest.fixture
def other_origin() -> Iterator[str]:
    with static_site() as origin:
        yield origin


@pytest.fixture
def settings(settings: Settings, allowed_origin: str) -> Settings:
    assert "allowed_origins" in Settings.model_fields, "PARLEY_ALLOWED_ORIGINS is not merged"
    return settings.model_copy(update={"allowed_origins": [allowed_origin]})


async def test_an_allowed_origin_talks_to_parley_and_another_is_refused(
    live_server: LiveServer, allowed_origin: str, other_origin: str, artifacts: Path
) -> None:
    pair = await make_pair(live_server, "Olu")
    query = urlencode({"api": live_server.base, "token": pair.client_token})
    pages = {
        "allowed": f"{allowed_origin}/web_app.html?{query}",
        "refused": f"{other_origin}/web_app.html?{query}",
    }
    seen = await run_driver("cross_origin.mjs", artifacts, pages=pages)
    allowed, refused = seen["pages"]["allowed"], seen["pages"]["refused"]

    assert allowed["fetch"] == {"status": 200, "body": {"data": {"me": {"id": pair.client}}}}
    assert allowed["socket"] == {
        "opened": True,
        "acked": True,
        "data": {"me": {"id": pair.client}},
        "closed": NORMAL_CLOSURE,
    }
    assert allowed["console"] == []

    assert refused["fetch"] == {"error": "TypeError: Failed to fetch"}
    assert refused["socket"] == {"opened": False, "acked": False, "closed": ABNORMAL_CLOSURE}
    assert any("CORS policy" in line for line in refused["console"]), refused["console"]
    assert seen["screenshots"] == ["01-allowed.png", "02-refused.png"]
