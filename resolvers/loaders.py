"""DataLoaders, built fresh for every operation (and every subscription event)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property

from strawberry.dataloader import DataLoader

from parley.models.accounts import Account
from parley.models.calls import CallInvite
from parley.models.campaigns import Campaign
from parley.models.feed import FeedItem
from parley.models.guarantees import GuaranteeRequest, OrderTerms, TermsStatus
from parley.models.orders import Order


async def _accounts(ids: Sequence[int]) -> list[Account | None]:
    rows = {row.id: row for row in await Account.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _orders(ids: Sequence[int]) -> list[Order | None]:
    rows = {row.id: row for row in await Order.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _orders_of_conversations(ids: Sequence[int]) -> list[list[Order]]:
    grouped: dict[int, list[Order]] = defaultdict(list)
    for row in await Order.filter(conversation_id__in=set(ids)).order_by("id"):
        grouped[row.conversation_id].append(row)
    return [grouped.get(i, []) for i in ids]


async def _feed_items(ids: Sequence[int]) -> list[FeedItem | None]:
    rows = {row.id: row for row in await FeedItem.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _campaigns(ids: Sequence[int]) -> list[Campaign | None]:
    rows = {row.id: row for row in await Campaign.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _call_invites(ids: Sequence[int]) -> list[CallInvite | None]:
    rows = {row.id: row for row in await CallInvite.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _order_terms(ids: Sequence[int]) -> list[OrderTerms | None]:
    rows = {row.id: row for row in await OrderTerms.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _guarantee_requests(ids: Sequence[int]) -> list[GuaranteeRequest | None]:
    rows = {row.id: row for row in await GuaranteeRequest.filter(id__in=set(ids))}
    return [rows.get(i) for i in ids]


async def _current_terms(order_ids: Sequence[int]) -> list[OrderTerms | None]:
    # A proposal supersedes every earlier one: an order has one proposed or accepted at most.
    live = [TermsStatus.PROPOSED, TermsStatus.ACCEPTED]
    rows = {
        row.order_id: row
        for row in await OrderTerms.filter(order_id__in=set(order_ids), status__in=live)
    }
    return [rows.get(i) for i in order_ids]


async def _latest_guarantees(order_ids: Sequence[int]) -> list[GuaranteeRequest | None]:
    rows = await GuaranteeRequest.filter(order_id__in=set(order_ids)).order_by("id")
    latest = {row.order_id: row for row in rows}  # the last one of each order wins
    return [latest.get(i) for i in order_ids]


class AccountByIdLoader(DataLoader[int, Account | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_accounts)


class OrderByIdLoader(DataLoader[int, Order | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_orders)


class OrdersByConversationLoader(DataLoader[int, list[Order]]):
    def __init__(self) -> None:
        super().__init__(load_fn=_orders_of_conversations)


class FeedItemByIdLoader(DataLoader[int, FeedItem | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_feed_items)


class CampaignByIdLoader(DataLoader[int, Campaign | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_campaigns)


class CallInviteByIdLoader(DataLoader[int, CallInvite | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_call_invites)


class OrderTermsByIdLoader(DataLoader[int, OrderTerms | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_order_terms)


class GuaranteeRequestByIdLoader(DataLoader[int, GuaranteeRequest | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_guarantee_requests)


class CurrentTermsByOrderLoader(DataLoader[int, OrderTerms | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_current_terms)


class LatestGuaranteeByOrderLoader(DataLoader[int, GuaranteeRequest | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_latest_guarantees)


class Loaders:
    """One operation's loaders; never shared across operations.

    Each loader is built on first use: most operations (and every idle WebSocket
    connection, whose context holds a Loaders for its whole life) use few or none.
    """

    @cached_property
    def account_by_id(self) -> AccountByIdLoader:
        return AccountByIdLoader()

    @cached_property
    def order_by_id(self) -> OrderByIdLoader:
        return OrderByIdLoader()

    @cached_property
    def orders_by_conversation(self) -> OrdersByConversationLoader:
        return OrdersByConversationLoader()

    @cached_property
    def feed_item_by_id(self) -> FeedItemByIdLoader:
        return FeedItemByIdLoader()

    @cached_property
    def call_invite_by_id(self) -> CallInviteByIdLoader:
        return CallInviteByIdLoader()

    @cached_property
    def campaign_by_id(self) -> CampaignByIdLoader:
        return CampaignByIdLoader()

    @cached_property
    def order_terms_by_id(self) -> OrderTermsByIdLoader:
        return OrderTermsByIdLoader()

    @cached_property
    def guarantee_request_by_id(self) -> GuaranteeRequestByIdLoader:
        return GuaranteeRequestByIdLoader()

    @cached_property
    def current_terms_by_order(self) -> CurrentTermsByOrderLoader:
        return CurrentTermsByOrderLoader()

    @cached_property
    def latest_guarantee_by_order(self) -> LatestGuaranteeByOrderLoader:
        return LatestGuaranteeByOrderLoader()
