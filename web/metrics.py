"""GET /metrics: the Prometheus text format (what is counted: telemetry/metrics.py).

With `PARLEY_METRICS_TOKEN` set, a scrape must send `Authorization: Bearer <token>`
(401 otherwise). Without a token the endpoint exists only in debug (development):
in production it is 404 until an operator sets a token.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from parley.telemetry.metrics import exposition
from parley.web.settings import Settings


class MetricsEndpoint:
    def __init__(self, settings: Settings) -> None:
        self.token = settings.metrics_token
        self.open = settings.debug and not self.token

    async def serve(self, request: Request) -> Response:
        if not self.open:
            if self.token is None:
                return JSONResponse({"error": "not found"}, status_code=404)
            sent = request.headers.get("authorization", "")
            expected = f"Bearer {self.token}"
            if not hmac.compare_digest(sent.encode(), expected.encode()):
                return JSONResponse(
                    {"error": "send the metrics token as a bearer token"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        body, media_type = exposition()
        return Response(body, media_type=media_type)
