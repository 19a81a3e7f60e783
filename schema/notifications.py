"""Presence, activity, notifications and their preferences, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from parley.models import notifications, push
from parley.models.global_ids import Tag
from parley.schema.errors import InvalidInputError
from parley.schema.feed import FeedItem
from parley.schema.messaging import Message
from parley.schema.node import Node, global_id, optional_global_id
from parley.subscriptions.presence import PresenceState
from parley.subscriptions.routing import Activity


@strawberry.enum(description="What the client app is doing, as it reports it.")
class ActivityState(Enum):
    ACTIVE = strawberry.enum_value(
        Activity.ACTIVE.value,
        description="The user is using the app: notifications come in the app only.",
    )
    IDLE = strawberry.enum_value(
        Activity.IDLE.value,
        description="The app is open but the user is away: push and email apply.",
    )
    LIVE_SESSION = strawberry.enum_value(
        Activity.LIVE_SESSION.value,
        description="The user is in a live session: nothing interrupts; in-app notifications "
        "are held until it ends.",
    )

    def to_activity(self) -> Activity:
        return Activity[self.name]


@strawberry.type(description="The caller's activity as Parley now holds it.")
class ActivityReport:
    state: ActivityState = strawberry.field(description="The reported activity.")
    expires_at: datetime = strawberry.field(
        description="When it lapses unless reported again (a crashed tab stops being active)."
    )


@strawberry.type(description="Whether an account is online (the green dot), and since when not.")
class Presence:
    account_id: strawberry.ID = strawberry.field(description="The account.")
    online: bool = strawberry.field(description="True while it has at least one live connection.")
    last_seen_at: datetime | None = strawberry.field(
        description="When it was last connected (now while online); null if never seen."
    )

    @classmethod
    def from_state(cls, state: PresenceState) -> Presence:
        return cls(
            account_id=global_id(Tag.ACCOUNT, state.account_id),
            online=state.online,
            last_seen_at=state.last_seen_at,
        )


@strawberry.type(description="A notification shown in the app while the caller is active.")
class InAppNotification:
    cursor: str = strawberry.field(description="Pass as `after` to resume after this one.")
    conversation_id: strawberry.ID = strawberry.field(description="The conversation.")
    message: Message | None = strawberry.field(
        description="The message it is about; null when it is about another item (see item)."
    )
    item: FeedItem = strawberry.field(
        description="The feed item it is about: a message, a call-invite change or an update "
        "to the caller's support request."
    )
    reason: str = strawberry.field(description="Why it came now (e.g. the live session ended).")
    created_at: datetime = strawberry.field(description="When it was delivered.")


@strawberry.enum(description="A notification channel.")
class NotificationChannel(Enum):
    IN_APP = strawberry.enum_value(
        notifications.DeliveryChannel.IN_APP.value,
        description="Shown in the app (the notifications subscription).",
    )
    PUSH = strawberry.enum_value(
        notifications.DeliveryChannel.PUSH.value,
        description="A push notification to the caller's registered devices.",
    )
    EMAIL = strawberry.enum_value(
        notifications.DeliveryChannel.EMAIL.value,
        description="An email to the caller's notification address.",
    )


@strawberry.enum(description="What happened to a notification on one channel.")
class NotificationOutcome(Enum):
    SENT = strawberry.enum_value(
        notifications.Outcome.SENT.value, description="Delivered to the channel."
    )
    HELD = strawberry.enum_value(
        notifications.Outcome.HELD.value,
        description="Held while the caller is in a live session; delivered when it ends.",
    )
    SCHEDULED = strawberry.enum_value(
        notifications.Outcome.SCHEDULED.value,
        description="Waiting for its delay (e.g. an email while the caller may still read it).",
    )
    BATCHED = strawberry.enum_value(
        notifications.Outcome.BATCHED.value,
        description="Joined with others into one notification.",
    )
    SKIPPED = strawberry.enum_value(
        notifications.Outcome.SKIPPED.value,
        description="Not sent, on purpose (outcomeReason: muted, read already, turned off).",
    )
    CANCELLED = strawberry.enum_value(
        notifications.Outcome.CANCELLED.value,
        description="Scheduled, then no longer needed (the caller read the message first).",
    )
    RETRYING = strawberry.enum_value(
        notifications.Outcome.RETRYING.value,
        description="The channel failed for now; Parley tries again.",
    )
    FAILED = strawberry.enum_value(
        notifications.Outcome.FAILED.value,
        description="The channel refused it for good (outcomeReason says why).",
    )


@strawberry.type(description="One notification decision: the channel, what happened, and why.")
class NotificationLogEntry(Node):
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    conversation_id: strawberry.ID = strawberry.field(description="The conversation.")
    message_id: strawberry.ID | None = strawberry.field(description="The message it is about.")
    channel: NotificationChannel = strawberry.field(description="IN_APP, PUSH or EMAIL.")
    outcome: NotificationOutcome = strawberry.field(description="Sent, held, skipped, …")
    outcome_reason: str = strawberry.field(description="Why this outcome, in words.")
    created_at: datetime = strawberry.field(description="When it was decided.")

    @classmethod
    def from_model(cls, row: notifications.NotificationLogEntry) -> NotificationLogEntry:
        return cls(
            id=global_id(Tag.NOTIFICATION, row.id),
            conversation_id=global_id(Tag.CONVERSATION, row.conversation_id),
            message_id=optional_global_id(Tag.FEED_ITEM, row.item_id),
            channel=NotificationChannel(notifications.DeliveryChannel(row.channel).value),
            outcome=NotificationOutcome(notifications.Outcome(row.outcome).value),
            outcome_reason=row.reason,
            created_at=row.created_at,
        )


@strawberry.type(description="How the caller wants to be notified when not in the app.")
class NotificationPreferences:
    email: str | None = strawberry.field(description="Where emails go; null: no emails.")
    email_enabled: bool = strawberry.field(description="Email when offline (after a delay).")
    push_enabled: bool = strawberry.field(description="Push to registered devices.")

    @classmethod
    def from_model(cls, row: notifications.NotificationPreferences) -> NotificationPreferences:
        return cls(email=row.email, email_enabled=row.email_enabled, push_enabled=row.push_enabled)


@strawberry.input(description="Preferences to change; omitted fields stay as they are.")
class NotificationPreferencesInput:
    email: str | None = strawberry.field(
        default=None, description="The address for emails; an empty string removes it."
    )
    email_enabled: bool | None = strawberry.field(default=None, description="Email on or off.")
    push_enabled: bool | None = strawberry.field(default=None, description="Push on or off.")


@strawberry.input(description="A browser's PushSubscription (PushSubscription.toJSON()).")
class PushSubscriptionInput:
    endpoint: str = strawberry.field(description="The push service URL of this browser.")
    p256dh: str = strawberry.field(description="keys.p256dh: the browser's public key.")
    auth: str = strawberry.field(description="keys.auth: the browser's auth secret.")


@strawberry.type(description="A device registered for push notifications.")
class PushDevice(Node):
    id: strawberry.ID = strawberry.field(description="The registration's id.")
    endpoint: str = strawberry.field(description="Its push service URL.")
    created_at: datetime = strawberry.field(description="When it was (re)registered.")

    @classmethod
    def from_model(cls, row: push.PushSubscription) -> PushDevice:
        return cls(
            id=global_id(Tag.PUSH_DEVICE, row.id), endpoint=row.endpoint, created_at=row.created_at
        )


UpdateNotificationPreferencesResult = Annotated[
    NotificationPreferences | InvalidInputError,
    strawberry.union(
        "UpdateNotificationPreferencesResult", description="The preferences now, or what was wrong."
    ),
]
RegisterPushSubscriptionResult = Annotated[
    PushDevice | InvalidInputError,
    strawberry.union(
        "RegisterPushSubscriptionResult", description="The device, or what was wrong."
    ),
]
