"""Message retention: messages older than the retention period disappear and are purged.

Feeds hide expired messages at once (`visible_since`); the purge job deletes them
in short batches (one small transaction each, yielding between batches so it
never blocks the service) and recounts the unread state of every conversation
it touched, so counts stay right. Order events are kept: they are the record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from parley.models.conversations import Conversation, Participant
from parley.models.feed import FeedItem, FeedItemKind
from parley.models.store.clock import Clock
from parley.models.store.job_lock import Exclusive

log = logging.getLogger("parley.retention")

DEFAULT_BATCH = 500


def visible_since(clock: Clock, retention: timedelta) -> datetime:
    """The oldest instant a message may have and still be shown."""
    return clock.now() - retention


def visibility(clock: Clock, retention: timedelta) -> Callable[[], datetime]:
    """`visible_since` as time passes: for streams that outlive the moment they open."""
    return lambda: visible_since(clock, retention)


async def purge_expired(
    clock: Clock,
    retention: timedelta,
    batch_size: int = DEFAULT_BATCH,
    exclusive: Exclusive | None = None,
) -> int:
    """Delete messages older than the retention period; returns how many were deleted.

    With `exclusive` (the server's processes), each batch runs under the job's lock
    in its own short transaction; when another process holds it, that process is
    purging and this one stops.
    """
    cutoff = visible_since(clock, retention)
    purged = 0
    while True:
        if exclusive is None:
            deleted = await _purge_batch(cutoff, batch_size)
        else:
            batch = await exclusive.run("retention-purge", lambda: _purge_batch(cutoff, batch_size))
            if batch is None:
                break
            deleted = batch
        purged += deleted
        if deleted < batch_size:
            break
        await asyncio.sleep(0)  # let requests run between batches
    if purged:
        log.info("retention: purged %d messages older than %s", purged, cutoff.isoformat())
    return purged


async def _purge_batch(cutoff: datetime, batch_size: int) -> int:
    async with in_transaction():
        rows = (
            await FeedItem.filter(kind=FeedItemKind.MESSAGE, created_at__lt=cutoff)
            .order_by("id")
            .limit(batch_size)
            .values("id", "conversation_id")
        )
        if not rows:
            return 0
        await FeedItem.filter(id__in=[row["id"] for row in rows]).delete()
        for conversation_id in {row["conversation_id"] for row in rows}:
            await recount(conversation_id)
    return len(rows)


async def recount(conversation_id: int) -> None:
    """Recompute both sides' unread state and the last message from the rows that remain."""
    for side in await Participant.filter(conversation_id=conversation_id):
        unread = await FeedItem.filter(
            conversation_id=conversation_id,
            kind=FeedItemKind.MESSAGE,
            author_id=side.counterpart_id,
            id__gt=side.read_up_to,
        ).count()
        await Participant.filter(id=side.id).update(unread_count=unread, has_unread=unread > 0)
    newest = (
        await FeedItem.filter(conversation_id=conversation_id, kind=FeedItemKind.MESSAGE)
        .order_by("-id")
        .limit(1)
        .values("id")
    )
    await Conversation.filter(id=conversation_id).update(
        last_message_id=newest[0]["id"] if newest else None
    )
