"""What every mutation does once its transaction committed: ring the doorbell."""

from __future__ import annotations

from collections.abc import Sequence

from parley.models.events import LoggedEvent
from parley.web.services import Services


async def after_commit(services: Services, events: Sequence[LoggedEvent]) -> None:
    """Publish the change's events; wake the notifier so new intents are routed at once."""
    if not events:
        return
    await services.bus.publish(events)
    if services.notifier is not None:
        services.notifier.wake()
