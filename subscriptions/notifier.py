"""The notification worker: routes intents from the outbox and delivers them when due.

The server's lifespan runs `Notifier.run`, which calls `deliver_due` at start
and then every poll interval; tests call `deliver_due(now)` themselves, one step
at a time, with a manual clock. One step:

1. routes each new intent once (`subscriptions.routing.route`), a batch at a
   time (models.notification_batch: a few bulk reads, one transaction): an in-app
   notification is appended to the recipient's event log (the `notifications`
   subscription streams it), a held one waits for the live session to end, a
   push is queued, an email is scheduled or batched into the conversation's
   pending email;
2. releases held in-app notifications of accounts no longer in a live session;
3. sends due pushes and emails. Each is claimed with a lease first, so no two
   workers send it; a failure is retried with exponential backoff and, after
   `max_attempts`, marked failed. Sending never blocks sending messages.

Every process runs this worker; no round lock is needed, because each intent,
held notification and delivery is taken by a conditional update (the claim),
and routing locks the recipients' event logs first, so routers in two processes
never open two pending emails for one conversation.

Every decision lands in the notification log with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from parley.models import global_ids, notification_batch, notifications, push
from parley.models.accounts import Account
from parley.models.conversations import Participant
from parley.models.events import EventKind, LoggedEvent, append_events, lock_event_logs
from parley.models.feed import FeedItem
from parley.models.global_ids import Tag
from parley.models.notification_batch import Planned, RoutedIntent, Step, route_batch_script
from parley.models.notifications import Delivery, DeliveryChannel, DeliveryStatus, Outcome
from parley.models.store.clock import Clock
from parley.models.store.db import DATABASE_FAILURES
from parley.models.store.scripts import run_script, run_step
from parley.subscriptions.email import ConversationEmail, EmailChannel
from parley.subscriptions.notification_text import (
    NOTIFYING_KINDS,
    SUPPORT_SENDER,
    describe,
    headline,
    is_support_update,
)
from parley.subscriptions.presence import Presence, PresenceState
from parley.subscriptions.push import PushChannel, PushFailed, PushGone, PushPayload
from parley.subscriptions.routing import (
    Action,
    Activity,
    Channel,
    Decision,
    Situation,
    Stage,
    route,
)
from parley.telemetry.metrics import DATABASE_ERRORS, NOTIFIER_BACKLOG, NOTIFIER_OUTCOMES

log = logging.getLogger("parley.notifier")

BATCH = 100
PUSH_PREVIEW = 140

Publish = Callable[[Sequence[LoggedEvent]], Awaitable[None]]
_MEASURED = (DeliveryChannel.PUSH, DeliveryChannel.EMAIL)


@dataclass(frozen=True, slots=True)
class NotifierConfig:
    app_url: str = "http://127.0.0.1:8000"
    email_delay: timedelta = timedelta(minutes=2)
    poll_interval: float = 1.0
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(minutes=5)

    def link(self, conversation_id: int) -> str:
        conversation = global_ids.encode(Tag.CONVERSATION, conversation_id)
        return f"{self.app_url.rstrip('/')}/conversations/{conversation}"


class Notifier:
    def __init__(
        self,
        clock: Clock,
        presence: Presence,
        publish: Publish,
        config: NotifierConfig,
        *,
        email: EmailChannel | None = None,
        push: PushChannel | None = None,
    ) -> None:
        self.clock = clock
        self.presence = presence
        self.publish = publish
        self.config = config
        self.email = email
        self.push = push
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # One step at a time in a process: a step asked for while the worker's own is running
        # (an SMTP send in flight, say) starts after it has recorded what it did.
        self._step = asyncio.Lock()

    async def deliver_due(self, now: datetime | None = None) -> int:
        """One step of the worker; returns how many intents and deliveries it handled."""
        async with self._step:
            now = now or self.clock.now()
            done = await self.route_intents(now)
            done += await self._release_held(now)
            return done + await self._send_due(now)

    def wake(self) -> None:
        """Run the next step now instead of at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="parley-notifier")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception as exc:
                if isinstance(exc, DATABASE_FAILURES):
                    DATABASE_ERRORS.labels("notifier").inc()
                log.exception("notification step failed; retrying at the next poll")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.poll_interval)
            self._wake.clear()

    # 1. routing

    async def route_intents(self, now: datetime) -> int:
        """Step 1 alone: route a batch of the oldest unrouted intents; returns how many."""
        intents = await notification_batch.unrouted(BATCH)
        if not intents:
            return 0
        batch = await self._plan(intents, now)
        # One transaction for the batch: the recipients' event logs first (the lock order),
        # which serialises routers of one recipient across processes (never two pending
        # emails for one conversation), then the claim of the intents still unrouted.
        result = await run_script(lambda dialect: route_batch_script(dialect, batch, now))
        await self.publish(result.events)
        return len(intents)

    async def _plan(
        self, intents: Sequence[notification_batch.Unrouted], now: datetime
    ) -> list[RoutedIntent]:
        """Each intent's decisions, from the batch's read and each recipient's presence."""
        states: dict[int, PresenceState] = {}
        for intent in intents:
            if intent.account_id not in states:
                states[intent.account_id] = await self.presence.state(intent.account_id, now)
        batch: list[RoutedIntent] = []
        for intent in intents:
            state = states[intent.account_id]
            situation = Situation(
                activity=state.activity,
                online=state.online,
                muted=not intent.member or intent.muted,
                read=intent.read_up_to >= intent.item_id,
                email_enabled=intent.email_enabled and self.email is not None,
                has_email_address=bool(intent.email),
                push_enabled=intent.push_enabled and self.push is not None,
                push_devices=intent.push_devices,
            )
            batch.append(
                RoutedIntent(
                    intent.intent_id,
                    intent.account_id,
                    intent.conversation_id,
                    intent.item_id,
                    intent.created_at + self.config.email_delay,
                    [_planned(decision) for decision in route(situation)],
                )
            )
        return batch

    async def _situation(self, account_id: int, conversation_id: int, now: datetime) -> _Known:
        state = await self.presence.state(account_id, now)
        participant = await Participant.get_or_none(
            account_id=account_id, conversation_id=conversation_id
        )
        prefs = await notifications.preferences(account_id)
        devices = await push.PushSubscription.filter(account_id=account_id).count()
        situation = Situation(
            activity=state.activity,
            online=state.online,
            muted=participant is None or participant.muted,
            read=False,
            email_enabled=prefs.email_enabled and self.email is not None,
            has_email_address=bool(prefs.email),
            push_enabled=prefs.push_enabled and self.push is not None,
            push_devices=devices,
        )
        return _Known(situation, participant, prefs)

    # 2. held in-app notifications

    async def _release_held(self, now: datetime) -> int:
        # The accounts first, presence once each: an account in a long live session would
        # otherwise have its held rows read at every step (every send wakes the worker),
        # and a hundred of them would keep every other account's held rows from release.
        ended = [
            account
            for account in await notifications.accounts_holding()
            if (await self.presence.state(account, now)).activity != Activity.LIVE_SESSION
        ]
        if not ended:
            return 0
        held = (
            await Delivery.filter(
                status=DeliveryStatus.HELD, channel=DeliveryChannel.IN_APP, account_id__in=ended
            )
            .order_by("id")
            .limit(BATCH)
        )
        released = 0
        for delivery in held:
            events: list[LoggedEvent] = []
            async with in_transaction():
                # event log first
                await run_script(partial(lock_event_logs, account_ids=(delivery.account_id,)))
                claimed = await Delivery.filter(id=delivery.id, status=DeliveryStatus.HELD).update(
                    status=DeliveryStatus.SENT, updated_at=now
                )
                if not claimed:
                    continue
                reason = "the live session ended: delivered"
                events = await _in_app(
                    delivery.account_id,
                    delivery.conversation_id,
                    delivery.last_item_id,
                    reason,
                    now,
                )
                await notifications.record(
                    delivery.account_id,
                    delivery.conversation_id,
                    DeliveryChannel.IN_APP,
                    Outcome.SENT,
                    reason,
                    now,
                    item_id=delivery.last_item_id,
                    delivery_id=delivery.id,
                )
            await self.publish(events)
            released += 1
        return released

    # 3. pushes and emails

    async def _send_due(self, now: datetime) -> int:
        sent = 0
        due = await notifications.due_deliveries(now, BATCH)
        for delivery in due:
            if not await notifications.claim_delivery(delivery, now, self.config.lease):
                continue
            sent += 1
            try:
                status, outcome, reason = await self._send(delivery, now)
            except Exception as exc:
                log.warning(
                    "delivery %s failed (attempt %s): %s", delivery.id, delivery.attempts, exc
                )
                await self._failed(delivery, now, f"{type(exc).__name__}: {exc}")
                continue
            async with in_transaction():
                await notifications.finish_delivery(delivery, status, now)
                await self._log(delivery, outcome, reason, now)
        await self._measure_backlog(now, full=len(due) == BATCH)
        return sent

    async def _measure_backlog(self, now: datetime, *, full: bool) -> None:
        """Due deliveries left after this step: none unless the step took a full batch."""
        backlog = await notifications.due_by_channel(now) if full else dict.fromkeys(_MEASURED, 0)
        for channel, count in backlog.items():
            NOTIFIER_BACKLOG.labels(channel.value).set(count)

    async def _failed(self, delivery: Delivery, now: datetime, error: str) -> None:
        async with in_transaction():
            if delivery.attempts >= self.config.max_attempts:
                await notifications.finish_delivery(delivery, DeliveryStatus.FAILED, now, error)
                reason = f"gave up after {delivery.attempts} attempts: {error}"
                await self._log(delivery, Outcome.FAILED, reason, now)
                return
            retry_at = now + self.config.backoff * 2 ** (delivery.attempts - 1)
            await notifications.retry_later(delivery, retry_at, now, error)
            reason = f"attempt {delivery.attempts} failed, retrying at {retry_at:%H:%M:%S}: {error}"
            await self._log(delivery, Outcome.RETRYING, reason, now)

    async def _log(self, delivery: Delivery, outcome: Outcome, reason: str, now: datetime) -> None:
        NOTIFIER_OUTCOMES.labels(delivery.channel, outcome.value).inc()
        await notifications.record(
            delivery.account_id,
            delivery.conversation_id,
            DeliveryChannel(delivery.channel),
            outcome,
            reason,
            now,
            item_id=delivery.last_item_id,
            delivery_id=delivery.id,
        )

    async def _send(self, delivery: Delivery, now: datetime) -> tuple[DeliveryStatus, Outcome, str]:
        if delivery.channel == DeliveryChannel.PUSH:
            return await self._send_push(delivery)
        return await self._send_email(delivery, now)

    async def _send_push(self, delivery: Delivery) -> tuple[DeliveryStatus, Outcome, str]:
        devices = await push.devices(delivery.account_id)
        if self.push is None or not devices:
            return DeliveryStatus.CANCELLED, Outcome.SKIPPED, "no device registered for push"
        item = await FeedItem.get(id=delivery.last_item_id)
        author = await Account.get(id=item.author_id) if item.author_id else None
        actor = author.name if author else "Parley"
        body = describe(item, actor)
        payload = PushPayload(
            title=headline(item, actor),
            body=body if len(body) <= PUSH_PREVIEW else body[: PUSH_PREVIEW - 1] + "…",
            url=self.config.link(delivery.conversation_id),
            conversation_id=delivery.conversation_id,
        )
        delivered, errors = 0, []
        for device in devices:
            try:
                await self.push.send(device, payload)
                delivered += 1
            except PushGone:
                await push.forget(device.id)
            except PushFailed as exc:
                errors.append(str(exc))
        if delivered:
            reason = f"pushed to {delivered} of {len(devices)} device(s)"
            return DeliveryStatus.SENT, Outcome.SENT, reason
        if errors:
            raise PushFailed("; ".join(errors))
        return DeliveryStatus.CANCELLED, Outcome.SKIPPED, "every device had unsubscribed"

    async def _send_email(
        self, delivery: Delivery, now: datetime
    ) -> tuple[DeliveryStatus, Outcome, str]:
        known = await self._situation(delivery.account_id, delivery.conversation_id, now)
        read_up_to = situation_read_up_to(known)
        known = _with_read(known, read_up_to, delivery.last_item_id)
        (decision,) = route(known.situation, Stage.EMAIL_DUE)
        if decision.action != Action.SEND or self.email is None or known.participant is None:
            return DeliveryStatus.CANCELLED, Outcome.CANCELLED, decision.reason
        unread = await FeedItem.filter(
            Q(author_id=known.participant.counterpart_id) | Q(audience_id=delivery.account_id),
            conversation_id=delivery.conversation_id,
            kind__in=NOTIFYING_KINDS,
            id__gte=delivery.first_item_id,
            id__lte=delivery.last_item_id,
            id__gt=read_up_to,
        ).order_by("id")
        recipient = await Account.get(id=delivery.account_id)
        sender = await Account.get(id=known.participant.counterpart_id)
        assert known.prefs.email is not None
        await self.email.send(
            ConversationEmail(
                delivery_id=delivery.id,
                to=known.prefs.email,
                recipient_name=recipient.name,
                sender_name=SUPPORT_SENDER if all(map(is_support_update, unread)) else sender.name,
                link=self.config.link(delivery.conversation_id),
                messages=[describe(item, sender.name) for item in unread],
                noun="message" if all(item.is_message for item in unread) else "update",
            )
        )
        return DeliveryStatus.SENT, Outcome.SENT, f"{decision.reason}: {len(unread)} item(s)"


