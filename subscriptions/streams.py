"""One account's events, exactly once and in cursor order, across reconnects.

The stream registers its listener *before* reading the log, replays the log
after the client's cursor, then goes live. Live events at or below the last
cursor are duplicates and dropped; a jump in cursors (a lost doorbell, or an
overflowed queue) is filled from the log. So a client that resumes with its
last cursor sees exactly what it missed, whatever pub/sub did meanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from parley.models.events import LoggedEvent, events_after, latest_seq
from parley.subscriptions.hub import Hub, Listener

REPLAY_BATCH = 500


class StreamClosed(Exception):
    """The server closed the stream (shutdown, broker failure); resume with the last cursor."""


async def account_events(
    hub: Hub, account_id: int, after: int | None
) -> AsyncGenerator[list[LoggedEvent], None]:
    """Batches of the account's events with cursors above `after` (None: from now on)."""
    # "From now" is read before registering: an event committed after that read is
    # replayed or heard live; read after registering, it could be taken for a duplicate.
    start = await latest_seq(account_id) if after is None else after
    async with hub.listen(account_id) as listener:
        last = start
        async with aclosing(replay(account_id, last)) as replayed:
            async for batch in replayed:
                yield batch
                last = batch[-1].seq
        while True:
            await listener.wait()
            if listener.closed_reason is not None:
                raise StreamClosed(listener.closed_reason)
            if listener.overflowed:
                listener.reset_overflow()
                async with aclosing(replay(account_id, last)) as replayed:
                    async for batch in replayed:
                        yield batch
                        last = batch[-1].seq
                continue
            fresh = [event for event in _drain(listener) if event.seq > last]
            if not fresh:
                continue
            if contiguous(last, fresh):
                yield fresh
                last = fresh[-1].seq
                continue
            async with aclosing(replay(account_id, last)) as replayed:
                async for batch in replayed:
                    yield batch
                    last = batch[-1].seq


def _drain(listener: Listener) -> list[LoggedEvent]:
    return sorted(listener.drain(), key=lambda event: event.seq)


def contiguous(last: int, events: list[LoggedEvent]) -> bool:
    expected = last + 1
    for event in events:
        if event.seq != expected:
            return False
        expected += 1
    return True


async def replay(account_id: int, after: int) -> AsyncGenerator[list[LoggedEvent], None]:
    while True:
        batch = await events_after(account_id, after, REPLAY_BATCH)
        if not batch:
            return
        yield batch
        after = batch[-1].seq
        if len(batch) < REPLAY_BATCH:
            return
