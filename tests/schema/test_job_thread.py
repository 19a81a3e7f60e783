"""One thread per job, through the schema: `feed(orderId:)` and `feedUpdates(orderId:)`.

A pair has one conversation across all its orders; the job page shows only one
order's messages and events, pages it like the whole feed, and follows it live.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.call_flow import send_call_invite
from parley.models.events import LoggedEvent
from parley.models.global_ids import Tag
from parley.models.messaging import mark_read, send_message
from parley.models.orders import OrderStatus, change_order_status, create_order
from parley.models.store.clock import ManualClock
from parley.web.services import Services
from tests.ids import gid
from tests.support import WAIT, Executor, account, next_data

FEED = """
query JobThread($id: ID!, $order: ID, $filter: FeedFilter, $last: Int, $before: String,
                $first: Int, $after: String) {
  feed(conversationId: $id, orderId: $order, filter: $filter, last: $last, before: $before,
       first: $first, after: $after) {
    edges { cursor node {
      __typename
      ... on Message { id body order { id } }
      ... on OrderEvent { id status order { id } }
      ... on CallInviteEvent { id callEventType invite { id } }
    } }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}
"""
UPDATES = """
subscription JobThreadUpdates($id: ID!, $order: ID, $after: String) {
  feedUpdates(conversationId: $id, orderId: $order, after: $after) {
    cursor kind readUpTo
    item { __typename ... on Message { body order { id } } ... on OrderEvent { status order { id } } }
  }
}
"""


@dataclass
class TwoJobs:
    """One conversation with two orders, untagged messages, and what each job's thread holds."""

    conversation: int
    logo: int
    copy: int
    threads: dict[int, list[int]] = field(default_factory=dict)  # order -> its item ids

    def thread(self, order: int) -> list[int]:
        return self.threads.setdefault(order, [])

    def thread_ids(self, order: int) -> list[str]:
        """The API ids of `order`'s thread, in feed order."""
        return [gid(Tag.FEED_ITEM, item) for item in self.thread(order)]

    def job(self, order: int) -> dict[str, str]:
        """The feed arguments that name `order`'s thread."""
        return {"id": gid(Tag.CONVERSATION, self.conversation), "order": gid(Tag.ORDER, order)}


@pytest.fixture
async def two_jobs(clock: ManualClock, client: Account, freelancer: Account) -> TwoJobs:
    logo = await create_order(clock, client_id=client.id, freelancer_id=freelancer.id, title="Logo")
    copy = await create_order(clock, client_id=client.id, freelancer_id=freelancer.id, title="Copy")
    jobs = TwoJobs(logo.order.conversation_id, logo.order.id, copy.order.id)
    jobs.thread(jobs.logo).append(logo.item.id)
    jobs.thread(jobs.copy).append(copy.item.id)
    for i in range(12):
        clock.advance(timedelta(minutes=1))
        about = (jobs.logo, jobs.copy, None)[i % 3]
        sender = client.id if i % 2 else freelancer.id
        sent = await send_message(
            clock, sender, conversation_id=jobs.conversation, body=f"m{i}", order_id=about
        )
        if about is not None:
            jobs.thread(about).append(sent.message.id)
    call = await send_call_invite(
        clock,
        client.id,
        freelancer_id=freelancer.id,
        start_times=[clock.now() + timedelta(days=1)],
        duration_minutes=30,
        order_id=jobs.logo,
    )
    assert call.item is not None
    jobs.thread(jobs.logo).append(call.item.id)
    change = await change_order_status(clock, jobs.logo, OrderStatus.IN_PROGRESS)
    jobs.thread(jobs.logo).append(change.item.id)
    return jobs


def _ids(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in data["feed"]["edges"]]


async def test_a_jobs_thread_holds_that_orders_messages_and_events_only(
    gql: Executor, client: Account, two_jobs: TwoJobs
) -> None:
    for order in (two_jobs.logo, two_jobs.copy):
        data = await gql.execute(
            FEED,
            {**two_jobs.job(order), "last": 100},
            as_=account(client.id),
        )
        assert _ids(data) == two_jobs.thread_ids(order)
        order_id = gid(Tag.ORDER, order)
        assert all(
            edge["node"].get("order", {"id": order_id})["id"] == order_id
            for edge in data["feed"]["edges"]
        )
    logo = await gql.execute(FEED, two_jobs.job(two_jobs.logo), as_=account(client.id))
    kinds = [edge["node"]["__typename"] for edge in logo["feed"]["edges"]]
    assert kinds == ["OrderEvent"] + ["Message"] * 4 + ["CallInviteEvent", "OrderEvent"]
    everything = await gql.execute(
        FEED,
        {"id": gid(Tag.CONVERSATION, two_jobs.conversation), "last": 100},
        as_=account(client.id),
    )
    assert len(_ids(everything)) == 2 + 12 + 1 + 1  # the untagged messages are in the feed


@pytest.mark.parametrize(
    ("filter_", "typenames"),
    [("MESSAGES", ["Message"] * 4), ("ORDERS", ["OrderEvent"] * 2), ("CALLS", ["CallInviteEvent"])],
)
async def test_filters_apply_within_a_jobs_thread(
    gql: Executor, freelancer: Account, two_jobs: TwoJobs, filter_: str, typenames: list[str]
) -> None:
    data = await gql.execute(
        FEED,
        {**two_jobs.job(two_jobs.logo), "filter": filter_, "last": 100},
        as_=account(freelancer.id),
    )
    assert [edge["node"]["__typename"] for edge in data["feed"]["edges"]] == typenames


async def _walk(
    gql: Executor, variables: dict[str, Any], viewer: int, size: int, *, forward: bool
) -> list[str]:
    """Every item id of a thread, `size` a page from one end, in feed order."""
    size_name, cursor_name, more, next_cursor = (
        ("first", "after", "hasNextPage", "endCursor")
        if forward
        else ("last", "before", "hasPreviousPage", "startCursor")
    )
    seen: list[str] = []
    cursor = None
    while True:
        arguments = {**variables, size_name: size, cursor_name: cursor}
        page = (await gql.execute(FEED, arguments, as_=account(viewer)))["feed"]
        ids = [edge["node"]["id"] for edge in page["edges"]]
        assert len(ids) <= size
        seen = seen + ids if forward else ids + seen
        if not page["pageInfo"][more]:
            return seen
        cursor = page["pageInfo"][next_cursor]


@pytest.mark.parametrize("size", [1, 2, 3, 7])
async def test_a_jobs_thread_pages_both_ways_to_exactly_the_whole_thread(
    gql: Executor, client: Account, two_jobs: TwoJobs, size: int
) -> None:
    variables = two_jobs.job(two_jobs.logo)
    up = await _walk(gql, variables, client.id, size, forward=False)
    down = await _walk(gql, variables, client.id, size, forward=True)
    assert up == down == two_jobs.thread_ids(two_jobs.logo)


async def test_an_order_of_another_conversation_answers_as_an_unknown_one(
    gql: Executor, clock: ManualClock, client: Account, two_jobs: TwoJobs
) -> None:
    other = await create_account(clock, kind=AccountKind.FREELANCER, name="Omar")
    elsewhere = await create_order(clock, client_id=client.id, freelancer_id=other.id, title="Ad")
    answers = []
    for order, arguments in [
        (gid(Tag.ORDER, elsewhere.order.id), {}),  # the caller's own, of another conversation
        (gid(Tag.ORDER, 987654), {}),
        ("not-an-id", {}),
        (str(two_jobs.logo), {}),  # this conversation's order, by its bare row id
        (gid(Tag.CONVERSATION, two_jobs.logo), {}),  # the order's row id under another tag
        (gid(Tag.ORDER, elsewhere.order.id), {"last": 101}),  # bad arguments do not tell apart
        (gid(Tag.ORDER, 987654), {"last": 101}),
    ]:
        conversation = gid(Tag.CONVERSATION, two_jobs.conversation)
        variables = {"id": conversation, "order": order, **arguments}
        answers.append(await gql.errors(FEED, variables, as_=account(client.id)))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0]["message"] == "The order was not found."
    assert answers[0][0]["extensions"] == {"code": "NOT_FOUND"}


