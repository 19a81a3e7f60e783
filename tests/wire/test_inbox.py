"""The reference inbox page at /inbox, as a browser would fetch it (browser runs: tests/browser).

Served only when PARLEY_INBOX_PAGE is on (default: debug), with a Content-Security-Policy
that allows nothing from another origin; every URL it references is same-origin and served,
every module it imports too, and every GraphQL document it sends is valid against the schema.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import graphql
import httpx
import pytest

from parley.schema.build import build_schema
from parley.server import STATIC, create_app
from parley.web.settings import Settings
from tests.live_server import LiveServer
from tests.tokens import SECRET

# Static `import … from "x"`, `export … from "x"`, bare `import "x"` and dynamic `import("x")`.
MODULE_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']"""
    r"""|^\s*import\s*["']([^"']+)["']"""
    r"""|\bimport\(\s*["']([^"']+)["']\s*\)""",
    re.MULTILINE,
)
# The DOM contract the browser tests drive (docs: the inbox page in README).
CONTRACT_IDS = {
    "token",
    "connect",
    "status",
    "menu-unread",
    "clients",
    "filter",
    "feed",
    "older",
    "composer",
    "send",
    "blocked",
}


class PageParts(HTMLParser):
    """Every element id, URL attribute, inline script or style, and filter option of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str | None]] = {}
        self.urls: list[str] = []
        self.inline: list[str] = []
        self.options: list[str] = []
        self._script_has_src = False
        self._in_filter = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if element_id := named.get("id"):
            self.ids[element_id] = named
        for name, value in attrs:
            if name in {"src", "href", "action", "formaction", "poster"} and value is not None:
                self.urls.append(value)
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}>")
        if tag == "script":
            self._script_has_src = "src" in named
        if tag == "style":
            self.inline.append("<style>")
        if tag == "select" and named.get("id") == "filter":
            self._in_filter = True
        if tag == "option" and self._in_filter:
            self.options.append(named.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_filter = False

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and not self._script_has_src and data.strip():
            self.inline.append("<script> with inline code")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


async def test_the_page_is_served_with_a_policy_that_allows_only_its_own_origin(
    live_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        page = await http.get("/inbox")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = csp_directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'", "ws:", "wss:"]
    assert policy["object-src"] == ["'none'"]
    allowed = {source for sources in policy.values() for source in sources}
    assert allowed <= {"'self'", "'none'", "ws:", "wss:"}, allowed
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_the_page_has_every_element_of_the_dom_contract(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        page = PageParts()
        page.feed((await http.get("/inbox")).text)
    missing = CONTRACT_IDS - page.ids.keys()
    assert not missing, missing
    assert page.options == ["ALL", "ORDERS", "MESSAGES", "CALLS"]
    assert "hidden" in page.ids["blocked"]
    assert page.inline == [], "the page's CSP refuses inline scripts, styles and handlers"


async def test_everything_the_page_loads_is_same_origin_and_served(
    live_server: LiveServer,
) -> None:
    origin = urlsplit(live_server.base)
    async with httpx.AsyncClient(base_url=live_server.base) as http:
        page = PageParts()
        page.feed((await http.get("/inbox")).text)
        pending = [urljoin(f"{live_server.base}/inbox", url) for url in page.urls]
        seen: set[str] = set()
        while pending:
            url = pending.pop()
            if url in seen:
                continue
            seen.add(url)
            assert urlsplit(url)[:2] == origin[:2], f"{url} is not on the page's origin"
            response = await http.get(url)
            assert response.status_code == 200, url
            if url.endswith(".js"):
                assert "javascript" in response.headers["content-type"], url
                for match in MODULE_IMPORT.finditer(response.text):
                    specifier = next(group for group in match.groups() if group)
                    assert specifier.startswith(("/", "./", "../")), (
                        f"{url} imports {specifier!r}: a browser cannot resolve a bare name"
                    )
                    pending.append(urljoin(url, specifier))
            elif url.endswith(".css"):
                assert response.headers["content-type"].startswith("text/css"), url
        licence = await http.get("/static/vendor/graphql-ws/LICENSE.md")
    modules = {urlsplit(url).path for url in seen if url.endswith(".js")}
    assert {
        "/static/inbox/main.js",
        "/static/inbox/graphql.js",
        "/static/vendor/graphql-ws/client.js",
    } <= modules, modules
    assert licence.status_code == 200
    assert "MIT" in licence.text


def test_every_graphql_document_of_the_page_is_valid_against_the_schema() -> None:
    documents = page_documents(STATIC / "inbox" / "documents.js")
    schema = graphql.build_schema(build_schema(debug=True).as_str())
    assert {"FEED", "SEND_MESSAGE", "MARK_READ", "FEED_UPDATES", "UNREAD_INDICATORS"} <= set(
        documents
    )
    for name, text in documents.items():
        errors = graphql.validate(schema, graphql.parse(text))
        assert errors == [], f"{name}: {errors}"


def page_documents(module: Path) -> dict[str, str]:
    """The exported documents of documents.js, fragments (`${NAME}`) filled in."""
    constants = dict(
        re.findall(r"^(?:export )?const (\w+) = `([^`]*)`;", module.read_text(), re.MULTILINE)
    )
    exported = re.findall(r"^export const (\w+) = `", module.read_text(), re.MULTILINE)
    return {
        name: re.sub(r"\$\{(\w+)\}", lambda used: constants[used[1]], constants[name])
        for name in exported
    }


@pytest.mark.parametrize(
    ("debug", "inbox_page", "status"),
    [(True, None, 200), (False, None, 404), (True, False, 404), (False, True, 200)],
)
async def test_the_page_is_off_in_production_unless_enabled(
    tmp_path: Path, debug: bool, inbox_page: bool | None, status: int
) -> None:
    settings = Settings(
        jwt_secret=SECRET,
        debug=debug,
        inbox_page=inbox_page,
        data_dir=tmp_path,
        log_format="text",
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://parley"
    ) as http:
        assert (await http.get("/inbox")).status_code == status
