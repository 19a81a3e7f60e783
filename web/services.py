"""The composition root: the process's collaborators, built once by the server's lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from opentelemetry.trace import Tracer

from parley.models.conference import ConferenceProvider, LocalConferenceProvider
from parley.models.outbound_urls import OutboundPolicy
from parley.models.store.clock import Clock
from parley.subscriptions.bus import EventBus
from parley.subscriptions.notifier import Notifier
from parley.subscriptions.presence import InProcessPresence, Presence
from parley.subscriptions.shared_loads import SharedLoads
from parley.web.auth import KnownAccounts, TokenVerifier
from parley.web.persisted_queries import PersistedQueries
from parley.web.ratelimit import RateLimits
from parley.web.settings import Settings


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
    # Subscription events executed once for all their subscribers (schema.execution).
    shared_execution: SharedLoads = field(default_factory=SharedLoads)
    tracer: Tracer | None = None  # None: tracing is off (telemetry/tracing.py)
    # Automatic persisted queries; None when PARLEY_PERSISTED_QUERIES is off.
    persisted_queries: PersistedQueries | None = field(init=False)

    def __post_init__(self) -> None:
        self.rate_limits = RateLimits(self.settings, clock=self.clock)
        self.known_accounts = KnownAccounts(self.clock, self.settings.auth_account_cache_seconds)
        self.outbound = OutboundPolicy(
            require_https=not self.settings.debug,
            allow_private=self.settings.outbound_allow_private,
        )
        self.persisted_queries = None
        if self.settings.persisted_queries:
            self.persisted_queries = PersistedQueries(
                max_entries=self.settings.persisted_queries_max_entries,
                max_bytes=self.settings.persisted_queries_max_bytes,
                redis_url=self.settings.shared_redis_url,
                namespace=self.settings.events_channel,
                ttl_seconds=self.settings.persisted_queries_ttl_seconds,
            )
        # A room's live deliveries wait for an event's shared execution once, not each.
        self.bus.hub.deliveries.share(self.shared_execution)
