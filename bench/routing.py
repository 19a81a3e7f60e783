"""Server CPU per routed notification intent: `Notifier.deliver_due` over a backlog.

Builds a fresh database (SQLite in a temporary directory, or `--database-url`,
e.g. an empty PostgreSQL database), opens `--pairs` client/freelancer
conversations and sends `--intents` messages alternately in both directions
with the notifier not running, so each send leaves one unrouted intent. The
recipients' situations are mixed as in production: some conversations muted,
some recipients active in the app, in a live session or online, the others
offline, half of them with an email address (their messages schedule and
batch emails). Then it runs `deliver_due` until the backlog is routed (with
`--every N`: after every N sends, as under light load, where a step's fixed
cost is shared by few intents) and prints the process CPU time
(time.process_time: this process, all threads, including aiosqlite's) per
routed intent; the sends are not timed.

    python -m bench.routing --intents 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from tortoise.context import TortoiseContext

from parley.models import notifications
from parley.models.accounts import AccountKind, create_account
from parley.models.conversations import set_muted
from parley.models.events import LoggedEvent
from parley.models.messaging import send_message
from parley.models.orders import create_order
from parley.models.store.clock import ManualClock
from parley.models.store.db import apply_migrations, tune_connection
from parley.subscriptions.email import EmailChannel
from parley.subscriptions.notifier import Notifier, NotifierConfig
from parley.subscriptions.presence import InProcessPresence
from parley.subscriptions.routing import Activity
from parley.web.settings import tortoise_config


async def _publish(events: Sequence[LoggedEvent]) -> None:
    del events  # nobody listens: the bus is not what is measured


async def _round(
    url: str, pairs: int, intents: int, every: int | None, work: Path
) -> tuple[float, int]:
    await apply_migrations(tortoise_config(url))
    clock = ManualClock()
    presence = InProcessPresence(activity_ttl=timedelta(days=1))
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await tune_connection(ctx)
        conversations: list[tuple[int, int, int]] = []
        for i in range(pairs):
            client = await create_account(clock, kind=AccountKind.CLIENT, name=f"Client {i}")
            freelancer = await create_account(
                clock, kind=AccountKind.FREELANCER, name=f"Freelancer {i}"
            )
            change = await create_order(
                clock, client_id=client.id, freelancer_id=freelancer.id, title="Post"
            )
            cid = change.order.conversation_id
            conversations.append((cid, client.id, freelancer.id))
            for who in (client.id, freelancer.id):
                kind = (who + i) % 6
                if kind == 0:
                    await set_muted(who, cid, True)
                elif kind == 1:
                    await presence.connected(who, clock.now())
                    await presence.report_activity(who, Activity.ACTIVE, clock.now())
                elif kind == 2:
                    await presence.connected(who, clock.now())
                    await presence.report_activity(who, Activity.LIVE_SESSION, clock.now())
                elif kind == 3:
                    await presence.connected(who, clock.now())
                if who % 2 == 0:
                    await notifications.update_preferences(clock, who, email=f"a{who}@example.com")
        # Route the set-up's own intents (order events) first: only the sends are timed.
        email = EmailChannel("Parley <n@parley.test>", None, work / "outbox")
        notifier = Notifier(clock, presence, _publish, NotifierConfig(), email=email)
        while await notifier.deliver_due():
            pass
        spent, routed = 0.0, 0
        for start in range(0, intents, every or intents):
            for i in range(start, min(intents, start + (every or intents))):
                cid, client_id, freelancer_id = conversations[i % pairs]
                sender = client_id if (i // pairs) % 2 == 0 else freelancer_id
                await send_message(clock, sender, conversation_id=cid, body=f"message {i}")
                clock.advance(timedelta(milliseconds=10))
            before = time.process_time()
            while True:
                handled = await notifier.deliver_due()
                if not handled:
                    break
                routed += handled
            spent += time.process_time() - before
        left = await notifications.NotificationIntent.filter(routed_at__isnull=True).count()
        assert left == 0, f"{left} intents left unrouted"
        return spent, routed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--intents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--every",
        type=int,
        help="run the worker after every N sends, as a server under light load does "
        "(default: once, over the whole backlog)",
    )
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    per_intent: list[float] = []
    for number in range(args.rounds):
        work = Path(tempfile.mkdtemp(prefix="parley-routing-"))
        url = args.database_url or f"sqlite://{work / 'bench.sqlite3'}"
        spent, routed = asyncio.run(_round(url, args.pairs, args.intents, args.every, work))
        per_intent.append(spent / routed * 1000)
        print(
            f"round {number + 1}: {routed} handled, {spent:.2f} s CPU, {per_intent[-1]:.3f} ms each"
        )
    print(f"median CPU per routed intent: {statistics.median(per_intent):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
