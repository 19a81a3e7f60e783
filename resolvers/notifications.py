"""Presence, activity reports, notification preferences, push devices and the log."""

from __future__ import annotations

import strawberry

from parley.models import notifications, push
from parley.models.conversations import set_muted
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.inputs import page_size, parse_id, query_error
from parley.schema.context import Info
from parley.schema.conversations import Conversation, MuteConversationResult
from parley.schema.errors import InvalidInputError, NotFoundError, error_result
from parley.schema.notifications import (
    ActivityReport,
    ActivityState,
    NotificationLogEntry,
    NotificationPreferences,
    NotificationPreferencesInput,
    PushDevice,
    PushSubscriptionInput,
    RegisterPushSubscriptionResult,
    UpdateNotificationPreferencesResult,
)


async def report_activity(info: Info, state: ActivityState) -> ActivityReport:
    account = info.context.account_id()
    services = info.context.services
    now = services.clock.now()
    expires_at = await services.presence.report_activity(account, state.to_activity(), now)
    if services.notifier is not None:
        services.notifier.wake()  # a live session may just have ended: release held ones
    return ActivityReport(state=state, expires_at=expires_at)


async def preferences(info: Info) -> NotificationPreferences:
    return NotificationPreferences.from_model(
        await notifications.preferences(info.context.account_id())
    )


async def update_preferences(
    info: Info, input: NotificationPreferencesInput
) -> UpdateNotificationPreferencesResult:
    account = info.context.account_id()
    try:
        row = await notifications.update_preferences(
            info.context.services.clock,
            account,
            email=input.email,
            email_enabled=input.email_enabled,
            push_enabled=input.push_enabled,
        )
    except ParleyError as exc:
        return error_result(exc, InvalidInputError)
    return NotificationPreferences.from_model(row)


async def register_push(info: Info, input: PushSubscriptionInput) -> RegisterPushSubscriptionResult:
    account = info.context.account_id()
    try:
        row = await push.register(
            info.context.services.clock,
            account,
            endpoint=input.endpoint,
            p256dh=input.p256dh,
            auth=input.auth,
            policy=info.context.services.outbound,
        )
    except ParleyError as exc:
        return error_result(exc, InvalidInputError)
    return PushDevice.from_model(row)


def web_push_public_key(info: Info) -> str | None:
    info.context.account_id()
    notifier = info.context.services.notifier
    return notifier.push.public_key if notifier is not None and notifier.push else None


async def notification_log(info: Info, first: int | None) -> list[NotificationLogEntry]:
    account = info.context.account_id()
    try:
        size = page_size(first, "first", 20, info.context.services.settings.feed_page_max)
    except ParleyError as exc:
        raise query_error(exc) from exc
    return [
        NotificationLogEntry.from_model(row)
        for row in await notifications.recent_log(account, size)
    ]


async def mute(info: Info, conversation_id: strawberry.ID, muted: bool) -> MuteConversationResult:
    account = info.context.account_id()
    try:
        row = await set_muted(
            account, parse_id(conversation_id, Tag.CONVERSATION, "The conversation"), muted
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError)
    return Conversation.from_model(row)
