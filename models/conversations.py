"""Conversations: one per client–freelancer pair, across all their orders.

A `Participant` row is one side's view of a conversation: its counterpart,
unread count, read pointer and last activity. The client list ("Communications"
tab) is a keyset-paged scan of the viewer's participant rows, unread first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import fields
from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.models import Model

from parley.compat.tortoise import from_row
from parley.models.accounts import Account
from parley.models.errors import InvalidInput, NotFound
from parley.models.store.scripts import Script, placeholders


class Conversation(Model):
    id = fields.BigIntField(primary_key=True)
    client: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    client_id: int
    freelancer: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    freelancer_id: int
    # Plain column, not a foreign key: feed items reference conversations.
    last_message_id = fields.BigIntField(null=True)
    last_activity_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    # Set by the marketplace when the client leaves a negative review (rule 6).
    negative_review_at = fields.DatetimeField(null=True)

    class Meta:
        table = "conversations"
        unique_together = (("client", "freelancer"),)

    def participant_ids(self) -> tuple[int, int]:
        return (self.client_id, self.freelancer_id)

    def counterpart_of(self, account_id: int) -> int:
        return self.freelancer_id if account_id == self.client_id else self.client_id


class Participant(Model):
    id = fields.BigIntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "models.Conversation", related_name="participants", on_delete=fields.CASCADE
    )
    conversation_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    account_id: int
    counterpart: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False
    )
    counterpart_id: int
    unread_count = fields.IntField(default=0)
    has_unread = fields.BooleanField(default=False)
    # Highest feed item id this participant has read.
    read_up_to = fields.BigIntField(default=0)
    last_read_at = fields.DatetimeField(null=True)
    last_activity_at = fields.DatetimeField()
    # Messages this side sent in a row with no reply (rule 5 counts a freelancer's).
    unanswered = fields.IntField(default=0)
    # This side never gets notified about the conversation (messages still arrive).
    muted = fields.BooleanField(default=False)

    class Meta:
        table = "participants"
        unique_together = (("conversation", "account"),)
        indexes = (("account_id", "has_unread", "last_activity_at", "id"),)


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """Keyset position in a viewer's client list (unread first, newest activity first)."""

    has_unread: bool
    last_activity_at: datetime
    participant_id: int


def open_conversation(client_id: int, freelancer_id: int, now: datetime) -> Script[Conversation]:
    """The pair's conversation, created (with both participants) if it does not exist.

    For a client and a freelancer already checked to be so.
    """
    pair = (client_id, freelancer_id)
    rows = yield (
        'INSERT INTO "conversations" ("client_id", "freelancer_id", "last_activity_at", '
        '"created_at") VALUES (?, ?, ?, ?) '
        'ON CONFLICT ("client_id", "freelancer_id") DO NOTHING RETURNING *',
        (*pair, now, now),
    )
    if not rows:  # opened by a concurrent transaction since this one looked
        rows = yield (
            'SELECT * FROM "conversations" WHERE "client_id" = ? AND "freelancer_id" = ?',
            pair,
        )
        return from_row(Conversation, rows[0])
    conversation = from_row(Conversation, rows[0])
    row = f"({placeholders(9)})"
    yield (
        'INSERT INTO "participants" ("conversation_id", "account_id", "counterpart_id", '
        '"unread_count", "has_unread", "read_up_to", "last_activity_at", "unanswered", "muted") '
        f"VALUES {row}, {row}",
        [
            value
            for account_id, counterpart_id in (pair, pair[::-1])
            for value in (conversation.id, account_id, counterpart_id, 0, False, 0, now, 0, False)
        ],
    )
    return conversation


async def participant_view(viewer_id: int, conversation_id: int) -> Participant:
    """The viewer's side of a conversation; NotFound if the viewer is not in it."""
    participant = await Participant.get_or_none(
        account_id=viewer_id, conversation_id=conversation_id
    ).select_related("conversation")
    if participant is None:
        raise NotFound("The conversation")
    return participant


