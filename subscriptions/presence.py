"""Presence: who is online (the green dot) and what their app says they are doing.

An account is online while it holds at least one authenticated WebSocket, on
any device; `last_seen_at` is when its last connection closed (or now, while
online). The client app reports its activity (ACTIVE, IDLE, LIVE_SESSION),
which expires `activity_ttl` after the last report, so a crashed tab does not
stay "active" forever; the last connection closing clears it too.

`Presence` is the interface the rest of Parley uses; `InProcessPresence` holds
it in this process. A cross-process implementation (scale-out) plugs in behind
the same interface.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from parley.subscriptions.routing import Activity

WATCH_QUEUE = 1000


@dataclass(frozen=True, slots=True)
class PresenceState:
    account_id: int
    online: bool
    last_seen_at: datetime | None
    activity: Activity


class Presence(Protocol):
    async def connected(self, account_id: int, now: datetime) -> None:
        """One more authenticated connection for the account."""
        ...

    async def disconnected(self, account_id: int, now: datetime) -> None:
        """One connection of the account is gone (closed or dropped)."""
        ...

    async def report_activity(self, account_id: int, activity: Activity, now: datetime) -> datetime:
        """The app's own report; returns when it lapses unless reported again."""
        ...

    async def state(self, account_id: int, now: datetime) -> PresenceState: ...

    def watch(
        self, account_ids: Collection[int], now: datetime
    ) -> AsyncGenerator[PresenceState, None]:
        """The current state of each of these accounts, then each change as it happens."""
        ...


@dataclass
class _Account:
    connections: int = 0
    last_seen_at: datetime | None = None
    activity: Activity = Activity.UNKNOWN
    activity_until: datetime | None = None


class PresenceWatchers:
    """This process's subscribers to some accounts' presence, each with a bounded queue."""

    def __init__(self) -> None:
        self._watchers: set[tuple[frozenset[int], asyncio.Queue[PresenceState]]] = set()

    def watched(self) -> set[int]:
        return set().union(*(ids for ids, _ in self._watchers))

    def watches(self, account_id: int) -> bool:
        return any(account_id in ids for ids, _ in self._watchers)

    def deliver(self, state: PresenceState) -> None:
        """Queue `state` for every watcher of its account (a full queue skips it)."""
        for ids, queue in list(self._watchers):
            if state.account_id in ids and not queue.full():
                queue.put_nowait(state)

    async def stream(
        self,
        account_ids: Collection[int],
        first: Callable[[int], Awaitable[PresenceState]],
    ) -> AsyncGenerator[PresenceState, None]:
        """Each account's current state (from `first`), then every change delivered."""
        queue: asyncio.Queue[PresenceState] = asyncio.Queue(WATCH_QUEUE)
        watcher = (frozenset(account_ids), queue)
        self._watchers.add(watcher)
        try:
            for account_id in sorted(set(account_ids)):
                yield await first(account_id)
            while True:
                yield await queue.get()
        finally:
            self._watchers.discard(watcher)


class InProcessPresence:
    def __init__(self, activity_ttl: timedelta = timedelta(seconds=60)) -> None:
        self.activity_ttl = activity_ttl
        self._accounts: dict[int, _Account] = defaultdict(_Account)
        self._watchers = PresenceWatchers()

    async def connected(self, account_id: int, now: datetime) -> None:
        account = self._accounts[account_id]
        account.connections += 1
        account.last_seen_at = now
        if account.connections == 1:
            self._changed(account_id, now)

    async def disconnected(self, account_id: int, now: datetime) -> None:
        account = self._accounts[account_id]
        account.connections = max(0, account.connections - 1)
        account.last_seen_at = now
        if account.connections == 0:
            account.activity, account.activity_until = Activity.UNKNOWN, None
            self._changed(account_id, now)

    async def report_activity(self, account_id: int, activity: Activity, now: datetime) -> datetime:
        account = self._accounts[account_id]
        before = self._activity(account, now)
        account.activity, account.activity_until = activity, now + self.activity_ttl
        account.last_seen_at = now
        if activity != before:
            self._changed(account_id, now)
        return account.activity_until

    async def state(self, account_id: int, now: datetime) -> PresenceState:
        account = self._accounts.get(account_id) or _Account()
        online = account.connections > 0
        return PresenceState(
            account_id=account_id,
            online=online,
            last_seen_at=now if online else account.last_seen_at,
            activity=self._activity(account, now),
        )

    async def watch(
        self, account_ids: Collection[int], now: datetime
    ) -> AsyncGenerator[PresenceState, None]:
        states = self._watchers.stream(account_ids, lambda account_id: self.state(account_id, now))
        async with aclosing(states):
            async for state in states:
                yield state

    @staticmethod
    def _activity(account: _Account, now: datetime) -> Activity:
        if account.activity_until is None or now >= account.activity_until:
            return Activity.UNKNOWN
        return account.activity

    def _changed(self, account_id: int, now: datetime) -> None:
        account = self._accounts[account_id]
        online = account.connections > 0
        state = PresenceState(
            account_id, online, now if online else account.last_seen_at, account.activity
        )
        self._watchers.deliver(state)