async def test_a_stranger_with_the_right_order_still_finds_no_conversation(
    gql: Executor, clock: ManualClock, two_jobs: TwoJobs
) -> None:
    stranger = await create_account(clock, kind=AccountKind.CLIENT, name="Eve")
    foreign = two_jobs.job(two_jobs.logo)
    unknown = {"id": gid(Tag.CONVERSATION, 987654), "order": gid(Tag.ORDER, two_jobs.logo)}
    answer = await gql.errors(FEED, foreign, as_=account(stranger.id))
    assert answer == await gql.errors(FEED, unknown, as_=account(stranger.id))
    assert answer[0]["extensions"] == {"code": "NOT_FOUND"}
    assert answer[0]["message"] == "The conversation was not found."


async def _listening(
    gql: Executor, services: Services, variables: dict[str, Any], viewer: int
) -> tuple[AsyncGenerator[Any, None], asyncio.Task[dict[str, Any]]]:
    """A subscription whose listener is registered, and its first result pending."""
    stream = await gql.subscribe(UPDATES, variables, as_=account(viewer))
    pending = asyncio.create_task(next_data(stream))
    await asyncio.wait_for(services.bus.hub.wait_for_listeners(viewer, 1), WAIT)
    return stream, pending


async def test_a_jobs_thread_is_live_and_resumes_exactly_by_cursor(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    two_jobs: TwoJobs,
) -> None:
    logo = gid(Tag.ORDER, two_jobs.logo)
    variables = two_jobs.job(two_jobs.logo)
    stream, pending = await _listening(gql, services, variables, client.id)

    async def publish(events: list[LoggedEvent]) -> None:
        await services.bus.publish(events)

    for about in (two_jobs.copy, None, two_jobs.logo):
        sent = await send_message(
            clock, freelancer.id, conversation_id=two_jobs.conversation, body="live", order_id=about
        )
        await publish(sent.events)
    cancelled = await change_order_status(clock, two_jobs.copy, OrderStatus.CANCELLED)
    await publish(cancelled.events)
    for status in (OrderStatus.FINAL_REVIEW, OrderStatus.IN_PROGRESS):  # review, and back
        await publish((await change_order_status(clock, two_jobs.logo, status)).events)
    message = (await pending)["feedUpdates"]
    assert message["kind"] == "ADDED"
    assert message["item"] == {"__typename": "Message", "body": "live", "order": {"id": logo}}
    events = [(await next_data(stream))["feedUpdates"]["item"] for _ in range(2)]
    assert events == [
        {"__typename": "OrderEvent", "status": status, "order": {"id": logo}}
        for status in ("FINAL_REVIEW", "IN_PROGRESS")
    ]
    # A read receipt is the conversation's; in a job's thread it names no other order's item.
    read = await mark_read(clock, freelancer.id, two_jobs.conversation, cancelled.item.id)
    await publish(read.events)
    receipt = (await next_data(stream))["feedUpdates"]
    assert receipt["kind"] == "READ"
    assert receipt["item"] is None
    cursor = receipt["cursor"]
    await stream.aclose()

    # While away: one message about each order, one of whose doorbells is lost.
    missed = []
    for about in (two_jobs.logo, two_jobs.copy, two_jobs.logo):
        sent = await send_message(
            clock, client.id, conversation_id=two_jobs.conversation, body="away", order_id=about
        )
        missed.append(sent)
    await publish(missed[0].events + missed[1].events)
    resumed = await gql.subscribe(UPDATES, {**variables, "after": cursor}, as_=account(client.id))
    replayed = [(await next_data(resumed))["feedUpdates"] for _ in range(2)]
    assert [update["item"]["order"]["id"] for update in replayed] == [logo, logo]
    assert replayed[0]["cursor"] != replayed[1]["cursor"]
    pending = asyncio.create_task(next_data(resumed))
    back = await send_message(
        clock, client.id, conversation_id=two_jobs.conversation, body="back", order_id=two_jobs.logo
    )
    await publish(back.events)
    assert (await pending)["feedUpdates"]["item"]["body"] == "back"  # no duplicate before it
    await resumed.aclose()


async def test_a_subscription_to_a_foreign_order_is_not_found(
    gql: Executor, clock: ManualClock, client: Account, two_jobs: TwoJobs
) -> None:
    other = await create_account(clock, kind=AccountKind.FREELANCER, name="Omar")
    elsewhere = await create_order(clock, client_id=client.id, freelancer_id=other.id, title="Ad")
    answers = []
    for order in (elsewhere.order.id, 987654):
        stream = await gql.subscribe(
            UPDATES,
            {"id": gid(Tag.CONVERSATION, two_jobs.conversation), "order": gid(Tag.ORDER, order)},
            as_=account(client.id),
        )
        result = await asyncio.wait_for(anext(stream), WAIT)
        answers.append([error.formatted for error in result.errors or []])
    assert answers[0] == answers[1]
    assert answers[0][0]["extensions"] == {"code": "NOT_FOUND"}
    assert answers[0][0]["message"] == "The order was not found."
