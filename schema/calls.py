"""Call invites as the API shows them: times in the viewer's zone, the dial-in line, feed events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from parley.models import calls, feed
from parley.models.accounts import validate_time_zone
from parley.models.errors import ParleyError
from parley.models.feed_pages import FeedEntry
from parley.models.global_ids import Tag
from parley.resolvers.inputs import query_error
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.enums import domain_enum
from parley.schema.errors import (
    CallInviteClosedError,
    InvalidInputError,
    MessagingBlockedError,
    NoLineAvailableError,
    NotFoundError,
    OutsideCallWindowError,
    PermissionDeniedError,
)
from parley.schema.messaging import Message
from parley.schema.node import Node, global_id, optional_global_id
from parley.schema.orders import Order
from parley.schema.zoned import ZonedTime

domain_enum(
    calls.CallInviteStatus,
    name="CallInviteStatus",
    description="Where a call invite is.",
    values={
        "PENDING": "Waiting for the freelancer to accept or decline.",
        "ACCEPTED": "The freelancer accepted one of the times: the call is scheduled.",
        "DECLINED": "The freelancer declined (their message says which times would suit).",
        "CANCELLED": "The client cancelled it.",
        "EXPIRED": "Every proposed time passed without an answer.",
        "SUPERSEDED": "A newer invite from the client replaced it.",
        "NO_SHOW": "The freelancer reported that no one joined the call.",
    },
)
domain_enum(
    feed.CallEventType,
    name="CallEventType",
    description="What happened to a call invite.",
    values={
        "SENT": "The client sent the invite.",
        "ACCEPTED": "The freelancer accepted one of the proposed times.",
        "DECLINED": "The freelancer declined it.",
        "CANCELLED": "The client cancelled it.",
        "EXPIRED": "Every proposed time passed without an answer.",
        "NO_SHOW_REPORTED": "The freelancer reported that no one joined the call.",
    },
)

CallInviteStatus = calls.CallInviteStatus
CallEventType = feed.CallEventType


_ZONE = strawberry.argument(
    description="Show it in this IANA time zone instead of the viewer's own (for travelling "
    "users), e.g. Asia/Tokyo."
)


def _shown_in(instant: datetime, viewer_zone: str, time_zone: str | None) -> ZonedTime:
    """`instant` in the zone asked for, else the viewer's; an unknown zone is a query error."""
    if time_zone is None:
        return ZonedTime.at(instant, viewer_zone)
    try:
        return ZonedTime.at(instant, validate_time_zone(time_zone))
    except ParleyError as exc:
        raise query_error(exc) from exc


@strawberry.type(description="A call start time: the UTC instant and the viewer's wall clock.")
class CallTime:
    _viewer_zone: strawberry.Private[str]
    starts_at: datetime = strawberry.field(description="The instant, in UTC.")
    is_chosen: bool = strawberry.field(description="True for the time the freelancer accepted.")
    has_passed: bool = strawberry.field(description="True once this time is in the past.")

    @strawberry.field(
        description="The same instant on a wall clock: the viewer's own time zone, or timeZone."
    )
    def local(self, time_zone: Annotated[str | None, _ZONE] = None) -> ZonedTime:
        return _shown_in(self.starts_at, self._viewer_zone, time_zone)


@strawberry.type(
    description="How to join an accepted call. The line opens 5 minutes before the start; "
    "calls are never recorded, so take notes."
)
class DialIn:
    _opens: strawberry.Private[datetime]
    _viewer_zone: strawberry.Private[str]
    number: str = strawberry.field(description="The conference line's phone number.")
    pin: str = strawberry.field(description="The PIN for this call; no other active call has it.")
    is_open: bool = strawberry.field(description="True from opensAt on.")
    note: str = strawberry.field(
        description="What to tell the user, e.g. when the line opens (in the viewer's time zone)."
    )

    @strawberry.field(
        description="When the line opens (start - 5 minutes): the viewer's own time zone, or "
        "timeZone."
    )
    def opens_at(self, time_zone: Annotated[str | None, _ZONE] = None) -> ZonedTime:
        return _shown_in(self._opens, self._viewer_zone, time_zone)


