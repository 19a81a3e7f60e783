"""GraphiQL (web.graphiql) is Parley's own page: nothing from other origins, under its CSP."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from parley.models.store.clock import ManualClock
from parley.web.graphiql import content_security_policy
from parley.web.settings import Settings
from tests.live_server import LiveServer, running_server

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "graphiql" / "vendor"
PINS = ROOT / "tools" / "graphiql"
HTML = {"Accept": "text/html"}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css"}


class References(HTMLParser):
    """Every URL a page loads (src, href) and the text of its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str | None]] = []  # (url, integrity)
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            url = values.get(name)
            if url is not None:
                self.urls.append((url, values.get("integrity")))
        self._in_script = tag == "script" and "src" not in values

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


async def page_of(live_server: LiveServer) -> tuple[httpx.Response, References]:
    async with httpx.AsyncClient() as http:
        page = await http.get(live_server.http, headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    references = References()
    references.feed(page.text)
    return page, references


def own_files(references: References) -> list[tuple[str, str | None]]:
    """The references that are files (not data: URLs)."""
    return [(url, sri) for url, sri in references.urls if not url.startswith("data:")]


async def test_the_page_loads_nothing_from_another_origin(live_server: LiveServer) -> None:
    _, references = await page_of(live_server)
    assert len(own_files(references)) == 8  # 3 stylesheets, 5 scripts
    for url, _ in references.urls:
        assert url.startswith("data:") or (url.startswith("/") and not url.startswith("//")), url
    assert references.inline_scripts == []


async def test_every_asset_is_served_with_its_type_and_integrity(live_server: LiveServer) -> None:
    _, references = await page_of(live_server)
    async with httpx.AsyncClient() as http:
        for url, integrity in own_files(references):
            asset = await http.get(live_server.base + url)
            assert asset.status_code == 200, url
            suffix = Path(url).suffix
            assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url
            if integrity is not None:
                digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
                assert integrity == f"sha384-{digest}", url


async def test_the_page_carries_a_policy_that_allows_only_this_server(
    live_server: LiveServer,
) -> None:
    page, _ = await page_of(live_server)
    host = live_server.base.removeprefix("http://")
    directives = {
        name: sources
        for name, *sources in (
            part.split() for part in page.headers["content-security-policy"].split(";")
        )
    }
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["connect-src"] == ["'self'", f"ws://{host}", f"wss://{host}"]
    allowed = {"'self'", "'none'", "'unsafe-inline'", "data:", f"ws://{host}", f"wss://{host}"}
    for name, sources in directives.items():
        assert set(sources) <= allowed, name


@pytest.mark.parametrize("host", ["evil.example; script-src *", "a b", "x'y", None])
def test_a_strange_host_header_adds_no_source(host: str | None) -> None:
    policy = content_security_policy(host)
    assert "ws://" not in policy
    assert policy.count(";") == 8


async def test_the_welcome_text_says_how_to_paste_a_token(live_server: LiveServer) -> None:
    _, references = await page_of(live_server)
    (script,) = [url for url, _ in references.urls if url.endswith("graphiql-page.js")]
    async with httpx.AsyncClient() as http:
        text = (await http.get(live_server.base + script)).text
    assert '{"Authorization": "Bearer <token>"}' in text
    assert "make token ACCOUNT=1" in text
    assert "subscriptionUrl" in text  # graphql-ws (graphql-transport-ws) on this server
    assert "shouldPersistHeaders: true" not in text


async def test_each_vendored_package_has_its_licence(live_server: LiveServer) -> None:
    lock = json.loads((PINS / "package-lock.json").read_text())
    vendored = ["react", "react-dom", "graphiql", "@graphiql/plugin-explorer"]
    async with httpx.AsyncClient() as http:
        for name in vendored:
            version = lock["packages"][f"node_modules/{name}"]["version"]
            file = f"{name.replace('@', '').replace('/', '-')}.txt"
            licence = (VENDOR / "licenses" / file).read_text()
            assert licence.startswith(f"{name}@{version} (MIT)\n"), name
            assert "Permission is hereby granted" in licence
            served = await http.get(f"{live_server.base}/static/graphiql/vendor/licenses/{file}")
            assert served.status_code == 200
    third_party = (VENDOR / "licenses" / "THIRD-PARTY.txt").read_text()
    # Bundled into graphiql.min.js: its WebSocket client and its editor.
    assert "graphql-ws@" in third_party
    assert "codemirror@" in third_party


@pytest.fixture
async def graphiql_off(settings: Settings, clock: ManualClock) -> AsyncIterator[LiveServer]:
    async with running_server(settings.model_copy(update={"graphiql": False}), clock) as server:
        yield server


async def test_no_page_when_graphiql_is_off(graphiql_off: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(graphiql_off.http, headers=HTML)
    assert not page.headers["content-type"].startswith("text/html")
    assert "content-security-policy" not in page.headers
    assert "graphiql" not in page.text.lower()
