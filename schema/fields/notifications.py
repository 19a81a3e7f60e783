"""The notification fields of the root types (mixed into Query, Mutation, Subscription)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from parley.resolvers import live, notifications
from parley.schema.context import Info
from parley.schema.conversations import MuteConversationResult
from parley.schema.notifications import (
    ActivityReport,
    ActivityState,
    InAppNotification,
    NotificationLogEntry,
    NotificationPreferences,
    NotificationPreferencesInput,
    Presence,
    PushSubscriptionInput,
    RegisterPushSubscriptionResult,
    UpdateNotificationPreferencesResult,
)


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
        return await notifications.notification_log(info, first)

    @strawberry.field(description="How the caller is notified when not in the app.")
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        return await notifications.preferences(info)

    @strawberry.field(
        description="Parley's VAPID public key: the applicationServerKey for "
        "PushManager.subscribe (null when push is not configured)."
    )
    def web_push_public_key(self, info: Info) -> str | None:
        return notifications.web_push_public_key(info)


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
        return await notifications.report_activity(info, state)

    @strawberry.mutation(description="Change how the caller is notified.")
    async def update_notification_preferences(
        self,
        info: Info,
        input: Annotated[
            NotificationPreferencesInput, strawberry.argument(description="The changes.")
        ],
    ) -> UpdateNotificationPreferencesResult:
        return await notifications.update_preferences(info, input)

    @strawberry.mutation(description="Register this browser for push notifications.")
    async def register_push_subscription(
        self,
        info: Info,
        input: Annotated[
            PushSubscriptionInput, strawberry.argument(description="The browser's subscription.")
        ],
    ) -> RegisterPushSubscriptionResult:
        return await notifications.register_push(info, input)

    @strawberry.mutation(description="Mute (or unmute) a conversation: muted ones never notify.")
    async def mute_conversation(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The conversation.")
        ],
        muted: Annotated[bool, strawberry.argument(description="False to unmute.")] = True,
    ) -> MuteConversationResult:
        return await notifications.mute(info, conversation_id, muted)


@strawberry.type(description="Live notifications and presence.")
class NotificationSubscription:
    @strawberry.subscription(
        description="In-app notifications, while the caller is active in the app "
        "(held during a live session, delivered when it ends)."
    )
    def notifications(
        self,
        info: Info,
        after: Annotated[
            str | None, strawberry.argument(description="Resume after this cursor.")
        ] = None,
    ) -> AsyncGenerator[InAppNotification, None]:
        return live.notifications(info, after)

    @strawberry.subscription(
        description="The online state of the caller's counterparts: the current state of "
        "each first, then every change."
    )
    def presence_changed(self, info: Info) -> AsyncGenerator[Presence, None]:
        return live.presence_changed(info)