@strawberry.type(
    description="A client's invitation to a phone call with a freelancer, with 1–5 proposed "
    "start times. Local times are in the viewer's own time zone unless a field's timeZone "
    "argument asks for another."
)
class CallInvite(Node):
    _row: strawberry.Private[calls.CallInvite]
    _zone: strawberry.Private[str]
    _now: strawberry.Private[datetime]
    id: strawberry.ID = strawberry.field(description="The invite's id.")
    invite_status: CallInviteStatus = strawberry.field(description="Where the invite is now.")
    topic: str = strawberry.field(description="What the client wants to discuss (may be empty).")
    duration_minutes: int = strawberry.field(description="How long the call is planned to last.")
    conversation_id: strawberry.ID = strawberry.field(description="The pair's conversation.")
    created_at: datetime = strawberry.field(description="When the client sent it.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    expires_at: datetime = strawberry.field(
        description="The last proposed time: an invite still pending then expires."
    )
    line_opens_at: datetime | None = strawberry.field(
        description="When the conference line opens: 5 minutes before the accepted time."
    )
    no_show_reportable_from: datetime | None = strawberry.field(
        description="From when the freelancer may report a no-show (start + 5 minutes)."
    )
    supersedes_id: strawberry.ID | None = strawberry.field(
        description="The earlier invite (pending or declined) that this one replaced."
    )
    superseded_by_id: strawberry.ID | None = strawberry.field(
        description="The newer invite that replaced this one."
    )
    support_request_id: strawberry.ID | None = strawberry.field(
        description="The support request a no-show report opened."
    )

    @strawberry.field(description="Every proposed time, earliest first.")
    def proposed_times(self) -> list[CallTime]:
        return [self._time(instant) for instant in self._row.times()]

    @strawberry.field(description="The time the freelancer accepted; null until then.")
    def scheduled_time(self) -> CallTime | None:
        starts_at = self._row.starts_at
        return None if starts_at is None else self._time(starts_at)

    @strawberry.field(
        description="The line and PIN, for both sides, while an accepted call's line is reserved "
        "(until an hour after its planned end); null otherwise."
    )
    def dial_in(self) -> DialIn | None:
        row = self._row
        opens = row.line_opens_at
        if (
            row.effective_status(self._now) != calls.CallInviteStatus.ACCEPTED
            or row.active_pin is None
            or row.dial_in_number is None
            or opens is None
            or (row.line_closes_at is not None and row.line_closes_at <= self._now)
        ):
            return None
        opens_at = ZonedTime.at(opens, self._zone)
        is_open = self._now >= opens
        note = (
            "The line is open. Calls are not recorded: take notes."
            if is_open
            else f"The line opens at {opens_at.text}, 5 minutes before the call. "
            "Calls are not recorded: take notes."
        )
        return DialIn(
            _opens=opens,
            _viewer_zone=self._zone,
            number=row.dial_in_number,
            pin=row.active_pin,
            is_open=is_open,
            note=note,
        )

    @strawberry.field(description="The client who sent the invite.")
    async def client(self, info: Info) -> Account:
        return await _account(info, self._row.client_id)

    @strawberry.field(description="The invited freelancer.")
    async def freelancer(self, info: Info) -> Account:
        return await _account(info, self._row.freelancer_id)

    @strawberry.field(description="The order the call is about, if any.")
    async def order(self, info: Info) -> Order | None:
        if self._row.order_id is None:
            return None
        row = await info.context.loaders.order_by_id.load(self._row.order_id)
        return Order.from_model(row) if row is not None else None

    @strawberry.field(
        description="The freelancer's message when declining (which times would suit them)."
    )
    async def decline_message(self, info: Info) -> Message | None:
        if self._row.decline_message_id is None:
            return None
        row = await info.context.loaders.feed_item_by_id.load(self._row.decline_message_id)
        return Message.from_model(row) if row is not None else None

    def _time(self, instant: datetime) -> CallTime:
        return CallTime(
            _viewer_zone=self._zone,
            starts_at=instant,
            is_chosen=instant == self._row.starts_at,
            has_passed=instant <= self._now,
        )

    @classmethod
    def from_model(cls, row: calls.CallInvite, zone: str, now: datetime) -> CallInvite:

        return cls(
            _row=row,
            _zone=zone,
            _now=now,
            id=global_id(Tag.CALL_INVITE, row.id),
            invite_status=row.effective_status(now),
            topic=row.topic,
            duration_minutes=row.duration_minutes,
            conversation_id=global_id(Tag.CONVERSATION, row.conversation_id),
            created_at=row.created_at,
            updated_at=row.updated_at,
            expires_at=row.last_proposed_at,
            line_opens_at=row.line_opens_at,
            no_show_reportable_from=row.no_show_reportable_from,
            supersedes_id=optional_global_id(Tag.CALL_INVITE, row.supersedes_id),
            superseded_by_id=optional_global_id(Tag.CALL_INVITE, row.superseded_by_id),
            support_request_id=optional_global_id(Tag.SUPPORT_REQUEST, row.support_request_id),
        )


