"""The typed context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLError
from opentelemetry.trace import Tracer
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from parley.auth import Caller, KnownAccounts, TokenVerifier
from parley.models.clock import Clock
from parley.models.conference import ConferenceProvider, LocalConferenceProvider
from parley.models.outbound_urls import OutboundPolicy
from parley.ratelimit import RateLimits
from parley.resolvers.loaders import Loaders
from parley.settings import Settings
from parley.subscriptions.bus import EventBus
from parley.subscriptions.notifier import Notifier
from parley.subscriptions.presence import InProcessPresence, Presence
from parley.subscriptions.shared_loads import SharedLoads


@dataclass
class Services:
    """Process-wide collaborators, built once by the server's lifespan."""

    settings: Settings
    clock: Clock
    bus: EventBus
    verifier: TokenVerifier
    # The conference lines behind accepted calls; None: the local pool from settings.
    conference: ConferenceProvider | None = None

    def conference_lines(self) -> ConferenceProvider:
        if self.conference is None:
            self.conference = LocalConferenceProvider(
                self.settings.call_dial_in_numbers, self.settings.call_pin_length
            )
        return self.conference

    presence: Presence = field(default_factory=InProcessPresence)
    notifier: Notifier | None = None  # the notification worker, started by the lifespan
    rate_limits: RateLimits = field(init=False)
    # Authentication's "does this token's account exist", remembered per process.
    known_accounts: KnownAccounts = field(init=False)
    # Where user-chosen URLs (push endpoints) may point: https, public addresses.
    outbound: OutboundPolicy = field(init=False)
    # Subscription events executed once for all their subscribers (schema.shared_events).
    shared_events: SharedLoads = field(default_factory=SharedLoads)
    tracer: Tracer | None = None  # None: tracing is off (tracing.py)

    def __post_init__(self) -> None:
        self.rate_limits = RateLimits(self.settings, clock=self.clock)
        self.known_accounts = KnownAccounts(self.clock, self.settings.auth_account_cache_seconds)
        self.outbound = OutboundPolicy(
            require_https=not self.settings.debug,
            allow_private=self.settings.outbound_allow_private,
        )
        # A room's live deliveries wait for an event's shared execution once, not each.
        self.bus.hub.deliveries.share(self.shared_events)


@dataclass
class Context:
    services: Services
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    caller: Caller | None = None
    auth_error: str | None = None
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None

    def fresh_loaders(self) -> None:
        """A WebSocket context lives as long as the connection: reset per event."""
        self.loaders = Loaders()

    def account_id(self) -> int:
        """The calling account's id, or a top-level UNAUTHENTICATED error."""
        if self.caller is None or self.caller.account_id is None:
            raise GraphQLError(
                self.auth_error or "Sign in: send 'Authorization: Bearer <token>'.",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return self.caller.account_id

    def require_service(self) -> None:
        if self.caller is None or not self.caller.is_service:
            if self.caller is None:
                self.account_id()
            raise GraphQLError(
                "Only the marketplace's service token may do this.",
                extensions={"code": "FORBIDDEN"},
            )


Info = strawberry.Info[Context, None]
