"""The call-invite state machine (see models.calls): every change in one transaction.

Each change locks the invite row, checks the rules against the effective
status, moves it with a conditional update (so two concurrent accepts cannot
both win on any backend), writes a call-event feed item and appends both
participants' events. Callers publish the returned events after commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from parley.models import notifications
from parley.models.accounts import Account, AccountKind
from parley.models.call_times import choose_time, validate_proposed_times
from parley.models.calls import (
    CALL_TIME_HORIZON,
    CLIENTS_INVITE,
    DURATION_MAX,
    DURATION_MIN,
    LINE_GRACE,
    TOPIC_MAX,
    CallInvite,
    CallInviteStatus,
    get_call_invite_for,
)
from parley.models.conference import ConferenceLine, ConferenceProvider, LineRequest
from parley.models.conversations import Conversation, Participant, open_conversation
from parley.models.errors import (
    CallInviteClosed,
    ErrorCode,
    InvalidInput,
    NotFound,
    OutsideCallWindow,
    PermissionDenied,
)
from parley.models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from parley.models.feed import CallEventType, FeedItem, FeedItemKind
from parley.models.messaging import (
    DEFAULT_NO_MESSAGING_JOB_TYPES,
    Target,
    first_refusal,
    send_message,
    validate_body,
)
from parley.models.rules import Action
from parley.models.store.clock import Clock
from parley.models.store.scripts import run_script, run_step
from parley.models.support import SupportReason, open_support_request
from parley.models.text import clean_text

# How often an accept retries when a concurrent accept took the same PIN first.
PIN_ATTEMPTS = 3

_CLOSED_MESSAGES = {
    CallInviteStatus.PENDING: "This call invite has not been accepted yet.",
    CallInviteStatus.ACCEPTED: "This call invite was already accepted.",
    CallInviteStatus.DECLINED: "This call invite was declined.",
    CallInviteStatus.CANCELLED: "This call invite was cancelled by the client.",
    CallInviteStatus.EXPIRED: "Every proposed time of this call invite has passed.",
    CallInviteStatus.SUPERSEDED: "A newer call invite replaced this one.",
    CallInviteStatus.NO_SHOW: "A no-show was already reported for this call.",
}


@dataclass(frozen=True, slots=True)
class CallChange:
    invite: CallInvite
    item: FeedItem | None
    events: list[LoggedEvent] = field(default_factory=list)


def closed(status: CallInviteStatus) -> CallInviteClosed:
    return CallInviteClosed(status.value, _CLOSED_MESSAGES[status])


async def send_call_invite(
    clock: Clock,
    client_id: int,
    *,
    freelancer_id: int,
    start_times: Sequence[datetime],
    duration_minutes: int,
    topic: str = "",
    order_id: int | None = None,
    no_messaging_job_types: Collection[str] = DEFAULT_NO_MESSAGING_JOB_TYPES,
    horizon: timedelta = CALL_TIME_HORIZON,
) -> CallChange:
    """Invite a freelancer to a call if the messaging rules allow it (models.rules: judged as
    a message from the client about `order_id`); supersedes the pair's open or declined
    invites. Raises MessagingBlocked when a rule forbids it."""
    now = clock.now()
    client = await Account.get_or_none(id=client_id)
    if client is None or client.kind != AccountKind.CLIENT:
        raise PermissionDenied(CLIENTS_INVITE)
    freelancer = await Account.get_or_none(id=freelancer_id)
    if freelancer is None or freelancer.kind != AccountKind.FREELANCER:
        raise NotFound("The freelancer")
    times = validate_proposed_times(start_times, now, horizon)
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        raise InvalidInput(
            "durationMinutes", f"A call lasts {DURATION_MIN} to {DURATION_MAX} minutes."
        )
    topic = clean_text(
        topic, "topic", label="A topic", max_length=TOPIC_MAX, required=False, multiline=True
    )
    async with in_transaction():
        # Locks the pair's event logs first, then the rows the rules read.
        refusal = await first_refusal(
            client_id,
            Target(counterpart_id=freelancer_id, order_id=order_id),
            no_messaging_job_types,
            action=Action.CALL_INVITE,
            lock=True,
        )
        if refusal is not None:
            raise refusal
        conversation = await run_step(open_conversation(client_id, freelancer_id, now))
        earlier = await CallInvite.filter(
            client_id=client_id,
            freelancer_id=freelancer_id,
            superseded_by_id__isnull=True,
            status__in=[CallInviteStatus.PENDING, CallInviteStatus.DECLINED],
        ).select_for_update()
        replaced = [
            invite for invite in earlier if invite.effective_status(now) != CallInviteStatus.EXPIRED
        ]
        invite = await CallInvite.create(
            conversation_id=conversation.id,
            client_id=client_id,
            freelancer_id=freelancer_id,
            order_id=order_id,
            topic=topic,
            duration_minutes=duration_minutes,
            proposed_times=[time.isoformat() for time in times],
            last_proposed_at=times[-1],
            supersedes_id=max((old.id for old in replaced), default=None),
            created_at=now,
            updated_at=now,
        )
        for old in replaced:
            if old.status == CallInviteStatus.PENDING:
                old.status = CallInviteStatus.SUPERSEDED
            old.superseded_by_id = invite.id
            old.updated_at = now
            await old.save(update_fields=["status", "superseded_by_id", "updated_at"])
        item, events = await _record(conversation, invite, CallEventType.SENT, client_id, now)
    return CallChange(invite, item, events)


async def accept_call_invite(
    clock: Clock,
    provider: ConferenceProvider,
    freelancer_id: int,
    invite_id: int,
    starts_at: datetime,
    horizon: timedelta = CALL_TIME_HORIZON,
) -> CallChange:
    """Accept at one of the proposed times; the call gets a line with a PIN no active call has."""
    now = clock.now()
    async with in_transaction():
        invite = await _locked_for(freelancer_id, invite_id)
        _require_invitee(invite, freelancer_id)
        _require_status(invite, now, CallInviteStatus.PENDING)
        chosen = choose_time(invite.times(), starts_at, now, horizon)
        ends_at = chosen + timedelta(minutes=invite.duration_minutes)
        await _reserve_line(provider, invite, chosen, ends_at, now)
        invite = await CallInvite.get(id=invite.id)
        conversation = await Conversation.get(id=invite.conversation_id)
        item, events = await _record(
            conversation, invite, CallEventType.ACCEPTED, freelancer_id, now
        )
    return CallChange(invite, item, events)


async def _reserve_line(
    provider: ConferenceProvider,
    invite: CallInvite,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> ConferenceLine:
    # Lines of calls that are over are free again.
    await CallInvite.filter(active_pin__isnull=False, line_closes_at__lte=now).update(
        active_pin=None
    )
    taken: set[str] = set(
        await CallInvite.filter(active_pin__isnull=False).values_list("active_pin", flat=True)  # type: ignore[arg-type]
    )
    for attempt in range(PIN_ATTEMPTS):
        line = await provider.open_line(LineRequest(invite.id, starts_at, ends_at, taken))
        try:
            async with in_transaction():  # a savepoint: a PIN collision rolls back alone
                moved = await CallInvite.filter(
                    id=invite.id, status=CallInviteStatus.PENDING
                ).update(
                    status=CallInviteStatus.ACCEPTED,
                    starts_at=starts_at,
                    dial_in_number=line.dial_in_number,
                    pin=line.pin,
                    active_pin=line.pin,
                    line_closes_at=ends_at + LINE_GRACE,
                    updated_at=now,
                )
        except IntegrityError:
            await provider.close_line(line)
            if attempt == PIN_ATTEMPTS - 1:
                raise
            taken.add(line.pin)
            continue
        if not moved:
            await provider.close_line(line)
            current = await CallInvite.get(id=invite.id)
            raise closed(current.effective_status(now))
        return line
    raise AssertionError("unreachable")


async def decline_call_invite(
    clock: Clock,
    freelancer_id: int,
    invite_id: int,
    message: str | None = None,
    no_messaging_job_types: Collection[str] = DEFAULT_NO_MESSAGING_JOB_TYPES,
) -> CallChange:
    """Decline; `message` (which times would suit) is posted to the conversation, as a
    message about the invite's order that the messaging rules may refuse (MessagingBlocked)."""
    if message is not None:
        message = validate_body(message)
    now = clock.now()
    async with in_transaction():
        invite = await _locked_for(freelancer_id, invite_id)
        _require_invitee(invite, freelancer_id)
        _require_status(invite, now, CallInviteStatus.PENDING)
        events: list[LoggedEvent] = []
        if message is not None:
            sent = await send_message(
                clock,
                freelancer_id,
                conversation_id=invite.conversation_id,
                order_id=invite.order_id,
                body=message,
                no_messaging_job_types=no_messaging_job_types,
            )
            invite.decline_message_id = sent.message.id
            events += sent.events
        invite.status = CallInviteStatus.DECLINED
        invite.updated_at = now
        await invite.save(update_fields=["status", "decline_message_id", "updated_at"])
        conversation = await Conversation.get(id=invite.conversation_id)
        item, recorded = await _record(
            conversation, invite, CallEventType.DECLINED, freelancer_id, now
        )
    return CallChange(invite, item, events + recorded)


