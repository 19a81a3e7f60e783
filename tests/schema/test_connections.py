"""Every connection in the schema pages whole, in both directions, while items arrive.

The connection fields are found by walking the schema for `*Connection` types, so
a new connection fails `test_every_connection_field_has_a_scene` until it gets a
scene here. A scene builds a list with ties and mixed kinds and says how to add an
item that the list shows. For every list:

- forward with first/after and backward with last/before, from each end, with
  every page size 1…N: the pages joined are the whole list, in order, and each
  page's pageInfo agrees with its edges;
- from any edge's cursor, forward gives what follows it and backward what
  precedes it;
- with items added between page requests (hypothesis draws the page sizes, the
  direction and when to add, bounded and seeded): no item appears twice, and the
  items that existed when the walk began all appear exactly once, in their order.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.models.accounts import Account, AccountKind, create_account
from parley.models.call_flow import send_call_invite
from parley.models.global_ids import Tag
from parley.models.guarantees import accept_terms, checked_terms, propose_terms, request_guarantee
from parley.models.messaging import mark_read, send_message
from parley.models.orders import OrderStatus, change_order_status, create_order
from parley.models.store.clock import ManualClock
from parley.models.support import (
    SupportReason,
    SupportStatus,
    open_support_request,
    update_support_request,
)
from parley.resolvers.cursors import event_cursor, feed_cursor
from parley.web.auth import Caller
from tests.ids import gid, raw
from tests.support import SERVICE, Executor, account

PAGING = {"first": "Int", "after": "String", "last": "Int", "before": "String"}
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
MAX_PAGES = 200  # a walk longer than this is stuck


@dataclass
class Listing:
    """One list to walk: the query, who asks, and how to add an item it shows."""

    label: str
    viewer: Caller
    document: str
    variables: dict[str, Any]
    path: tuple[str, ...]
    add: Callable[[], Awaitable[None]]
    backward: bool


Scene = Callable[[Executor, ManualClock], Awaitable[list[Listing]]]


def sdl(gql: Executor) -> GraphQLSchema:
    return build_schema(gql.schema.as_str())


def connection_fields(schema: GraphQLSchema) -> list[str]:
    """`Type.field` for every field of every object type that returns a `*Connection`."""
    found = []
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            for name, field in type_.fields.items():
                if get_named_type(field.type).name.endswith("Connection"):
                    found.append(f"{type_.name}.{name}")
    return sorted(found)


def root_listing(
    schema: GraphQLSchema,
    name: str,
    label: str,
    viewer: Account,
    variables: dict[str, Any],
    add: Callable[[], Awaitable[None]],
) -> Listing:
    """A listing of the root query field `name`, with the scene's arguments fixed."""
    query = schema.query_type
    assert query is not None
    field = query.fields[name]
    arguments = {arg: str(field.args[arg].type) for arg in variables}
    arguments |= {arg: kind for arg, kind in PAGING.items() if arg in field.args}
    declared = ", ".join(f"${arg}: {kind}" for arg, kind in arguments.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in arguments)
    document = (
        f"query Walk({declared}) {{ {name}({passed}) {{ "
        f"edges {{ cursor node {{ {_node_id(schema, field)} }} }} {PAGE_INFO} }} }}"
    )
    return Listing(
        label, account(viewer.id), document, variables, (name,), add, "last" in field.args
    )