async def require_participant(viewer_id: int, conversation_id: int) -> None:
    """NotFound unless the viewer is in the conversation (one indexed lookup, no rows read)."""
    if not await Participant.exists(account_id=viewer_id, conversation_id=conversation_id):
        raise NotFound("The conversation")


# The client list: unread first, then newest activity, then newest participant row.
_LIST_ORDER = ("-has_unread", "-last_activity_at", "-id")
_LIST_ORDER_REVERSED = ("has_unread", "last_activity_at", "id")


@dataclass(frozen=True, slots=True)
class ConversationPage:
    """A page of the client list, in list order, and whether rows precede or follow it."""

    rows: list[Participant]
    has_previous: bool
    has_next: bool


async def conversation_page(
    viewer_id: int,
    *,
    first: int | None = None,
    after: ConversationKey | None = None,
    last: int | None = None,
    before: ConversationKey | None = None,
    within: Q | None = None,
) -> ConversationPage:
    """One page of the viewer's conversations (those `within` matches): `first` after a key,
    or `last` before one."""
    if first is not None and last is not None:
        raise InvalidInput("first", "Use either first/after or last/before, not both.")
    forward = last is None
    size = (first if first is not None else 20) if forward else last
    assert size is not None
    if size < 0:
        raise InvalidInput("first" if forward else "last", "A page size cannot be negative.")
    query = Participant.filter(account_id=viewer_id)
    if within is not None:
        query = query.filter(within)
    if forward and after is not None:
        query = query.filter(_after_key(after))
    if not forward and before is not None:
        query = query.filter(_before_key(before))
    order = _LIST_ORDER if forward else _LIST_ORDER_REVERSED  # backward reads ascend
    rows = await query.order_by(*order).limit(size + 1).select_related("conversation")
    more = len(rows) > size
    if forward:
        return ConversationPage(rows[:size], after is not None, more)
    return ConversationPage(rows[:size][::-1], more, before is not None)


def _after_key(key: ConversationKey) -> Q:
    # Descending on (has_unread, last_activity_at, id): strictly "smaller" rows come next.
    same_time_older_id = Q(last_activity_at=key.last_activity_at, id__lt=key.participant_id)
    older = Q(last_activity_at__lt=key.last_activity_at) | same_time_older_id
    if key.has_unread:
        return Q(has_unread=False) | (Q(has_unread=True) & older)
    return Q(has_unread=False) & older


def _before_key(key: ConversationKey) -> Q:
    # Strictly "greater" rows come before the key in the list.
    same_time_newer_id = Q(last_activity_at=key.last_activity_at, id__gt=key.participant_id)
    newer = Q(last_activity_at__gt=key.last_activity_at) | same_time_newer_id
    if key.has_unread:
        return Q(has_unread=True) & newer
    return Q(has_unread=True) | (Q(has_unread=False) & newer)


@dataclass(frozen=True, slots=True)
class UnreadSummary:
    conversations_with_unread: int
    total_unread: int


async def unread_summary(account_id: int) -> UnreadSummary:
    row = (
        await Participant.filter(account_id=account_id, has_unread=True)
        .annotate(conversations=Count("id"), total=Sum("unread_count"))
        .values("conversations", "total")
    )
    if not row:
        return UnreadSummary(0, 0)
    return UnreadSummary(int(row[0]["conversations"] or 0), int(row[0]["total"] or 0))


async def set_muted(account_id: int, conversation_id: int, muted: bool) -> Participant:
    """Mute or unmute the account's notifications for one conversation."""
    updated = await Participant.filter(
        account_id=account_id, conversation_id=conversation_id
    ).update(muted=muted)
    if not updated:
        raise NotFound("The conversation")
    return await participant_view(account_id, conversation_id)


async def counterparts_of(account_id: int) -> list[int]:
    """The accounts this one has a conversation with, in id order."""
    rows = await Participant.filter(account_id=account_id).values_list("counterpart_id", flat=True)
    return sorted({int(row) for row in rows})  # type: ignore[call-overload]
