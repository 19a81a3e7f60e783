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

from parley.web.settings import Settings

_OFF: AbstractContextManager[None] = contextlib.nullcontext()


@dataclass(frozen=True)
class Tracing:
    """The process's tracer and the provider to flush at shutdown."""

    provider: TracerProvider
    tracer: Tracer

    def shutdown(self) -> None:
        self.provider.shutdown()


def build_tracing(settings: Settings, exporter: SpanExporter | None = None) -> Tracing | None:
    """Tracing as the settings ask (None: off); `exporter` (tests) turns it on, unbatched."""
    processor: SpanProcessor
    if exporter is not None:
        processor = SimpleSpanProcessor(exporter)
    else:
        configured = _exporter(settings)
        if configured is None:
            return None
        processor = BatchSpanProcessor(configured)
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name})
    )
    provider.add_span_processor(processor)
    return Tracing(provider, provider.get_tracer("parley"))


def _exporter(settings: Settings) -> SpanExporter | None:
    kind = (settings.otel_traces_exporter or "").strip().lower()
    if not kind:
        kind = "otlp" if settings.otel_exporter_otlp_endpoint else "none"
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
