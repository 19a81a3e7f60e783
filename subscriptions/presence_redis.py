"""Presence shared by every process through Redis (the scale-out `Presence`).

Chosen when `BROADCAST_URL` is redis:// (see `build_presence`). Keys live under
`<namespace>:` (the events channel's name, so parallel deployments and tests on
one Redis never meet):

- `proc:<pid>`   hash account -> connections this process holds;
- `acct:<a>`     hash pid -> connections, the account's view across processes;
- `alive:<pid>`  set by this process's heartbeat every `heartbeat` seconds with
                 an expiry of `ttl` seconds: a process killed with SIGKILL stops
                 refreshing it, so its connections stop counting within `ttl`;
- `procs`        the set of process ids, so a survivor can find a lapsed one
                 and *reap* it (drop its counts, push "offline", record lastSeenAt);
- `seen:<a>`, `act:<a>`  lastSeenAt and the reported activity with its expiry
                 (on the service's clock, like `InProcessPresence`).

Changes are announced on the pub/sub channel `<namespace>:presence` (only the
account id: each listener reads the state itself), which feeds `watch` in every
process. Redis being away is not fatal: this process keeps its own counts, and
its heartbeat writes them back once Redis answers again (and after a reap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncGenerator, Callable, Collection
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any

from redis import asyncio as redis
from redis.exceptions import RedisError

from parley.subscriptions.presence import PresenceState, PresenceWatchers
from parley.subscriptions.routing import Activity

log = logging.getLogger("parley.presence")

# KEYS: proc, acct, seen, act, procs; ARGV: pid, account, delta, now, namespace
# Returns the account's live connection count before and after the change.
_CHANGE = """
local function live(ns, acct)
  local total = 0
  local fields = redis.call('HGETALL', acct)
  for i = 1, #fields, 2 do
    if redis.call('EXISTS', ns .. ':alive:' .. fields[i]) == 1 then
      total = total + tonumber(fields[i + 1])
    end
  end
  return total
end
local before = live(ARGV[5], KEYS[2])
local mine = redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
if mine <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[2])
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[2], ARGV[1], mine)
end
redis.call('SET', KEYS[3], ARGV[4])
redis.call('SADD', KEYS[5], ARGV[1])
local after = live(ARGV[5], KEYS[2])
if after == 0 then redis.call('DEL', KEYS[4]) end
return {before, after}
"""

# KEYS: acct, seen, act; ARGV: namespace -> {live connections, seen, activity, until}
_STATE = """
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if redis.call('EXISTS', ARGV[1] .. ':alive:' .. fields[i]) == 1 then
    total = total + tonumber(fields[i + 1])
  end
end
local act = redis.call('HMGET', KEYS[3], 'activity', 'until')
return {total, redis.call('GET', KEYS[2]), act[1], act[2]}
"""

# KEYS: procs; ARGV: namespace, pid, now, force -> accounts that went offline.
# Only one caller wins the SREM, so a lapsed process is reaped exactly once.
_REAP = """
local ns, pid = ARGV[1], ARGV[2]
if ARGV[4] ~= '1' and redis.call('EXISTS', ns .. ':alive:' .. pid) == 1 then return {} end
if redis.call('SREM', KEYS[1], pid) == 0 and ARGV[4] ~= '1' then return {} end
redis.call('DEL', ns .. ':alive:' .. pid)
local offline = {}
local accounts = redis.call('HKEYS', ns .. ':proc:' .. pid)
for _, account in ipairs(accounts) do
  local acct = ns .. ':acct:' .. account
  redis.call('HDEL', acct, pid)
  local total = 0
  local fields = redis.call('HGETALL', acct)
  for i = 1, #fields, 2 do
    if redis.call('EXISTS', ns .. ':alive:' .. fields[i]) == 1 then
      total = total + tonumber(fields[i + 1])
    end
  end
  if total == 0 then
    redis.call('SET', ns .. ':seen:' .. account, ARGV[3])
    redis.call('DEL', ns .. ':act:' .. account)
    table.insert(offline, account)
  end
