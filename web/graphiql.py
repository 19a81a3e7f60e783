"""GraphiQL's page, served from Parley's own files (static/graphiql/) under a strict CSP.

Nothing on the page comes from another origin: React, GraphiQL and the explorer plugin
are the pinned files `make graphiql-assets` copies into static/graphiql/vendor/ (the
versions strawberry's own page loads from unpkg, with the same integrity hashes), and
the page's script is a file too, so the policy allows no inline script at all.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import HTMLResponse

STATIC = "/static/graphiql"

PAGE = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Parley GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{STATIC}/vendor/graphiql.min.css"
      integrity="sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM">
    <link rel="stylesheet" href="{STATIC}/vendor/plugin-explorer.css"
      integrity="sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi">
    <link rel="stylesheet" href="{STATIC}/graphiql-page.css">
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
    <script src="{STATIC}/vendor/react.production.min.js"
      integrity="sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"></script>
    <script src="{STATIC}/vendor/react-dom.production.min.js"
      integrity="sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"></script>
    <script src="{STATIC}/vendor/graphiql.min.js"
      integrity="sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"></script>
    <script src="{STATIC}/vendor/plugin-explorer.umd.js"
      integrity="sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"></script>
    <script src="{STATIC}/graphiql-page.js"></script>
  </body>
</html>
"""

# GraphiQL's editors and its UI library set inline styles; fonts are data: URLs in its CSS.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; connect-src 'self'"
)

# A Host header that is a host name or address and an optional port: nothing that could
# end the directive or add a source.
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def content_security_policy(host: str | None) -> str:
    """The page's policy; its WebSocket goes to the same host (`'self'` does not cover ws:
    in every browser), so that host's ws: and wss: are named, and no other."""
    if host is None or not _HOST.fullmatch(host):
        return POLICY
    return f"{POLICY} ws://{host} wss://{host}"


def graphiql_page(request: Request) -> HTMLResponse:
    """The page, with its Content-Security-Policy."""
    policy = content_security_policy(request.headers.get("host"))
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return HTMLResponse(PAGE, headers=headers)