def _node_id(schema: GraphQLSchema, field: GraphQLField) -> str:
    connection = get_named_type(field.type)
    assert isinstance(connection, GraphQLObjectType)
    edge = get_named_type(connection.fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    node = get_named_type(edge.fields["node"].type)
    if isinstance(node, GraphQLUnionType):
        return "__typename " + " ".join(f"... on {member.name} {{ id }}" for member in node.types)
    return "__typename id"


# Scenes


async def client_list(gql: Executor, clock: ManualClock) -> list[Listing]:
    """A freelancer's nine clients: read and unread, several sharing a timestamp."""
    freelancer = await create_account(clock, kind=AccountKind.FREELANCER, name="Maya")

    async def new_client(number: int) -> tuple[int, int]:
        client = await create_account(clock, kind=AccountKind.CLIENT, name=f"Client {number}")
        order = await create_order(
            clock, client_id=client.id, freelancer_id=freelancer.id, title=f"Job {number}"
        )
        return client.id, order.order.conversation_id

    for number in range(9):
        client, conversation = await new_client(number)
        if number % 3 == 0:  # the others share their timestamp: the id breaks the tie
            clock.advance(timedelta(minutes=1))
        if number % 2 == 0:
            await send_message(clock, client, conversation_id=conversation, body="hi")
        if number % 4 == 0:
            await mark_read(clock, freelancer.id, conversation)
    added = 0

    async def add() -> None:  # a new client writes: a new conversation, unread, on top
        nonlocal added
        added += 1
        client, conversation = await new_client(100 + added)
        await send_message(clock, client, conversation_id=conversation, body="hello")

    return [root_listing(sdl(gql), "conversations", "conversations", freelancer, {}, add)]


async def conversation_feed(gql: Executor, clock: ManualClock) -> list[Listing]:
    """One conversation with messages both ways, order events and call invites, interleaved."""
    client = await create_account(clock, kind=AccountKind.CLIENT, name="Acme")
    freelancer = await create_account(clock, kind=AccountKind.FREELANCER, name="Maya")
    made = await create_order(clock, client_id=client.id, freelancer_id=freelancer.id, title="Post")
    conversation = made.order.conversation_id
    counter = 0

    async def message() -> None:
        nonlocal counter
        counter += 1
        sender = client.id if counter % 2 else freelancer.id
        await send_message(clock, sender, conversation_id=conversation, body=f"m{counter}")

    async def invite() -> None:
        clock.advance(timedelta(minutes=1))
        await send_call_invite(
            clock,
            client.id,
            freelancer_id=freelancer.id,
            start_times=[clock.now() + timedelta(days=2)],
            duration_minutes=30,
        )

    async def order() -> None:
        await create_order(clock, client_id=client.id, freelancer_id=freelancer.id, title="More")

    async def support_update() -> None:  # visible to the client alone, who asked
        opened = await open_support_request(
            clock, client.id, SupportReason.OTHER, conversation_id=conversation
        )
        await update_support_request(clock, opened.id, SupportStatus.IN_PROGRESS)
        await update_support_request(clock, opened.id, SupportStatus.RESOLVED, "done")

    for step in range(6):
        await message()
        await message()
        await (invite() if step % 2 else order())
        if step % 3 == 0:
            await support_update()
    await change_order_status(clock, made.order.id, OrderStatus.IN_PROGRESS)

    schema = sdl(gql)
    filters = schema.get_type("FeedFilter")
    assert isinstance(filters, GraphQLEnumType)
    adds = {"MESSAGES": message, "ORDERS": order, "CALLS": invite, "SUPPORT": support_update}
    return [
        root_listing(
            schema,
            "feed",
            f"feed(filter: {value})",
            client,
            {"conversationId": gid(Tag.CONVERSATION, conversation), "filter": value},
            adds.get(value, message),
        )
        for value in filters.values
    ]


async def support_requests(gql: Executor, clock: ManualClock) -> list[Listing]:
    """A client's support requests, several opened in the same instant."""
    client = await create_account(clock, kind=AccountKind.CLIENT, name="Acme")

    async def add() -> None:
        await open_support_request(clock, client.id, SupportReason.OTHER, details="help")

    for number in range(7):
        if number % 3 == 0:
            clock.advance(timedelta(minutes=1))
        await add()
    return [root_listing(sdl(gql), "supportRequests", "supportRequests", client, {}, add)]


async def open_guarantees(gql: Executor, clock: ManualClock) -> list[Listing]:
    """The marketplace's open guarantee requests, one per order with agreed terms."""
    client = await create_account(clock, kind=AccountKind.CLIENT, name="Acme")
    freelancer = await create_account(clock, kind=AccountKind.FREELANCER, name="Maya")

    async def add() -> None:
        made = await create_order(
            clock, client_id=client.id, freelancer_id=freelancer.id, title="Guaranteed"
        )
        terms = checked_terms(
            clock, Decimal("120.00"), "EUR", clock.now().date() + timedelta(days=9), "A post"
        )
        proposed = await propose_terms(clock, freelancer.id, made.order.id, terms)
        await accept_terms(clock, client.id, proposed.terms.id)
        await request_guarantee(clock, client.id, made.order.id)

    for _ in range(6):
        await add()
    listing = root_listing(sdl(gql), "openGuaranteeRequests", "guarantees", client, {}, add)
    listing.viewer = SERVICE
    return [listing]


SCENES: dict[str, Scene] = {
    "Query.conversations": client_list,
    "Query.feed": conversation_feed,
    "Query.supportRequests": support_requests,
    "Query.openGuaranteeRequests": open_guarantees,
}


# Walking


Entry = tuple[str, str]  # (node, cursor)


async def page(gql: Executor, listing: Listing, **paging: Any) -> dict[str, Any]:
    data = await gql.execute(listing.document, {**listing.variables, **paging}, as_=listing.viewer)
    for key in listing.path:
        data = data[key]
    edges = data["edges"]
    info = data["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None), listing.label
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None), listing.label
    return data


def entries(connection: dict[str, Any]) -> list[Entry]:
    return [
        (f"{edge['node']['__typename']}:{edge['node']['id']}", edge["cursor"])
        for edge in connection["edges"]
    ]


async def walk(
    gql: Executor,
    listing: Listing,
    sizes: list[int],
    *,
    forward: bool,
    start: str | None = None,
    between: Callable[[int], Awaitable[None]] | None = None,
) -> list[Entry]:
    """Page through the list from `start` (or an end) to the other end; entries in list order."""
    seen: list[Entry] = []
    cursor = start
    for number in range(MAX_PAGES):
        size = sizes[number % len(sizes)]
        if forward:
            connection = await page(gql, listing, first=size, after=cursor)
            more = connection["pageInfo"]["hasNextPage"]
        else:
            connection = await page(gql, listing, last=size, before=cursor)
            more = connection["pageInfo"]["hasPreviousPage"]
        got = entries(connection)
        assert len(got) <= size, listing.label
        if more:
            assert len(got) == size, f"{listing.label}: a short page that says more follow"
        seen = seen + got if forward else got + seen
        if not more:
            return seen
        cursor = got[-1][1] if forward else got[0][1]
        if between is not None:
            await between(number)
    raise AssertionError(f"{listing.label}: no end after {MAX_PAGES} pages")


async def whole(gql: Executor, listing: Listing) -> list[Entry]:
    connection = await page(gql, listing, first=100)
    assert not connection["pageInfo"]["hasNextPage"], "the scene outgrew one page"
    return entries(connection)


async def _listings(gql: Executor, clock: ManualClock) -> list[Listing]:
    listings: list[Listing] = []
    for field in connection_fields(sdl(gql)):
        listings += await SCENES[field](gql, clock)
    return listings


def nodes(walked: list[Entry]) -> list[str]:
    return [node for node, _ in walked]


# Tests


def test_every_connection_field_has_a_scene(gql: Executor) -> None:
    fields = connection_fields(sdl(gql))
    assert {"Query.conversations", "Query.feed"} <= set(fields)
    missing = [field for field in fields if field not in SCENES]
    assert not missing, f"connections without a scene in {__name__}: {missing}"


async def test_every_page_size_walks_every_list_whole_from_both_ends(
    gql: Executor, clock: ManualClock
) -> None:
    for listing in await _listings(gql, clock):
        full = await whole(gql, listing)
        assert len(full) >= 3, f"{listing.label}: the scene is too small to page"
        assert len(set(nodes(full))) == len(full), listing.label
        for size in range(1, len(full) + 2):
            assert await walk(gql, listing, [size], forward=True) == full, (listing.label, size)
            if listing.backward:
                backward = await walk(gql, listing, [size], forward=False)
                assert backward == full, (listing.label, size)
        for at, (_, cursor) in enumerate(full):
            after = entries(await page(gql, listing, first=100, after=cursor))
            assert after == full[at + 1 :], (listing.label, at)
            if listing.backward:
                before = entries(await page(gql, listing, last=100, before=cursor))
                assert before == full[:at], (listing.label, at)


@pytest.fixture
async def listings(gql: Executor, clock: ManualClock) -> list[Listing]:
    return await _listings(gql, clock)


@given(
    choice=st.integers(min_value=0, max_value=1000),
    sizes=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4),
    forward=st.booleans(),
    # after which page requests an item is added (at least one)
    adds=st.lists(st.booleans(), min_size=1, max_size=5).filter(any),
)
@settings(
    max_examples=16,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_items_added_between_pages_never_shift_the_items_already_there(
    gql: Executor,
    listings: list[Listing],
    choice: int,
    sizes: list[int],
    forward: bool,
    adds: list[bool],
) -> None:
    listing = listings[choice % len(listings)]
    forward = forward or not listing.backward
    before = nodes(await whole(gql, listing))

    async def between(number: int) -> None:
        if number < len(adds) and adds[number]:
            await listing.add()

    walked = nodes(await walk(gql, listing, sizes, forward=forward, between=between))

    assert len(set(walked)) == len(walked), f"{listing.label}: an item appeared twice"
    assert [node for node in walked if node in set(before)] == before, listing.label


def raw_cursor(*values: object) -> str:
    """A cursor as a client could forge it: any JSON array, base64-encoded."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def old_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def test_a_cursor_from_another_list_malformed_or_out_of_range_is_invalid_input(
    gql: Executor, clock: ManualClock
) -> None:
    listings = await _listings(gql, clock)
    conversations, feed = listings[0], listings[1]
    conversation = raw(feed.variables["conversationId"])  # cursors carry row ids
    client_list_cursor = (await page(gql, conversations, first=1))["pageInfo"]["endCursor"]
    feed_page_cursor = (await page(gql, feed, first=1))["pageInfo"]["endCursor"]
    now = clock.now().isoformat()
    refused = [
        (
            feed,
            {
                "the client list's cursor": client_list_cursor,
                "another conversation's feed cursor": feed_cursor(conversation + 1, 1),
                "an id past BIGINT": feed_cursor(conversation, 2**63),
                "a negative id": raw_cursor(1, "feed", conversation, -1),
                "a float id": raw_cursor(1, "feed", conversation, 1.5),
                "an unknown version": raw_cursor(2, "feed", conversation, 1),
                "a missing field": raw_cursor(1, "feed", conversation),
                "an event cursor": event_cursor(1),
                "the old text form": old_cursor("feed:99999999999999999999"),
                "not base64": "%%%",
                "base64 of no JSON": old_cursor("{"),
                "too long": "A" * 5000,
            },
        ),
        (
            conversations,
            {
                "a feed cursor": feed_page_cursor,
                "a year past 9999 in UTC": raw_cursor(
                    1, "conv", True, "9999-12-31T23:00:00-05:00", 1
                ),
                "a time without offset": raw_cursor(1, "conv", True, "2026-01-05T09:00:00", 1),
                "not a time": raw_cursor(1, "conv", True, "yesterday", 1),
                "a number for a flag": raw_cursor(1, "conv", 1, now, 1),
                "an id past BIGINT": raw_cursor(1, "conv", False, now, 2**63),
                "the old text form": old_cursor(f"conv:1:{now}:1"),
            },
        ),
    ]
    for listing, cursors in refused:
        for what, cursor in cursors.items():
            for argument in ("after", "before"):
                variables = {**listing.variables, argument: cursor}
                errors = await gql.errors(listing.document, variables, as_=listing.viewer)
                extensions = [error["extensions"] for error in errors]
                assert extensions == [{"code": "INVALID_INPUT", "field": argument}], (
                    listing.label,
                    what,
                )
