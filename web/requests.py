"""Every HTTP request: an id, one log line, its metrics and span; refused while shutting down.

The request id is the client's `X-Request-ID` when it is a sane token (letters,
digits, `-_.:`, at most 128 characters), else a new one; the response carries
it back. The GraphQL view fills in what only it knows (`RequestRecord`: the
operation, the caller's account, the outcome) on the scope; this middleware
writes the line when the response is done:

    {"message": "POST /graphql 200 SendMessage ok 12.5 ms", "request_id": "...",
     "operation": "SendMessage", "account_id": 7, "duration_ms": 12.5, "outcome": "ok",
     "status": 200, ...}

Outcomes: `ok`, `error` (the result has errors), `invalid` (the document did not
parse or validate), `refused` (another 4xx: too large, rate limited, ...),
`failed` (5xx). Health checks and metrics scrapes are neither logged nor counted.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass

from opentelemetry.trace import Span, Tracer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.telemetry.metrics import HTTP_IN_PROGRESS, HTTP_REQUESTS
from parley.web.shutdown import SHUTTING_DOWN, Shutdown

log = logging.getLogger("parley.requests")

RECORD = "parley.request"
REQUEST_ID = "x-request-id"
QUIET_PATHS = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_REFUSAL = b'{"errors":[{"message":"' + SHUTTING_DOWN.encode() + b'"}]}'


@dataclass(slots=True)
class RequestRecord:
    """What one request did, as its log line and metrics report it."""

    request_id: str
    operation: str | None = None
    account_id: int | None = None
    outcome: str | None = None


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _GOOD_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class ObservedRequests:
    """The ASGI middleware around the whole app (HTTP; WebSockets only get their id)."""

    def __init__(self, app: ASGIApp, shutdown: Shutdown, tracer: Tracer | None) -> None:
        self.app = app
        self.shutdown = shutdown
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[RECORD] = RequestRecord(request_id(scope))
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(request_id(scope))
        scope[RECORD] = record
        if scope["path"] in QUIET_PATHS:
            await self.app(scope, receive, _with_id(send, record.request_id, None))
            return
        if self.shutdown.draining:
            await _refuse(receive, send, record.request_id)
            return
        if self.tracer is None:
            await self._observed(scope, receive, send, record, None)
            return
        with self.tracer.start_as_current_span("graphql") as span:
            await self._observed(scope, receive, send, record, span)

    async def _observed(
        self, scope: Scope, receive: Receive, send: Send, record: RequestRecord, span: Span | None
    ) -> None:
        status = [500]
        start = time.perf_counter()
        HTTP_IN_PROGRESS.inc()
        try:
            with self.shutdown.request():
                await self.app(scope, receive, _with_id(send, record.request_id, status))
        except Exception:
            record.outcome = "failed"
            raise
        finally:
            HTTP_IN_PROGRESS.dec()
            duration = time.perf_counter() - start
            outcome = record.outcome or _outcome(status[0])
            operation = record.operation or "-"
            if scope["path"] == "/graphql":
                HTTP_REQUESTS.labels(operation, outcome).observe(duration)
            if span is not None:
                span.update_name(f"graphql {operation}")
                span.set_attribute("graphql.operation.name", operation)
                span.set_attribute("parley.outcome", outcome)
                span.set_attribute("http.response.status_code", status[0])
            log.log(
                logging.ERROR if status[0] >= 500 else logging.INFO,
                "%s %s %s %s %s %.1f ms",
                scope["method"],
                scope["path"],
                status[0],
                operation,
                outcome,
                duration * 1000,
                extra={
                    "request_id": record.request_id,
                    "operation": record.operation,
                    "account_id": record.account_id,
                    "duration_ms": round(duration * 1000, 2),
                    "outcome": outcome,
                    "status": status[0],
                },
            )


def _outcome(status: int) -> str:
    if status >= 500:
        return "failed"
    if status >= 400:
        return "refused"
    return "ok"


def _with_id(send: Send, request_id: str, status: list[int] | None) -> Send:
    """`send`, with the request id header added to the response (and its status noted)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                *message.get("headers", ()),
                (b"x-request-id", request_id.encode()),
            ]
            if status is not None:
                status[0] = message["status"]
        await send(message)

    return sending


async def _refuse(receive: Receive, send: Send, request_id: str) -> None:
    """503 while shutting down, after reading the body: closing on unread bytes would reset
    the connection before the client read the answer."""
    more = True
    while more:
        message = await receive()
        more = message["type"] == "http.request" and message.get("more_body", False)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_REFUSAL)).encode()),
        (b"connection", b"close"),
        (b"retry-after", b"1"),
        (b"x-request-id", request_id.encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": _REFUSAL})
