"""Relay's node(id:) and nodes(ids:): any object the caller may see, by its global id.

Each id space's fetch applies the rule of the query that shows its objects (the
`get_*_for` functions of models/). A malformed id, a raw row id, an unknown id and a
foreign one are all null, with no error: Relay's convention, and nothing to tell apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import strawberry

from parley.models import (
    calls,
    campaigns,
    global_ids,
    guarantees,
    notifications,
    orders,
    push,
    support,
)
from parley.models.conversations import participant_view
from parley.models.errors import InvalidInput, NotFound
from parley.models.feed import get_feed_item_for
from parley.models.global_ids import Tag
from parley.models.retention import visible_since
from parley.resolvers.inputs import query_error
from parley.schema.accounts import Account
from parley.schema.calls import CallInvite, viewer_zone
from parley.schema.campaigns import Campaign
from parley.schema.context import Info
from parley.schema.conversations import Conversation
from parley.schema.feed import feed_item_from_model
from parley.schema.guarantees import GuaranteeRequest, OrderTerms
from parley.schema.node import Node
from parley.schema.notifications import NotificationLogEntry, PushDevice
from parley.schema.orders import Order
from parley.schema.support import SupportRequest

# One id space's fetch: (info, viewer, row id) -> the object, or NotFound.
Fetch = Callable[[Info, int, int], Awaitable[Node]]


async def node(info: Info, id: strawberry.ID) -> Node | None:
    return await _node(info, info.context.account_id(), id)


async def nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    viewer = info.context.account_id()
    cap = info.context.services.settings.feed_page_max
    if len(ids) > cap:
        raise query_error(InvalidInput("ids", f"'ids' may hold at most {cap} ids."))
    return list(await asyncio.gather(*(_node(info, viewer, id) for id in ids)))


async def _node(info: Info, viewer: int, id: str) -> Node | None:
    decoded = global_ids.decode(id)
    if decoded is None:
        return None
    tag, row_id = decoded
    try:
        return await _FETCHES[tag](info, viewer, row_id)
    except NotFound:
        return None


async def _account(info: Info, viewer: int, row_id: int) -> Node:
    return Account.from_model(await campaigns.get_account_for(viewer, row_id))


async def _call_invite(info: Info, viewer: int, row_id: int) -> Node:
    row = await calls.get_call_invite_for(viewer, row_id)
    return CallInvite.from_model(row, await viewer_zone(info), info.context.services.clock.now())


async def _campaign(info: Info, viewer: int, row_id: int) -> Node:
    return Campaign.from_model(await campaigns.get_campaign_for(viewer, row_id))


async def _conversation(info: Info, viewer: int, row_id: int) -> Node:
    return Conversation.from_model(await participant_view(viewer, row_id))


async def _feed_item(info: Info, viewer: int, row_id: int) -> Node:
    services = info.context.services
    since = visible_since(services.clock, services.settings.retention)
    return feed_item_from_model(await get_feed_item_for(viewer, row_id, since))


async def _guarantee_request(info: Info, viewer: int, row_id: int) -> Node:
    return GuaranteeRequest.from_model(await guarantees.get_guarantee_request_for(viewer, row_id))


async def _notification(info: Info, viewer: int, row_id: int) -> Node:
    return NotificationLogEntry.from_model(await notifications.get_log_entry_for(viewer, row_id))


async def _order(info: Info, viewer: int, row_id: int) -> Node:
    return Order.from_model(await orders.get_order_for(viewer, row_id))


async def _order_terms(info: Info, viewer: int, row_id: int) -> Node:
    return OrderTerms.from_model(await guarantees.get_terms_for(viewer, row_id))


async def _push_device(info: Info, viewer: int, row_id: int) -> Node:
    return PushDevice.from_model(await push.get_device_for(viewer, row_id))


async def _support_request(info: Info, viewer: int, row_id: int) -> Node:
    row = await support.get_support_request_for(viewer, row_id)
    return SupportRequest.from_model(row)


# Every id space is a Node's: one fetch per tag (tests/schema/test_nodes.py refetches each).
_FETCHES: dict[Tag, Fetch] = {
    Tag.ACCOUNT: _account,
    Tag.CALL_INVITE: _call_invite,
    Tag.CAMPAIGN: _campaign,
    Tag.CONVERSATION: _conversation,
    Tag.FEED_ITEM: _feed_item,
    Tag.GUARANTEE_REQUEST: _guarantee_request,
    Tag.NOTIFICATION: _notification,
    Tag.ORDER: _order,
    Tag.ORDER_TERMS: _order_terms,
    Tag.PUSH_DEVICE: _push_device,
    Tag.SUPPORT_REQUEST: _support_request,
}
