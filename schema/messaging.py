"""Messages and the inputs and results of sending and reading them."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from parley.models import feed, rules
from parley.models.feed_pages import FeedEntry
from parley.models.global_ids import Tag
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.errors import (
    IdempotencyKeyReusedError,
    InvalidInputError,
    MessagingBlockedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from parley.schema.node import Node, global_id
from parley.schema.orders import Order, ReadWithPage, load_order

if TYPE_CHECKING:
    from parley.schema.campaigns import Campaign


@strawberry.type(description="A message in a conversation, optionally about one order.")
class Message(Node):
    _row: strawberry.Private[feed.FeedItem | FeedEntry]
    _read: strawberry.Private[ReadWithPage | None] = None
    id: strawberry.ID = strawberry.field(description="The message's id (also its feed item id).")
    conversation_id: strawberry.ID = strawberry.field(
        description="The conversation it was sent in."
    )
    body: str = strawberry.field(description="The text, 1 to 5,000 characters.")
    created_at: datetime = strawberry.field(description="When it was sent.")
    read_at: datetime | None = strawberry.field(
        description="When the recipient read it (read receipt); null while unread."
    )

    @strawberry.field(description="Who sent it.", graphql_type=Account)
    def sender(self, info: Info) -> Account | Awaitable[Account]:
        if self._read is not None and self._read.sender is not None:
            return self._read.sender
        return self._load_sender(info)

    async def _load_sender(self, info: Info) -> Account:
        assert self._row.author_id is not None
        row = await info.context.loaders.account_by_id.load(self._row.author_id)
        assert row is not None
        return Account.from_model(row)

    @strawberry.field(description="True when the caller sent it.")
    def is_mine(self, info: Info) -> bool:
        caller = info.context.caller
        return caller is not None and caller.account_id == self._row.author_id

    @strawberry.field(
        description="The order the message is about, if any.", graphql_type=Order | None
    )
    def order(self, info: Info) -> Order | Awaitable[Order | None] | None:
        if self._read is not None:
            return self._read.order
        return load_order(info, self._row.order_id)

    @strawberry.field(
        description="The campaign the message is about, if any.",
        graphql_type=Annotated["Campaign", strawberry.lazy("parley.schema.campaigns")] | None,
    )
    def campaign(self, info: Info) -> Awaitable[Campaign | None] | None:
        if self._row.campaign_id is None:
            return None
        return _load_campaign(info, self._row.campaign_id)

    @classmethod
    def from_model(
        cls, row: feed.FeedItem | FeedEntry, read: ReadWithPage | None = None
    ) -> Message:
        return cls(
            _row=row,
            _read=read,
            id=global_id(Tag.FEED_ITEM, row.id),
            conversation_id=global_id(Tag.CONVERSATION, row.conversation_id),
            body=row.body or "",
            created_at=row.created_at,
            read_at=row.read_at,
        )


async def _load_campaign(info: Info, campaign_id: int) -> Campaign | None:
    from parley.schema.campaigns import Campaign

    row = await info.context.loaders.campaign_by_id.load(campaign_id)
    return Campaign.from_model(row) if row is not None else None


@strawberry.input(
    description="A message to send. Give conversationId, or counterpartId to write first."
)
class SendMessageInput:
    body: str = strawberry.field(description="The text, 1 to 5,000 characters.")
    conversation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The conversation to send in."
    )
    counterpart_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The other party, when no conversation exists yet (opens one where allowed).",
    )
    order_id: strawberry.ID | None = strawberry.field(
        default=None, description="The order the message is about, if any."
    )
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The campaign the message is about, if any (creator must have accepted it).",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A key chosen by the client (e.g. a UUID): a retried send with the same key "
        "returns the first message instead of sending twice.",
    )


SendMessageResult = Annotated[
    Message
    | MessagingBlockedError
    | NotFoundError
    | InvalidInputError
    | IdempotencyKeyReusedError
    | RateLimitedError,
    strawberry.union("SendMessageResult", description="The sent message, or why it was not sent."),
]


@strawberry.enum(
    description="What the caller means to do; messagingStatus answers for that action."
)
class MessagingAction(Enum):
    MESSAGE = strawberry.enum_value(
        rules.Action.MESSAGE.value, description="Send a message (sendMessage)."
    )
    CALL_INVITE = strawberry.enum_value(
        rules.Action.CALL_INVITE.value,
        description="Invite the freelancer to a call (sendCallInvite; clients only).",
    )


@strawberry.type(
    description="Whether the caller may send here now, and if not which rule and why. "
    "It is the same decision sendMessage (or sendCallInvite) makes."
)
class MessagingStatus:
    can_send: bool = strawberry.field(description="True when a message would be accepted now.")
    blocked_by: MessagingBlockedError | None = strawberry.field(
        description="The rule that would refuse it, with the message and next step to show."
    )


@strawberry.enum(description="What a messaging switch applies to.")
class MessagingScope(Enum):
    ACCOUNT = strawberry.enum_value(
        "account", description="Every conversation of the client's account."
    )
    ORDER = strawberry.enum_value("order", description="One order's messages (orderId).")


@strawberry.type(description="A client's messaging switch after a change.")
class MessagingSwitch:
    scope: MessagingScope = strawberry.field(description="ACCOUNT-wide or one ORDER.")
    order_id: strawberry.ID | None = strawberry.field(description="The order, for ORDER scope.")
    enabled: bool = strawberry.field(description="Whether freelancers may message.")


SetMessagingEnabledResult = Annotated[
    MessagingSwitch | NotFoundError | PermissionDeniedError,
    strawberry.union("SetMessagingEnabledResult", description="The switch, or why it was refused."),
]


@strawberry.type(description="How long messages are kept.")
class RetentionPolicy:
    duration: str = strawberry.field(
        description="Messages older than this disappear: an ISO 8601 duration, e.g. P365D, PT1H."
    )
    seconds: int = strawberry.field(description="The same duration in seconds.")
    days: int = strawberry.field(
        description="The duration in whole days (0 when shorter than a day).",
        deprecation_reason="Retention may be shorter than a day: use duration or seconds.",
    )
    oldest_visible_at: datetime = strawberry.field(
        description="Messages sent before this instant are no longer shown."
    )

    @classmethod
    def of(cls, retention: timedelta, oldest_visible_at: datetime) -> RetentionPolicy:
        seconds = int(retention.total_seconds())
        return cls(
            duration=_iso_duration(seconds),
            seconds=seconds,
            days=retention.days,
            oldest_visible_at=oldest_visible_at,
        )


def _iso_duration(total: int) -> str:
    if total <= 0:
        return "PT0S"
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    parts = ((hours, "H"), (minutes, "M"), (seconds, "S"))
    time = "".join(f"{value}{unit}" for value, unit in parts if value)
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")
