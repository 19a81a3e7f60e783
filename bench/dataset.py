"""Generate the benchmark dataset through Parley's own models, and tokens for its accounts.

Shape (the issue's anchor by default): C conversations, each between its own
client and freelancer, each with M feed items: messages from either side, with
an order created through `create_order` and a status change every
`--order-every` items, so the newest page of any conversation mixes messages
and order events. Items of different conversations interleave in id order, as
real traffic does.

Accounts and orders go through the domain functions (`create_account`,
`create_order`); the bulk of the history goes through `bulk_create` on the
Tortoise models, with the derived state written to match: every item has one
event in each participant's log with gap-free cursors (`accounts.event_seq` is
the newest), each participant's read pointer, `unread_count` and `has_unread`
agree with the messages, and each order's status is its last event's.

    python -m bench.dataset --conversations 200 --messages 2000 --out bench/data
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.context import TortoiseContext

from parley.models import global_ids
from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conversations import Conversation, Participant
from parley.models.events import Event, EventKind
from parley.models.feed import FeedItem, FeedItemKind, OrderEventType
from parley.models.global_ids import Tag
from parley.models.orders import Order, OrderStatus, create_order
from parley.models.store.clock import ManualClock
from parley.models.store.db import apply_migrations
from parley.web.auth import issue_token, load_keys
from parley.web.settings import Settings, tortoise_config

# The bench server runs with this secret (bench.run), so the tokens written here verify.
SECRET = "parley-bench-secret-0123456789-0123456789-0123456789"
BATCH = 5000
# The client reads everything but the last few items; the freelancer lags further behind.
CLIENT_UNREAD_TAIL = 3
FREELANCER_UNREAD_TAIL = 12
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TOKEN_TTL = timedelta(days=30)
# Bench servers accept the dataset's tokens for as long as they are valid.
TOKEN_LIFETIME = str(int(TOKEN_TTL.total_seconds()))  # PARLEY_JWT_MAX_LIFETIME_SECONDS
WORDS = (
    "draft",
    "brief",
    "deadline",
    "revision",
    "invoice",
    "outline",
    "tone",
    "audience",
    "keyword",
    "headline",
    "thanks",
    "sure",
    "tomorrow",
    "friday",
    "photos",
    "format",
    "budget",
    "review",
    "notes",
    "sources",
)


def database_path(out: Path, conversations: int, messages: int) -> Path:
    return out / f"parley-{conversations}x{messages}.sqlite3"


def tokens_path(out: Path, conversations: int, messages: int) -> Path:
    return out / f"tokens-{conversations}x{messages}.json"


def _body(rng: random.Random, n: int) -> str:
    return f"#{n} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 24)))


def _next_status(status: OrderStatus) -> OrderStatus:
    if status == OrderStatus.IN_PROGRESS:
        return OrderStatus.FINAL_REVIEW
    return OrderStatus.IN_PROGRESS


class _Pair:
    """One conversation while its history is generated."""

    def __init__(self, conversation: Conversation, order: Order, first_item: int) -> None:
        self.conversation = conversation
        self.order = order
        self.status = OrderStatus.OPEN
        self.seq = {conversation.client_id: 1, conversation.freelancer_id: 1}
        self.items: list[tuple[int, int | None]] = [(first_item, None)]  # (id, author if message)


async def _accounts_and_orders(clock: ManualClock, conversations: int) -> list[_Pair]:
    pairs: list[_Pair] = []
    for n in range(conversations):
        client = await create_account(clock, kind=AccountKind.CLIENT, name=f"Client {n}")
        freelancer = await create_account(
            clock, kind=AccountKind.FREELANCER, name=f"Freelancer {n}"
        )
        change = await create_order(
            clock, client_id=client.id, freelancer_id=freelancer.id, title=f"Order of pair {n}"
        )
        conversation = await Conversation.get(id=change.order.conversation_id)
        pairs.append(_Pair(conversation, change.order, change.item.id))
    return pairs


async def _flush(items: list[FeedItem], events: list[Event]) -> None:
    if items:
        await FeedItem.bulk_create(items, batch_size=BATCH)
    if events:
        await Event.bulk_create(events, batch_size=BATCH)
    items.clear()
    events.clear()


async def _history(pairs: list[_Pair], messages: int, order_every: int, seed: int) -> None:
    rng = random.Random(seed)
    first_id = int((await FeedItem.all().order_by("-id").first().values("id"))["id"]) + 1
    items: list[FeedItem] = []
    events: list[Event] = []
    next_id = first_id
    for k in range(1, messages):
        when = START + timedelta(seconds=k * 30)
        for pair in pairs:
            conversation = pair.conversation
            last = k == messages - 1
            # The last item leaves the order out of final review, which would pause the
            # benchmark's own sends (models.rules).
            if (k % order_every == 0 and not last) or (
                last and pair.status == OrderStatus.FINAL_REVIEW
            ):
                previous, pair.status = pair.status, _next_status(pair.status)
                item = FeedItem(
                    id=next_id,
                    conversation_id=conversation.id,
                    kind=FeedItemKind.ORDER_EVENT,
                    order_id=pair.order.id,
                    event=OrderEventType.STATUS_CHANGED,
                    order_status=pair.status,
                    previous_status=previous,
                    created_at=when,
                )
                pair.items.append((next_id, None))
                kind = EventKind.ITEM
            else:
                author = rng.choice(conversation.participant_ids())
                item = FeedItem(
                    id=next_id,
                    conversation_id=conversation.id,
                    kind=FeedItemKind.MESSAGE,
                    author_id=author,
                    order_id=pair.order.id if rng.random() < 0.2 else None,
                    body=_body(rng, k),
                    created_at=when,
                )
                pair.items.append((next_id, author))
                kind = EventKind.MESSAGE
            items.append(item)
            for account_id in conversation.participant_ids():
                pair.seq[account_id] += 1
                events.append(
                    Event(
                        account_id=account_id,
                        seq=pair.seq[account_id],
                        kind=kind,
                        conversation_id=conversation.id,
                        item_id=next_id,
                        created_at=when,
                    )
                )
            next_id += 1
        if len(items) >= BATCH:
            await _flush(items, events)
    await _flush(items, events)


async def _derived_state(pairs: list[_Pair], messages: int) -> None:
    """Read pointers, unread counts, read receipts, order status and event cursors."""
    last = START + timedelta(seconds=messages * 30)
    for pair in pairs:
        conversation = pair.conversation
        tails = {
            conversation.client_id: CLIENT_UNREAD_TAIL,
            conversation.freelancer_id: FREELANCER_UNREAD_TAIL,
        }
        for reader, tail in tails.items():
            read_up_to = pair.items[max(0, len(pair.items) - 1 - tail)][0]
            counterpart = conversation.counterpart_of(reader)
            unread = sum(
                1 for item, author in pair.items if author == counterpart and item > read_up_to
            )
            await Participant.filter(conversation_id=conversation.id, account_id=reader).update(
                read_up_to=read_up_to,
                last_read_at=last,
                unread_count=unread,
                has_unread=unread > 0,
                last_activity_at=last,
            )
            await FeedItem.filter(
                conversation_id=conversation.id,
                author_id=counterpart,
                kind=FeedItemKind.MESSAGE,
                id__lte=read_up_to,
            ).update(read_at=last)
            await Account.filter(id=reader).update(event_seq=pair.seq[reader])
        newest_message = max(
            (item for item, author in pair.items if author is not None), default=None
        )
        await Conversation.filter(id=conversation.id).update(
            last_message_id=newest_message, last_activity_at=last
        )
        await Order.filter(id=pair.order.id).update(status=pair.status, updated_at=last)


def _write_tokens(settings: Settings, pairs: list[_Pair], path: Path) -> None:
    keys = load_keys(settings)
    now = datetime.now(UTC)

    def token(account_id: int) -> str:
        return issue_token(keys, str(account_id), ttl=TOKEN_TTL, now=now)

    document = {
        "conversations": [
            {
                "id": global_ids.encode(Tag.CONVERSATION, pair.conversation.id),
                "client": pair.conversation.client_id,
                "freelancer": pair.conversation.freelancer_id,
                "newest_item": pair.items[-1][0],
            }
            for pair in pairs
        ],
        "tokens": {
            str(account_id): token(account_id)
            for pair in pairs
            for account_id in pair.conversation.participant_ids()
        },
    }
    path.write_text(json.dumps(document, indent=1))


async def generate(
    settings: Settings, conversations: int, messages: int, order_every: int, seed: int
) -> list[_Pair]:
    config = tortoise_config(settings.database_url)
    await apply_migrations(config)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await ctx.db().execute_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")
        pairs = await _accounts_and_orders(ManualClock(START), conversations)
        await _history(pairs, messages, order_every, seed)
        await _derived_state(pairs, messages)
        await ctx.db().execute_script("ANALYZE;")
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=2000, help="feed items per conversation")
    parser.add_argument("--order-every", type=int, default=10, help="an order event every N items")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--force", action="store_true", help="regenerate an existing dataset")
    args = parser.parse_args(argv)
    db = database_path(args.out, args.conversations, args.messages)
    tokens = tokens_path(args.out, args.conversations, args.messages)
    if db.exists() and tokens.exists() and not args.force:
        print(f"dataset exists: {db} (use --force to regenerate)")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), tokens):
        stale.unlink(missing_ok=True)
    settings = Settings(database_url=f"sqlite://{db}", jwt_secret=SECRET)
    started = time.perf_counter()
    pairs = asyncio.run(
        generate(settings, args.conversations, args.messages, args.order_every, args.seed)
    )
    _write_tokens(settings, pairs, tokens)
    print(
        f"generated {args.conversations} conversations x {args.messages} items into {db} "
        f"in {time.perf_counter() - started:.1f}s; tokens in {tokens}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