async def cancel_call_invite(
    clock: Clock, provider: ConferenceProvider, client_id: int, invite_id: int
) -> CallChange:
    """The client calls off a pending invite, or an accepted call that has not started."""
    now = clock.now()
    async with in_transaction():
        invite = await _locked_for(client_id, invite_id)
        if invite.client_id != client_id:
            raise PermissionDenied("Only the client who sent a call invite can cancel it.")
        _require_status(invite, now, CallInviteStatus.PENDING, CallInviteStatus.ACCEPTED)
        if invite.starts_at is not None and invite.starts_at <= now:
            raise OutsideCallWindow(
                ErrorCode.TOO_LATE,
                invite.starts_at,
                "The call has already started; it cannot be cancelled.",
            )
        line = _line_of(invite)
        invite.status = CallInviteStatus.CANCELLED
        invite.active_pin = None
        invite.updated_at = now
        await invite.save(update_fields=["status", "active_pin", "updated_at"])
        conversation = await Conversation.get(id=invite.conversation_id)
        item, events = await _record(conversation, invite, CallEventType.CANCELLED, client_id, now)
    if line is not None:
        await provider.close_line(line)
    return CallChange(invite, item, events)


async def report_no_show(
    clock: Clock, freelancer_id: int, invite_id: int, details: str = ""
) -> CallChange:
    """The other side did not join: from 5 minutes after the start, open a support request."""
    now = clock.now()
    async with in_transaction():
        invite = await _locked_for(freelancer_id, invite_id)
        _require_invitee(invite, freelancer_id)
        _require_status(invite, now, CallInviteStatus.ACCEPTED)
        opens = invite.no_show_reportable_from
        assert opens is not None
        if now < opens:
            raise OutsideCallWindow(
                ErrorCode.TOO_EARLY,
                opens,
                "Wait at least 5 minutes after the scheduled start before reporting a no-show.",
            )
        request = await open_support_request(
            clock,
            freelancer_id,
            SupportReason.NO_SHOW,
            details=details,
            conversation_id=invite.conversation_id,
            order_id=invite.order_id,
            call_invite_id=invite.id,
        )
        invite.status = CallInviteStatus.NO_SHOW
        invite.support_request_id = request.id
        invite.active_pin = None
        invite.updated_at = now
        await invite.save(
            update_fields=["status", "support_request_id", "active_pin", "updated_at"]
        )
        conversation = await Conversation.get(id=invite.conversation_id)
        item, events = await _record(
            conversation, invite, CallEventType.NO_SHOW_REPORTED, freelancer_id, now
        )
    return CallChange(invite, item, events)