def _planned(decision: Decision) -> Planned:
    """What storing a routing decision takes."""
    channel = DeliveryChannel(decision.channel.value)
    if decision.action == Action.SKIP:
        return Planned(channel, Step.SKIP, decision.reason)
    if decision.channel == Channel.EMAIL:
        return Planned(channel, Step.EMAIL, decision.reason)
    if decision.action == Action.HOLD:
        return Planned(channel, Step.HOLD, decision.reason)
    if decision.channel == Channel.IN_APP:
        return Planned(channel, Step.IN_APP, decision.reason)
    return Planned(channel, Step.PUSH, decision.reason)


@dataclass(frozen=True, slots=True)
class _Known:
    situation: Situation
    participant: Participant | None
    prefs: notifications.NotificationPreferences


def situation_read_up_to(known: _Known) -> int:
    return known.participant.read_up_to if known.participant is not None else 0


def _with_read(known: _Known, read_up_to: int, item_id: int) -> _Known:
    return replace(known, situation=replace(known.situation, read=read_up_to >= item_id))


async def _in_app(
    account_id: int, conversation_id: int, item_id: int, reason: str, now: datetime
) -> list[LoggedEvent]:
    """Append an in-app notification to the account's event log (call in a transaction)."""
    return await run_step(
        append_events(
            (account_id,),
            EventKind.NOTIFICATION,
            conversation_id=conversation_id,
            now=now,
            data={"item": item_id, "reason": reason},
        )
    )
