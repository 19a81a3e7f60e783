"""The root Query and Mutation: one field each per operation, each calling its resolver."""

from __future__ import annotations

from typing import Annotated

import strawberry

from parley.resolvers import accounts, campaigns, conversations, feed, messaging, orders, support
from parley.schema.accounts import (
    Account,
    CreateAccountInput,
    CreateAccountResult,
    UpdateAccountInput,
    UpdateAccountResult,
)
from parley.schema.campaigns import (
    Campaign,
    CreateCampaignInput,
    CreateCampaignResult,
    MembershipStatus,
    SetCampaignMembershipResult,
)
from parley.schema.context import Info
from parley.schema.conversations import (
    Conversation,
    ConversationConnection,
    MarkReadResult,
    UnreadSummary,
)
from parley.schema.feed import FeedConnection, FeedFilter
from parley.schema.fields.calls import CallMutations, CallQueries
from parley.schema.fields.guarantees import GuaranteeMutations, GuaranteeQueries
from parley.schema.fields.nodes import NodeQueries
from parley.schema.fields.notifications import NotificationMutation, NotificationQuery
from parley.schema.fields.support import SupportMutations, SupportQueries
from parley.schema.messaging import (
    MessagingAction,
    MessagingStatus,
    RetentionPolicy,
    SendMessageInput,
    SendMessageResult,
    SetMessagingEnabledResult,
)
from parley.schema.orders import (
    ChangeOrderStatusResult,
    CreateOrderInput,
    CreateOrderResult,
    Order,
    OrderStatus,
    RecordReviewResult,
)
from parley.schema.support import OpenSupportRequestInput, OpenSupportRequestResult


@strawberry.type(description="Reads. Every field needs a bearer token.")
class Query(CallQueries, NotificationQuery, SupportQueries, GuaranteeQueries, NodeQueries):
    @strawberry.field(description="The calling account.")
    async def me(self, info: Info) -> Account:
        return await accounts.me(info)

    @strawberry.field(
        description="The caller's conversations: unread first, then by last activity. "
        "Page forward with first/after, or back from the end with last/before. With "
        "campaignId, only those with that campaign's creators (for a creator: with its brand)."
    )
    async def conversations(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size (max 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
        last: Annotated[
            int | None,
            strawberry.argument(description="Page size counted back from `before` (max 100)."),
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Conversations listed before this cursor.")
        ] = None,
        campaign_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the conversations of this campaign."),
        ] = None,
    ) -> ConversationConnection:
        return await conversations.conversations(info, first, after, last, before, campaign_id)

    @strawberry.field(
        description="A campaign the caller runs (brand) or is in the group of (creator); "
        "null if unknown or not theirs."
    )
    async def campaign(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The campaign id.")],
    ) -> Campaign | None:
        return await campaigns.campaign(info, id)

    @strawberry.field(
        description="One of the caller's conversations; null if unknown or not theirs."
    )
    async def conversation(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The conversation id.")],
    ) -> Conversation | None:
        return await conversations.conversation(info, id)

    @strawberry.field(
        description="A conversation's feed, chronological with the newest at the bottom. "
        "Scroll up with last/before; read forward with first/after. With orderId, the job's "
        "own thread: only that order's messages and events."
    )
    async def feed(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The conversation.")
        ],
        order_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this order's items (one of the conversation's orders)."
            ),
        ] = None,
        filter: Annotated[
            FeedFilter, strawberry.argument(description="ALL, ORDERS, MESSAGES, CALLS or SUPPORT.")
        ] = FeedFilter.ALL,
        last: Annotated[
            int | None,
            strawberry.argument(description="How many items up to `before` (default 20, max 100)."),
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Items older than this cursor.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="How many items after `after` (max 100).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Items newer than this cursor.")
        ] = None,
    ) -> FeedConnection:
        return await feed.feed(info, conversation_id, order_id, filter, last, before, first, after)

    @strawberry.field(
        description="The menu bubble: conversations with unread messages, and the total."
    )
    async def unread_summary(self, info: Info) -> UnreadSummary:
        return await conversations.unread_summary(info)

    @strawberry.field(description="One of the caller's orders; null if unknown or not theirs.")
    async def order(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The order id.")],
    ) -> Order | None:
        return await orders.order(info, id)

    @strawberry.field(
        description="Whether the caller may send a message (or, with action CALL_INVITE, a "
        "call invite) here now, and if not which rule and why: the same decision sendMessage "
        "(sendCallInvite) makes. Give conversationId, or counterpartId for a conversation that "
        "does not exist yet."
    )
    async def messaging_status(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The conversation.")
        ] = None,
        counterpart_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Or: the other party.")
        ] = None,
        order_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="About this order.")
        ] = None,
        campaign_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="About this campaign.")
        ] = None,
        action: Annotated[
            MessagingAction,
            strawberry.argument(description="What the caller means to do (default MESSAGE)."),
        ] = MessagingAction.MESSAGE,
    ) -> MessagingStatus:
        return await messaging.messaging_status(
            info, conversation_id, counterpart_id, order_id, campaign_id, action
        )

    @strawberry.field(description="How long messages are kept, so a UI can say so.")
    def retention(self, info: Info) -> RetentionPolicy:
        return messaging.retention(info)