async def expire_due_invites(clock: Clock, limit: int = 100) -> list[LoggedEvent]:
    """Record as expired the pending invites whose proposed times have all passed."""
    now = clock.now()
    due = (
        await CallInvite.filter(status=CallInviteStatus.PENDING, last_proposed_at__lte=now)
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    events: list[LoggedEvent] = []
    for invite_id in due:
        async with in_transaction():
            parties = await CallInvite.filter(id=invite_id).values_list(
                "client_id", "freelancer_id"
            )
            # event logs first, then the invite
            await run_script(partial(lock_event_logs, account_ids=parties[0]))
            moved = await CallInvite.filter(id=invite_id, status=CallInviteStatus.PENDING).update(
                status=CallInviteStatus.EXPIRED, updated_at=now
            )
            if not moved:
                continue
            invite = await CallInvite.get(id=invite_id)
            conversation = await Conversation.get(id=invite.conversation_id)
            _, recorded = await _record(conversation, invite, CallEventType.EXPIRED, None, now)
            events += recorded
    return events


async def _locked_for(viewer_id: int, invite_id: int) -> CallInvite:
    seen = await get_call_invite_for(viewer_id, invite_id)
    # Lock order everywhere: the pair's event logs first, then any other row.
    await run_script(lambda dialect: lock_event_logs(dialect, (seen.client_id, seen.freelancer_id)))
    return await CallInvite.filter(id=invite_id).select_for_update().get()


def _require_invitee(invite: CallInvite, account_id: int) -> None:
    if invite.freelancer_id != account_id:
        raise PermissionDenied("Only the invited freelancer can answer a call invite.")


def _require_status(invite: CallInvite, now: datetime, *allowed: CallInviteStatus) -> None:
    status = invite.effective_status(now)
    if status not in allowed:
        raise closed(status)


def _line_of(invite: CallInvite) -> ConferenceLine | None:
    if invite.active_pin is None or invite.dial_in_number is None:
        return None
    return ConferenceLine(invite.dial_in_number, invite.active_pin)


async def _record(
    conversation: Conversation,
    invite: CallInvite,
    event: CallEventType,
    actor_id: int | None,
    now: datetime,
) -> tuple[FeedItem, list[LoggedEvent]]:
    item = await FeedItem.create(
        conversation_id=conversation.id,
        kind=FeedItemKind.CALL_EVENT,
        author_id=actor_id,
        order_id=invite.order_id,
        call_invite_id=invite.id,
        call_event=event,
        created_at=now,
    )
    await Participant.filter(conversation_id=conversation.id).update(last_activity_at=now)
    await Conversation.filter(id=conversation.id).update(last_activity_at=now)
    events = await run_step(
        append_events(
            conversation.participant_ids(),
            EventKind.CALL,
            conversation_id=conversation.id,
            item_id=item.id,
            data={"call_invite": invite.id, "event": event.value},
            now=now,
        )
    )
    for account_id in conversation.participant_ids():
        if account_id != actor_id:  # the one who acted needs no nudge
            await run_step(notifications.enqueue(account_id, conversation.id, item.id, now))
    return item, events