end
redis.call('DEL', ns .. ':proc:' .. pid)
return offline
"""


class RedisPresence:
    """`Presence` across processes; `start()` after construction, `stop()` at shutdown."""

    def __init__(
        self,
        url: str,
        namespace: str,
        now: Callable[[], datetime],
        *,
        activity_ttl: timedelta = timedelta(seconds=60),
        heartbeat: float = 2.0,
        ttl: float = 10.0,
    ) -> None:
        self.activity_ttl = activity_ttl
        self.heartbeat = heartbeat
        self.ttl = ttl
        self.pid = uuid.uuid4().hex
        self._now = now  # the service clock's `now`, for reaps and pushed states
        self._ns = namespace
        self._channel = f"{namespace}:presence"
        self._redis: Any = redis.Redis.from_url(
            url, socket_connect_timeout=heartbeat, socket_timeout=heartbeat, retry=None
        )
        # False once a command failed, until a heartbeat gets through: meanwhile connection
        # changes stay local (no WebSocket waits on a dead Redis) and the beat writes them back.
        self._healthy = False
        self._url = url
        self._change = self._redis.register_script(_CHANGE)
        self._state = self._redis.register_script(_STATE)
        self._reap = self._redis.register_script(_REAP)
        self._local: dict[int, int] = defaultdict(int)  # this process's connections
        self._watchers = PresenceWatchers()
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()
        self._stopped = False

    def _key(self, kind: str, name: object) -> str:
        return f"{self._ns}:{kind}:{name}"

    async def start(self) -> None:
        """Register this process and start the heartbeat and the change listener."""
        with contextlib.suppress(RedisError, OSError):
            await self._beat()
        self._tasks = [
            asyncio.create_task(self._heartbeat(), name="parley-presence-heartbeat"),
            asyncio.create_task(self._listen(), name="parley-presence-listener"),
        ]
        with contextlib.suppress(TimeoutError):  # Redis down: serve anyway, catch up later
            await asyncio.wait_for(self._listening.wait(), self.ttl)

    async def stop(self) -> None:
        """Withdraw this process's connections at once (others see them go offline)."""
        if self._stopped:
            return
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            offline = await self._reap(
                keys=[f"{self._ns}:procs"], args=[self._ns, self.pid, self._stamp(), "1"]
            )
            for account in offline:
                await self._redis.publish(self._channel, account)
        except (RedisError, OSError) as exc:
            log.warning("presence: could not withdraw this process's connections: %s", exc)
        await self._redis.aclose()

    # Presence

    async def connected(self, account_id: int, now: datetime) -> None:
        self._local[account_id] += 1
        await self._apply(account_id, 1, now)

    async def disconnected(self, account_id: int, now: datetime) -> None:
        if self._local.get(account_id, 0) <= 1:
            self._local.pop(account_id, None)
        else:
            self._local[account_id] -= 1
        await self._apply(account_id, -1, now)

    async def report_activity(self, account_id: int, activity: Activity, now: datetime) -> datetime:
        until = now + self.activity_ttl
        if not self._healthy:
            return until
        try:
            before = (await self.state(account_id, now)).activity
            await self._redis.hset(
                self._key("act", account_id),
                mapping={"activity": activity.value, "until": until.isoformat()},
            )
            # Only to reclaim memory: expiry itself is read from `until` on the service clock.
            await self._redis.expire(self._key("act", account_id), _seconds(self.activity_ttl) * 2)
            await self._redis.set(self._key("seen", account_id), now.isoformat())
            if activity != before:
                await self._redis.publish(self._channel, str(account_id))
        except (RedisError, OSError) as exc:
            log.warning("presence: activity of %s not recorded: %s", account_id, exc)
        return until

    async def state(self, account_id: int, now: datetime) -> PresenceState:
        if not self._healthy:
            return self._local_state(account_id, now)
        try:
            total, seen, activity, until = await self._state(
                keys=[
                    self._key("acct", account_id),
                    self._key("seen", account_id),
                    self._key("act", account_id),
                ],
                args=[self._ns],
            )
        except (RedisError, OSError) as exc:
            self._healthy = False
            log.warning("presence: Redis unavailable, answering from this process: %s", exc)
            return self._local_state(account_id, now)
        online = int(total) > 0
        current = Activity.UNKNOWN
        if activity is not None and until is not None and now < _time(until):
            current = Activity(activity.decode())
        return PresenceState(
            account_id=account_id,
            online=online,
            last_seen_at=now if online else (_time(seen) if seen is not None else None),
            activity=current,
        )

    async def watch(
        self, account_ids: Collection[int], now: datetime
    ) -> AsyncGenerator[PresenceState, None]:
        states = self._watchers.stream(account_ids, lambda account_id: self.state(account_id, now))
        async with aclosing(states):
            async for state in states:
                yield state

    # internals

    def _local_state(self, account_id: int, now: datetime) -> PresenceState:
        """Degraded answer while Redis is away: what this process alone knows."""
        online = self._local.get(account_id, 0) > 0
        return PresenceState(account_id, online, now if online else None, Activity.UNKNOWN)

    async def _apply(self, account_id: int, delta: int, now: datetime) -> None:
        if self._stopped or not self._healthy:  # stopped, or the next beat writes it back
            return
        try:
            before, after = await self._change(
                keys=[
                    self._key("proc", self.pid),
                    self._key("acct", account_id),
                    self._key("seen", account_id),
                    self._key("act", account_id),
                    f"{self._ns}:procs",
                ],
                args=[self.pid, account_id, delta, now.isoformat(), self._ns],
            )
            if (before > 0) != (after > 0):
                await self._redis.publish(self._channel, str(account_id))
        except (RedisError, OSError) as exc:
            self._healthy = False  # the heartbeat writes this process's counts back
            log.warning("presence: connection change of %s not shared yet: %s", account_id, exc)

    async def _beat(self) -> None:
        """Refresh this process's lease; after a lapse (or a reap) write its counts back."""
        previous = await self._redis.set(
            self._key("alive", self.pid), self._stamp(), ex=max(1, round(self.ttl)), get=True
        )
        await self._redis.sadd(f"{self._ns}:procs", self.pid)
        if previous is None or not self._healthy:
            await self._restore()
            self._healthy = True
        for pid in await self._redis.smembers(f"{self._ns}:procs"):
            offline = await self._reap(
                keys=[f"{self._ns}:procs"], args=[self._ns, pid.decode(), self._stamp(), "0"]
            )
            for account in offline:
                await self._redis.publish(self._channel, account)

    async def _restore(self) -> None:
        """Make Redis hold exactly this process's own counts again."""
        counts = {account: count for account, count in self._local.items() if count > 0}
        stale = {int(a) for a in await self._redis.hkeys(self._key("proc", self.pid))} - set(counts)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._key("proc", self.pid))
            if counts:
                pipe.hset(self._key("proc", self.pid), mapping=counts)
            for account, count in counts.items():
                pipe.hset(self._key("acct", account), self.pid, count)
            for account in stale:
                pipe.hdel(self._key("acct", account), self.pid)
            await pipe.execute()
        for account in sorted(set(counts) | stale):
            await self._redis.publish(self._channel, str(account))

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await self._beat()
            except (RedisError, OSError) as exc:
                self._healthy = False
                log.warning("presence heartbeat failed: %s", exc)

    async def _listen(self) -> None:
        """Forward announced changes to this process's watchers; reconnect when Redis drops."""
        delay = 0.2
        while True:
            client: Any = redis.Redis.from_url(
                self._url, socket_connect_timeout=self.heartbeat, retry=None
            )
            pubsub: Any = client.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                delay = 0.2
                self._listening.set()
                await self._refresh_all()  # whatever changed while we were not listening
                while True:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=self.heartbeat
                    )
                    if message is None:
                        await pubsub.ping()
                    elif message["type"] == "message":
                        await self._push(int(message["data"]))
            except (RedisError, OSError, ValueError) as exc:
                log.warning("presence listener: %s; reconnecting", exc)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _refresh_all(self) -> None:
        for account_id in sorted(self._watchers.watched()):
            await self._push(account_id)

    async def _push(self, account_id: int) -> None:
        if self._watchers.watches(account_id):
            self._watchers.deliver(await self.state(account_id, self._now()))

    def _stamp(self) -> str:
        return self._now().isoformat()


def _time(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode())


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds()))