async def _account(info: Info, account_id: int) -> Account:
    row = await info.context.loaders.account_by_id.load(account_id)
    assert row is not None
    return Account.from_model(row)


async def viewer_zone(info: Info) -> str:
    """The caller's own time zone (the account setting)."""
    row = await info.context.loaders.account_by_id.load(info.context.account_id())
    return row.time_zone if row is not None else "UTC"


@strawberry.type(
    description="A change to a call invite, shown in the conversation's feed "
    "(sent, accepted, declined, cancelled, expired, no-show reported)."
)
class CallInviteEvent(Node):
    _row: strawberry.Private[feed.FeedItem | FeedEntry]
    id: strawberry.ID = strawberry.field(description="The feed item's id.")
    call_event_type: CallEventType = strawberry.field(description="What happened.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="Who did it; null when it happened on its own (expiry).")
    async def actor(self, info: Info) -> Account | None:
        if self._row.author_id is None:
            return None
        return await _account(info, self._row.author_id)

    @strawberry.field(
        description="The invite as it is now, in the viewer's time zone (nullable only so that "
        "it can be selected beside other feed items in one query)."
    )
    async def invite(self, info: Info) -> CallInvite | None:
        if self._row.call_invite_id is None:
            return None
        row = await info.context.loaders.call_invite_by_id.load(self._row.call_invite_id)
        if row is None:
            return None
        return CallInvite.from_model(
            row, await viewer_zone(info), info.context.services.clock.now()
        )

    @classmethod
    def from_model(cls, row: feed.FeedItem | FeedEntry) -> CallInviteEvent:
        return cls(
            _row=row,
            id=global_id(Tag.FEED_ITEM, row.id),
            call_event_type=feed.CallEventType(row.call_event or feed.CallEventType.SENT),
            created_at=row.created_at,
        )


@strawberry.input(description="A call invite: 1–5 start times, at least 15 minutes apart.")
class SendCallInviteInput:
    freelancer_id: strawberry.ID = strawberry.field(description="The freelancer to invite.")
    start_times: list[datetime] = strawberry.field(
        description="1 to 5 future start times with a UTC offset, at least 15 minutes apart."
    )
    duration_minutes: int = strawberry.field(
        default=30, description="Planned length, 15 to 180 minutes."
    )
    topic: str = strawberry.field(default="", description="What to discuss, up to 500 characters.")
    order_id: strawberry.ID | None = strawberry.field(
        default=None, description="The order the call is about, if any."
    )


SendCallInviteResult = Annotated[
    CallInvite | MessagingBlockedError | NotFoundError | InvalidInputError | PermissionDeniedError,
    strawberry.union("SendCallInviteResult", description="The invite, or why it was not sent."),
]

AcceptCallInviteResult = Annotated[
    CallInvite
    | NotFoundError
    | PermissionDeniedError
    | CallInviteClosedError
    | InvalidInputError
    | NoLineAvailableError,
    strawberry.union(
        "AcceptCallInviteResult",
        description="The accepted invite with its dial-in line, or why it was refused.",
    ),
]

DeclineCallInviteResult = Annotated[
    CallInvite
    | NotFoundError
    | PermissionDeniedError
    | CallInviteClosedError
    | InvalidInputError
    | MessagingBlockedError,
    strawberry.union(
        "DeclineCallInviteResult",
        description="The declined invite, or why it was refused (MessagingBlocked: a rule "
        "refused its message).",
    ),
]

CancelCallInviteResult = Annotated[
    CallInvite
    | NotFoundError
    | PermissionDeniedError
    | CallInviteClosedError
    | OutsideCallWindowError,
    strawberry.union(
        "CancelCallInviteResult", description="The cancelled invite, or why it was refused."
    ),
]

ReportCallNoShowResult = Annotated[
    CallInvite
    | NotFoundError
    | PermissionDeniedError
    | CallInviteClosedError
    | OutsideCallWindowError
    | InvalidInputError,
    strawberry.union(
        "ReportCallNoShowResult",
        description="The invite marked NO_SHOW, or why the report was refused.",
    ),
]
