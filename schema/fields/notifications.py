"""The notification fields of the root types (mixed into Query, Mutation, Subscription)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated

import strawberry
from graphql import GraphQLError

from parley.models.conversations import Participant
from parley.models.errors import ParleyError
from parley.models.events import check_cursor
from parley.models.retention import visibility
from parley.resolvers import notifications as r
from parley.resolvers.cursors import decode_event_cursor, event_cursor
from parley.resolvers.inputs import query_error
from parley.schema.context import Info
from parley.schema.conversations import MuteResult
from parley.schema.feed import feed_item_from_model
from parley.schema.messaging import Message
from parley.schema.notifications import (
    ActivityReport,
    ActivityState,
    InAppNotification,
    NotificationLogEntry,
    NotificationPreferences,
    NotificationPreferencesInput,
    PreferencesResult,
    Presence,
    PushSubscriptionInput,
    RegisterPushResult,
)
from parley.subscriptions.notifications import in_app_notifications
from parley.subscriptions.streams import StreamClosed


@strawberry.type(description="Notification reads.")
class NotificationQuery:
    @strawberry.field(description="The caller's newest notification decisions, newest first.")
    async def notification_log(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="How many (default 20, max 100).")
        ] = None,
    ) -> list[NotificationLogEntry]:
        return await r.notification_log(info, first)

    @strawberry.field(description="How the caller is notified when not in the app.")
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        return await r.preferences(info)

    @strawberry.field(
        description="Parley's VAPID public key: the applicationServerKey for "
        "PushManager.subscribe (null when push is not configured)."
    )
    def web_push_public_key(self, info: Info) -> str | None:
        info.context.account_id()
        return r.web_push_public_key(info)


@strawberry.type(description="Notification changes.")
class NotificationMutation:
    @strawberry.mutation(
        description="Report what the app is doing (report again before expiresAt). "
        "ACTIVE: in-app notifications only; LIVE_SESSION: nothing interrupts."
    )
    async def report_activity(
        self,
        info: Info,
        state: Annotated[ActivityState, strawberry.argument(description="The activity.")],
    ) -> ActivityReport:
        return await r.report_activity(info, state)

    @strawberry.mutation(description="Change how the caller is notified.")
    async def update_notification_preferences(
        self,
        info: Info,
        input: Annotated[
            NotificationPreferencesInput, strawberry.argument(description="The changes.")
        ],
    ) -> PreferencesResult:
        return await r.update_preferences(info, input)

    @strawberry.mutation(description="Register this browser for push notifications.")
    async def register_push_subscription(
        self,
        info: Info,
        input: Annotated[
            PushSubscriptionInput, strawberry.argument(description="The browser's subscription.")
        ],
    ) -> RegisterPushResult:
        return await r.register_push(info, input)

    @strawberry.mutation(description="Mute (or unmute) a conversation: muted ones never notify.")
    async def mute_conversation(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The conversation.")
        ],
        muted: Annotated[bool, strawberry.argument(description="False to unmute.")] = True,
    ) -> MuteResult:
        return await r.mute(info, conversation_id, muted)


async def resume_cursor(account: int, value: str | None) -> int | None:
    """The decoded `after` cursor, refused if malformed or ahead of the account's log."""
    try:
        after = decode_event_cursor(value, "after")
        if after is not None:
            await check_cursor(account, after)
    except ParleyError as exc:
        raise query_error(exc) from exc
    return after


@strawberry.type(description="Live notifications and presence.")
class NotificationSubscription:
    @strawberry.subscription(
        description="In-app notifications, while the caller is active in the app "
        "(held during a live session, delivered when it ends)."
    )
    async def notifications(
        self,
        info: Info,
        after: Annotated[
            str | None, strawberry.argument(description="Resume after this cursor.")
        ] = None,
    ) -> AsyncGenerator[InAppNotification, None]:
        account = info.context.account_id()
        services = info.context.services
        stream = in_app_notifications(
            services.bus.hub,
            account,
            await resume_cursor(account, after),
            visibility(services.clock, services.settings.retention),
        )
        try:
            async with aclosing(stream):
                async for note in stream:
                    info.context.fresh_loaders()
                    yield InAppNotification(
                        cursor=event_cursor(note.event.seq),
                        conversation_id=strawberry.ID(str(note.event.conversation_id)),
                        message=Message.from_model(note.item) if note.item.is_message else None,
                        item=feed_item_from_model(note.item),
                        reason=note.reason,
                        created_at=note.event.created_at,
                    )
        except StreamClosed as exc:
            raise GraphQLError(
                f"The stream was closed by the server ({exc}); resubscribe with your last cursor.",
                extensions={"code": "STREAM_CLOSED"},
            ) from exc

    @strawberry.subscription(
        description="The online state of the caller's counterparts: the current state of "
        "each first, then every change."
    )
    async def presence_changed(self, info: Info) -> AsyncGenerator[Presence, None]:
        account = info.context.account_id()
        services = info.context.services
        rows = await Participant.filter(account_id=account).values_list("counterpart_id", flat=True)
        counterparts = sorted({int(row) for row in rows})  # type: ignore[call-overload]
        changes = services.presence.watch(counterparts, services.clock.now())
        async with aclosing(changes):
            async for state in changes:
                yield Presence.from_state(state)
