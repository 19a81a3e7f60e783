"""Live unread indicators: a conversation's indicator and the menu bubble, as they change."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass

from parley.models.conversations import Participant, UnreadSummary, unread_summary
from parley.models.events import EventKind, LoggedEvent
from parley.subscriptions.hub import Hub
from parley.subscriptions.live_stream import Select
from parley.subscriptions.streams import account_events

_CHANGES_UNREAD = frozenset({EventKind.MESSAGE, EventKind.READ})


@dataclass(frozen=True, slots=True)
class UnreadChange:
    event: LoggedEvent
    participant: Participant
    summary: UnreadSummary


def unread_select(account_id: int) -> Select[UnreadChange]:
    """The current indicator of each conversation whose unread state may have changed.

    Indicators are state, not history: a batch of events for one conversation
    gives one change carrying the state as it is now.
    """

    async def select(batch: list[LoggedEvent]) -> list[UnreadChange]:
        latest: dict[int, LoggedEvent] = {}
        for event in batch:
            if event.kind in _CHANGES_UNREAD:
                latest[event.conversation_id] = event
        if not latest:
            return []
        rows = await Participant.filter(
            account_id=account_id, conversation_id__in=list(latest)
        ).select_related("conversation")
        summary = await unread_summary(account_id)
        by_conversation = {row.conversation_id: row for row in rows}
        changes = []
        for conversation_id, event in sorted(latest.items(), key=lambda pair: pair[1].seq):
            row = by_conversation.get(conversation_id)
            if row is not None:
                changes.append(UnreadChange(event, row, summary))
        return changes

    return select


async def unread_changes(
    hub: Hub, account_id: int, after: int | None
) -> AsyncGenerator[UnreadChange, None]:
    """Each batch's `unread_select`, as a stream."""
    select = unread_select(account_id)
    async with aclosing(account_events(hub, account_id, after)) as batches:
        async for batch in batches:
            for change in await select(batch):
                yield change