@strawberry.type(description="Changes. Account and order mutations need the service token.")
class Mutation(CallMutations, NotificationMutation, SupportMutations, GuaranteeMutations):
    @strawberry.mutation(
        description="Send a message. Retries with the same idempotencyKey are safe."
    )
    async def send_message(
        self,
        info: Info,
        input: Annotated[SendMessageInput, strawberry.argument(description="The message.")],
    ) -> SendMessageResult:
        return await messaging.send_message(info, input)

    @strawberry.mutation(
        description="Mark the conversation read up to a message (default: everything). "
        "The counterpart sees readAt on its messages."
    )
    async def mark_read(
        self,
        info: Info,
        conversation_id: Annotated[
            strawberry.ID, strawberry.argument(description="The conversation.")
        ],
        up_to: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The newest item read; default the newest of all."),
        ] = None,
    ) -> MarkReadResult:
        return await conversations.mark_read(info, conversation_id, up_to)

    @strawberry.mutation(
        description="Clients: turn messaging from freelancers off or back on, account-wide or "
        "(with orderId) for one order."
    )
    async def set_messaging_enabled(
        self,
        info: Info,
        enabled: Annotated[bool, strawberry.argument(description="True to allow messages.")],
        order_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this order.")
        ] = None,
    ) -> SetMessagingEnabledResult:
        return await messaging.set_messaging_enabled(info, enabled, order_id)

    @strawberry.mutation(
        description="Ask the marketplace's support team for help with a conversation or order."
    )
    async def open_support_request(
        self,
        info: Info,
        input: Annotated[OpenSupportRequestInput, strawberry.argument(description="What for.")],
    ) -> OpenSupportRequestResult:
        return await support.open_support_request(info, input)

    @strawberry.mutation(
        description="Service: record the client's review of an order; a negative review ends "
        "the freelancer's messaging to that client."
    )
    async def record_review(
        self,
        info: Info,
        order_id: Annotated[strawberry.ID, strawberry.argument(description="The order.")],
        negative: Annotated[bool, strawberry.argument(description="True for a negative review.")],
    ) -> RecordReviewResult:
        return await orders.record_review(info, order_id, negative)

    @strawberry.mutation(description="Service: create a brand's campaign.")
    async def create_campaign(
        self,
        info: Info,
        input: Annotated[CreateCampaignInput, strawberry.argument(description="The campaign.")],
    ) -> CreateCampaignResult:
        return await campaigns.create_campaign(info, input)

    @strawberry.mutation(description="Service: set a creator's status in a campaign's group.")
    async def set_campaign_membership(
        self,
        info: Info,
        campaign_id: Annotated[strawberry.ID, strawberry.argument(description="The campaign.")],
        freelancer_id: Annotated[strawberry.ID, strawberry.argument(description="The creator.")],
        status: Annotated[MembershipStatus, strawberry.argument(description="The new status.")],
    ) -> SetCampaignMembershipResult:
        return await campaigns.set_campaign_membership(info, campaign_id, freelancer_id, status)

    @strawberry.mutation(description="Service: create a client or freelancer account.")
    async def create_account(
        self,
        info: Info,
        input: Annotated[CreateAccountInput, strawberry.argument(description="The account.")],
    ) -> CreateAccountResult:
        return await accounts.create_account(info, input)

    @strawberry.mutation(description="Service: change an account's name, time zone or standing.")
    async def update_account(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The account.")],
        input: Annotated[UpdateAccountInput, strawberry.argument(description="The changes.")],
    ) -> UpdateAccountResult:
        return await accounts.update_account(info, id, input)

    @strawberry.mutation(description="Service: place an order; opens the pair's conversation.")
    async def create_order(
        self,
        info: Info,
        input: Annotated[CreateOrderInput, strawberry.argument(description="The order.")],
    ) -> CreateOrderResult:
        return await orders.create_order(info, input)

    @strawberry.mutation(description="Service: move an order along its lifecycle.")
    async def change_order_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The order.")],
        status: Annotated[OrderStatus, strawberry.argument(description="The new status.")],
    ) -> ChangeOrderStatusResult:
        return await orders.change_order_status(info, id, status)
