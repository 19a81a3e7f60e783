"""GET /inbox: the reference inbox page, a small browser client of Parley's own API.

The page is static (`static/inbox/`, plain ES modules, graphql-ws vendored under
`static/vendor/`); this endpoint serves its HTML with a Content-Security-Policy that
lets it load nothing and reach nothing outside its own origin, save Parley's
WebSocket. It is on when `PARLEY_INBOX_PAGE` is (default: in debug), else 404.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


class InboxPage:
    def __init__(self, static_dir: Path, *, enabled: bool) -> None:
        self.index = static_dir / "inbox" / "index.html"
        self.enabled = enabled

    async def serve(self, request: Request) -> Response:
        if not self.enabled:
            return JSONResponse({"error": "not found"}, status_code=404)
        return FileResponse(
            self.index,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache",
            },
        )
