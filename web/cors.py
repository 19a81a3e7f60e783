"""CORS for web apps on other origins: one allow-list (PARLEY_ALLOWED_ORIGINS) for HTTP.

Starlette's `CORSMiddleware` answers preflights and marks responses for the allowed
origins. A preflight from any other origin is refused here with a bare 400, because
Starlette's own refusal still lists the allowed methods and headers: an origin not on
the list learns nothing, and a browser blocks its request. The WebSocket handshake
checks the same list (web.view).
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.web.settings import Settings

log = logging.getLogger("parley.server")

METHODS = ("GET", "POST", "OPTIONS")
# What GraphQL clients over HTTP (fetch, urql, Apollo Client) send: the token, the body's
# type (application/json is not CORS-safelisted), a request id to quote in support, and
# the client's name and version, which Apollo Client adds when `name`/`version` are set
# (identification only: nothing trusts them).
HEADERS = (
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "apollographql-client-name",
    "apollographql-client-version",
)
# How long a browser may reuse a preflight's answer, in seconds (Chromium caps it at 7200).
MAX_AGE = 600


class CrossOrigin:
    """CORS for the origins on `allowed`, and no Access-Control-* header for any other."""

    def __init__(self, app: ASGIApp, allowed: list[str], credentials: bool) -> None:
        self.app = app
        self.allowed = frozenset(allowed)
        self.cors = CORSMiddleware(
            app,
            allow_origins=allowed,
            allow_methods=METHODS,
            allow_headers=HEADERS,
            allow_credentials=credentials,
            max_age=MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # WebSockets check the list in web.view
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:  # a client outside a browser, or a same-origin GET
            await self.app(scope, receive, send)
        elif origin in self.allowed:
            await self.cors(scope, receive, send)
        elif scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await DISALLOWED(scope, receive, send)
        else:  # the server's own pages, or a page the browser will not let read the answer
            await self.app(scope, receive, _vary_on_origin(send))


DISALLOWED = PlainTextResponse("Disallowed CORS origin", status_code=400)


def _vary_on_origin(send: Send) -> Send:
    """The response differs by Origin: a cache must not hand it to an allowed origin."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.add_vary_header("Origin")
        await send(message)

    return sending


def cross_origin(settings: Settings) -> Middleware:
    """The CORS middleware for the app, from the settings' one list of origins."""
    if settings.allowed_origins is None and settings.ws_allowed_origins is not None:
        log.warning(
            "PARLEY_WS_ALLOWED_ORIGINS is deprecated and now governs HTTP CORS too; "
            "rename it to PARLEY_ALLOWED_ORIGINS"
        )
    return Middleware(
        CrossOrigin,
        allowed=settings.allowed_origins_on,
        credentials=settings.allowed_origins_credentials,
    )
