"""OpenTelemetry traces: off unless the standard `OTEL_*` settings ask for them.

Spans: each GraphQL operation (an HTTP request, a WebSocket operation), the
database transaction of a send, the publish after commit, and each delivery to
a subscriber. With tracing off there is no tracer at all: `span` hands back one
shared no-op context manager, so no span object is ever made.

On when `OTEL_TRACES_EXPORTER` is `otlp` or `console`, or when it is unset and
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set; the OTLP/HTTP
exporter reads its other `OTEL_EXPORTER_OTLP_*` settings itself.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import Tracer

_OFF: AbstractContextManager[None] = contextlib.nullcontext()


@dataclass(frozen=True)
class Tracing:
    """The process's tracer and the provider to flush at shutdown."""

    provider: TracerProvider
    tracer: Tracer

    def shutdown(self) -> None:
        self.provider.shutdown()


def build_tracing(
    *,
    service_name: str,
    exporter_kind: str | None,
    otlp_endpoint: str | None,
    exporter: SpanExporter | None = None,
) -> Tracing | None:
    """Tracing as the `OTEL_*` values ask (None: off); `exporter` (tests) turns it on, unbatched.

    `exporter_kind` is `OTEL_TRACES_EXPORTER` and `otlp_endpoint` is
    `OTEL_EXPORTER_OTLP_ENDPOINT`, as the caller's settings read them.
    """
    processor: SpanProcessor
    if exporter is not None:
        processor = SimpleSpanProcessor(exporter)
    else:
        configured = _exporter(exporter_kind, otlp_endpoint)
        if configured is None:
            return None
        processor = BatchSpanProcessor(configured)
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(processor)
    return Tracing(provider, provider.get_tracer("parley"))


def _exporter(kind: str | None, otlp_endpoint: str | None) -> SpanExporter | None:
    kind = (kind or "").strip().lower()
    if not kind:
        kind = "otlp" if otlp_endpoint else "none"
    if kind == "console":
        return ConsoleSpanExporter()
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return None


def span(tracer: Tracer | None, name: str) -> AbstractContextManager[Any]:
    """A span named `name` around the block, current while it runs; nothing when off."""
    if tracer is None:
        return _OFF
    return tracer.start_as_current_span(name)
