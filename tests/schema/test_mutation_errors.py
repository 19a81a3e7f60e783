"""Every mutation's result union against what the mutation really returns.

`SCENARIOS` maps each (mutation, error type) pair to a scenario: real state, set up
through the API, in which that mutation returns that error. The meta-test holds the
table to the unions of the built schema both ways, so a union that lists an error no
scenario produces fails, and so does a scenario whose error its union lacks. Each
refusal comes with its `ErrorCode` and changes nothing in the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLUnionType

from parley.compat.strawberry import graphql_schema
from parley.models.accounts import Account, AccountKind, create_account
from parley.models.conference import LocalConferenceProvider
from parley.models.errors import ErrorCode
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.schema.build import build_schema
from parley.web.auth import Caller
from parley.web.ratelimit import RateLimits
from parley.web.services import Services
from tests.database_state import all_rows
from tests.ids import gid
from tests.support import SERVICE, Executor, account

# Every refusal is selected through the Error interface, valid on each mutation's union.
REFUSAL = "__typename ... on Error { code message }"
DOCUMENTS = {
    "sendCallInvite": "mutation SendCallInvite($input: SendCallInviteInput!) "
    f"{{ sendCallInvite(input: $input) {{ {REFUSAL} }} }}",
    "acceptCallInvite": "mutation AcceptCallInvite($id: ID!, $startsAt: DateTime!) "
    f"{{ acceptCallInvite(id: $id, startsAt: $startsAt) {{ {REFUSAL} }} }}",
    "declineCallInvite": "mutation DeclineCallInvite($id: ID!, $message: String) "
    f"{{ declineCallInvite(id: $id, message: $message) {{ {REFUSAL} }} }}",
    "cancelCallInvite": "mutation CancelCallInvite($id: ID!) "
    f"{{ cancelCallInvite(id: $id) {{ {REFUSAL} }} }}",
    "reportCallNoShow": "mutation ReportCallNoShow($id: ID!, $details: String!) "
    f"{{ reportCallNoShow(id: $id, details: $details) {{ {REFUSAL} }} }}",
    "updateNotificationPreferences": "mutation UpdateNotificationPreferences("
    "$input: NotificationPreferencesInput!) "
    f"{{ updateNotificationPreferences(input: $input) {{ {REFUSAL} }} }}",
    "registerPushSubscription": "mutation RegisterPushSubscription($input: PushSubscriptionInput!) "
    f"{{ registerPushSubscription(input: $input) {{ {REFUSAL} }} }}",
    "muteConversation": "mutation MuteConversation($conversationId: ID!) "
    f"{{ muteConversation(conversationId: $conversationId) {{ {REFUSAL} }} }}",
    "updateSupportRequest": "mutation UpdateSupportRequest($input: UpdateSupportRequestInput!) "
    f"{{ updateSupportRequest(input: $input) {{ {REFUSAL} }} }}",
    "proposeOrderTerms": "mutation ProposeOrderTerms($input: ProposeTermsInput!) "
    f"{{ proposeOrderTerms(input: $input) {{ {REFUSAL} }} }}",
    "acceptOrderTerms": "mutation AcceptOrderTerms($termsId: ID!) "
    f"{{ acceptOrderTerms(termsId: $termsId) {{ {REFUSAL} }} }}",
    "requestGuarantee": "mutation RequestGuarantee($orderId: ID!) "
    f"{{ requestGuarantee(orderId: $orderId) {{ {REFUSAL} }} }}",
    "decideGuaranteeRequest": "mutation DecideGuaranteeRequest("
    "$id: ID!, $decision: GuaranteeDecision!, $note: String!) "
    f"{{ decideGuaranteeRequest(id: $id, decision: $decision, note: $note) {{ {REFUSAL} }} }}",
    "sendMessage": "mutation SendMessage($input: SendMessageInput!) "
    f"{{ sendMessage(input: $input) {{ {REFUSAL} }} }}",
    "markRead": "mutation MarkRead($conversationId: ID!) "
    f"{{ markRead(conversationId: $conversationId) {{ {REFUSAL} }} }}",
    "setMessagingEnabled": "mutation SetMessagingEnabled($enabled: Boolean!, $orderId: ID) "
    f"{{ setMessagingEnabled(enabled: $enabled, orderId: $orderId) {{ {REFUSAL} }} }}",
    "openSupportRequest": "mutation OpenSupportRequest($input: OpenSupportRequestInput!) "
    f"{{ openSupportRequest(input: $input) {{ {REFUSAL} }} }}",
    "recordReview": "mutation RecordReview($orderId: ID!) "
    f"{{ recordReview(orderId: $orderId, negative: true) {{ {REFUSAL} }} }}",
    "createCampaign": "mutation CreateCampaign($input: CreateCampaignInput!) "
    f"{{ createCampaign(input: $input) {{ {REFUSAL} }} }}",
    "setCampaignMembership": "mutation SetCampaignMembership($campaignId: ID!, $freelancerId: ID!) "
    "{ setCampaignMembership(campaignId: $campaignId, freelancerId: $freelancerId, "
    f"status: ACCEPTED) {{ {REFUSAL} }} }}",
    "createAccount": "mutation CreateAccount($input: CreateAccountInput!) "
    f"{{ createAccount(input: $input) {{ {REFUSAL} }} }}",
    "updateAccount": "mutation UpdateAccount($id: ID!, $input: UpdateAccountInput!) "
    f"{{ updateAccount(id: $id, input: $input) {{ {REFUSAL} }} }}",
    "createOrder": "mutation CreateOrder($input: CreateOrderInput!) "
    f"{{ createOrder(input: $input) {{ {REFUSAL} }} }}",
    "changeOrderStatus": "mutation ChangeOrderStatus($id: ID!, $status: OrderStatus!) "
    f"{{ changeOrderStatus(id: $id, status: $status) {{ {REFUSAL} }} }}",
}
ME = "query Me { me { id } }"
# Set-up steps the scenarios share: each must succeed, and hands back the new thing's id.
SETUP = {
    "createOrder": "mutation NewOrder($input: CreateOrderInput!) "
    "{ createOrder(input: $input) { __typename ... on Order { id conversationId } } }",
    "updateAccount": "mutation ChangeAccount($id: ID!, $input: UpdateAccountInput!) "
    "{ updateAccount(id: $id, input: $input) { __typename ... on Account { id } } }",
    "sendCallInvite": "mutation Invite($input: SendCallInviteInput!) "
    "{ sendCallInvite(input: $input) { __typename ... on CallInvite { id } } }",
    "acceptCallInvite": "mutation Accept($id: ID!, $startsAt: DateTime!) "
    "{ acceptCallInvite(id: $id, startsAt: $startsAt) { __typename ... on CallInvite { id } } }",
    "declineCallInvite": "mutation Decline($id: ID!) "
    "{ declineCallInvite(id: $id) { __typename ... on CallInvite { id } } }",
    "cancelCallInvite": "mutation Cancel($id: ID!) "
    "{ cancelCallInvite(id: $id) { __typename ... on CallInvite { id } } }",
    "setMessagingEnabled": "mutation Switch($enabled: Boolean!, $orderId: ID) "
    "{ setMessagingEnabled(enabled: $enabled, orderId: $orderId) "
    "{ __typename ... on MessagingSwitch { enabled } } }",
    "proposeOrderTerms": "mutation Propose($input: ProposeTermsInput!) "
    "{ proposeOrderTerms(input: $input) { __typename ... on OrderTerms { id } } }",
    "acceptOrderTerms": "mutation AcceptTerms($termsId: ID!) "
    "{ acceptOrderTerms(termsId: $termsId) { __typename ... on OrderTerms { id } } }",
    "requestGuarantee": "mutation Guarantee($orderId: ID!) "
    "{ requestGuarantee(orderId: $orderId) { __typename ... on GuaranteeRequest { id } } }",
    "decideGuaranteeRequest": "mutation Decide($id: ID!) "
    "{ decideGuaranteeRequest(id: $id, decision: ACCEPT) "
    "{ __typename ... on GuaranteeRequest { id } } }",
    "sendMessage": "mutation Send($input: SendMessageInput!) "
    "{ sendMessage(input: $input) { __typename ... on Message { id } } }",
}

MONDAY_3PM = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # a week after the clock fixture's start
UNKNOWN_ROW = 999999  # no row has it: for the service token, which sees all


def unknown(tag: Tag) -> str:
    """A well-formed global id in `tag`'s id space that names nothing."""
    return gid(tag, UNKNOWN_ROW)


@dataclass
class World:
    """A client and a freelancer with an open order, and a client who is a stranger to both.

    Ids are the API's own, read back from the API; callers are the accounts' tokens.
    """

    gql: Executor
    services: Services
    clock: ManualClock
    client: Caller
    freelancer: Caller
    stranger: Caller
    client_id: str
    freelancer_id: str
    stranger_id: str
    order_id: str = ""
    conversation_id: str = ""

    async def setup(self, step: str, caller: Caller, **variables: Any) -> str:
        """Run a set-up mutation that must succeed; the id (or other field) it returns."""
        data = await self.gql.execute(SETUP[step], variables, as_=caller)
        typename, *selected = data[step].values()
        assert selected, f"{step} was refused: {typename}"
        return str(selected[0])

    async def order(self, **input: Any) -> tuple[str, str]:
        """A new order between the pair: its id and its conversation's."""
        payload = {"clientId": self.client_id, "freelancerId": self.freelancer_id, "title": "Post"}
        data = await self.gql.execute(SETUP["createOrder"], {"input": payload | input}, as_=SERVICE)
        order = data["createOrder"]
        assert order["__typename"] == "Order", order
        return order["id"], order["conversationId"]

    async def invite(self, at: datetime = MONDAY_3PM) -> str:
        """A pending call invite from the client about the order, for `at` (60 minutes)."""
        return await self.setup(
            "sendCallInvite",
            self.client,
            input={
                "freelancerId": self.freelancer_id,
                "startTimes": [at.isoformat()],
                "durationMinutes": 60,
                "orderId": self.order_id,
            },
        )

    async def accepted_call(self, at: datetime = MONDAY_3PM) -> str:
        invite = await self.invite(at)
        await self.setup("acceptCallInvite", self.freelancer, id=invite, startsAt=at.isoformat())
        return invite

    async def terms(self, proposer: Caller) -> str:
        terms = {"amount": "1500.00", "currency": "EUR", "deliveryDate": "2026-02-01"}
        return await self.setup(
            "proposeOrderTerms",
            proposer,
            input={"orderId": self.order_id, "deliverables": "A launch post", **terms},
        )

    async def guarantee_request(self) -> str:
        await self.setup("acceptOrderTerms", self.client, termsId=await self.terms(self.freelancer))
        return await self.setup("requestGuarantee", self.freelancer, orderId=self.order_id)

    async def turn_off_discovery(self) -> None:
        await self.setup(
            "updateAccount", SERVICE, id=self.freelancer_id, input={"discoverable": False}
        )


@dataclass(frozen=True)
class Call:
    """The refused call: its variables, its caller, and the code the refusal carries."""

    code: ErrorCode
    caller: Caller
    variables: dict[str, Any] = field(default_factory=dict)


Scenario = Callable[[World], Awaitable[Call]]
SCENARIOS: dict[tuple[str, str], Scenario] = {}


def scenario(mutation: str, error: str) -> Callable[[Scenario], Scenario]:
    def register(make: Scenario) -> Scenario:
        assert (mutation, error) not in SCENARIOS, (mutation, error)
        SCENARIOS[mutation, error] = make
        return make

    return register


# sendCallInvite


def _invite_input(freelancer_id: str, *times: datetime) -> dict[str, Any]:
    return {"freelancerId": freelancer_id, "startTimes": [at.isoformat() for at in times]}


@scenario("sendCallInvite", "MessagingBlocked")
async def _invite_to_an_undiscoverable_freelancer(world: World) -> Call:
    await world.turn_off_discovery()
    variables = {"input": _invite_input(world.freelancer_id, MONDAY_3PM)}
    return Call(ErrorCode.FREELANCER_NOT_DISCOVERABLE, world.client, variables)


@scenario("sendCallInvite", "NotFound")
async def _invite_a_client_as_the_freelancer(world: World) -> Call:
    variables = {"input": _invite_input(world.stranger_id, MONDAY_3PM)}
    return Call(ErrorCode.NOT_FOUND, world.client, variables)


@scenario("sendCallInvite", "InvalidInput")
async def _invite_without_times(world: World) -> Call:
    return Call(ErrorCode.NO_TIMES, world.client, {"input": _invite_input(world.freelancer_id)})


@scenario("sendCallInvite", "PermissionDenied")
async def _a_freelancer_invites(world: World) -> Call:
    variables = {"input": _invite_input(world.freelancer_id, MONDAY_3PM)}
    return Call(ErrorCode.PERMISSION_DENIED, world.freelancer, variables)


# acceptCallInvite


@scenario("acceptCallInvite", "NotFound")
async def _a_stranger_accepts(world: World) -> Call:
    variables = {"id": await world.invite(), "startsAt": MONDAY_3PM.isoformat()}
    return Call(ErrorCode.NOT_FOUND, world.stranger, variables)


@scenario("acceptCallInvite", "PermissionDenied")
async def _the_client_accepts_its_own_invite(world: World) -> Call:
    variables = {"id": await world.invite(), "startsAt": MONDAY_3PM.isoformat()}
    return Call(ErrorCode.PERMISSION_DENIED, world.client, variables)


@scenario("acceptCallInvite", "CallInviteClosed")
async def _accept_a_cancelled_invite(world: World) -> Call:
    invite = await world.invite()
    await world.setup("cancelCallInvite", world.client, id=invite)
    variables = {"id": invite, "startsAt": MONDAY_3PM.isoformat()}
    return Call(ErrorCode.CALL_INVITE_CANCELLED, world.freelancer, variables)


@scenario("acceptCallInvite", "InvalidInput")
async def _accept_a_time_not_proposed(world: World) -> Call:
    variables = {
        "id": await world.invite(),
        "startsAt": (MONDAY_3PM + timedelta(hours=1)).isoformat(),
    }
    return Call(ErrorCode.TIME_NOT_PROPOSED, world.freelancer, variables)


@scenario("acceptCallInvite", "NoLineAvailable")
async def _accept_when_every_pin_is_taken(world: World) -> Call:
    world.services.conference = LocalConferenceProvider(["+1 555 0199"], pin_length=1)
    for day in range(10):  # one-digit PINs: ten active calls take every line
        await world.accepted_call(MONDAY_3PM + timedelta(days=day))
    at = MONDAY_3PM + timedelta(days=20)
    variables = {"id": await world.invite(at), "startsAt": at.isoformat()}
    return Call(ErrorCode.NO_LINE_AVAILABLE, world.freelancer, variables)


# declineCallInvite


@scenario("declineCallInvite", "NotFound")
async def _a_stranger_declines(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"id": await world.invite()})


@scenario("declineCallInvite", "PermissionDenied")
async def _the_client_declines_its_own_invite(world: World) -> Call:
    return Call(ErrorCode.PERMISSION_DENIED, world.client, {"id": await world.invite()})


@scenario("declineCallInvite", "CallInviteClosed")
async def _decline_a_cancelled_invite(world: World) -> Call:
    invite = await world.invite()
    await world.setup("cancelCallInvite", world.client, id=invite)
    return Call(ErrorCode.CALL_INVITE_CANCELLED, world.freelancer, {"id": invite})


@scenario("declineCallInvite", "InvalidInput")
async def _decline_with_an_empty_message(world: World) -> Call:
    variables = {"id": await world.invite(), "message": "   "}
    return Call(ErrorCode.INVALID_INPUT, world.freelancer, variables)


@scenario("declineCallInvite", "MessagingBlocked")
async def _decline_with_a_message_the_client_turned_off(world: World) -> Call:
    invite = await world.invite()
    await world.setup("setMessagingEnabled", world.client, enabled=False)
    variables = {"id": invite, "message": "Thursday would suit me."}
    return Call(ErrorCode.MESSAGING_OFF_BY_CLIENT, world.freelancer, variables)


# cancelCallInvite


@scenario("cancelCallInvite", "NotFound")
async def _a_stranger_cancels(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"id": await world.invite()})


@scenario("cancelCallInvite", "PermissionDenied")
async def _the_freelancer_cancels(world: World) -> Call:
    return Call(ErrorCode.PERMISSION_DENIED, world.freelancer, {"id": await world.invite()})


@scenario("cancelCallInvite", "CallInviteClosed")
async def _cancel_a_declined_invite(world: World) -> Call:
    invite = await world.invite()
    await world.setup("declineCallInvite", world.freelancer, id=invite)
    return Call(ErrorCode.CALL_INVITE_DECLINED, world.client, {"id": invite})


@scenario("cancelCallInvite", "OutsideCallWindow")
async def _cancel_a_call_that_started(world: World) -> Call:
    invite = await world.accepted_call()
    world.clock.set(MONDAY_3PM + timedelta(minutes=1))
    return Call(ErrorCode.TOO_LATE, world.client, {"id": invite})


# reportCallNoShow


def _no_show(invite: str, details: str = "Nobody came.") -> dict[str, Any]:
    return {"id": invite, "details": details}


@scenario("reportCallNoShow", "NotFound")
async def _a_stranger_reports(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, _no_show(await world.accepted_call()))


@scenario("reportCallNoShow", "PermissionDenied")
async def _the_client_reports(world: World) -> Call:
    return Call(ErrorCode.PERMISSION_DENIED, world.client, _no_show(await world.accepted_call()))


@scenario("reportCallNoShow", "CallInviteClosed")
async def _report_a_call_never_accepted(world: World) -> Call:
    return Call(ErrorCode.CALL_INVITE_PENDING, world.freelancer, _no_show(await world.invite()))


@scenario("reportCallNoShow", "OutsideCallWindow")
async def _report_before_the_call_starts(world: World) -> Call:
    return Call(ErrorCode.TOO_EARLY, world.freelancer, _no_show(await world.accepted_call()))


@scenario("reportCallNoShow", "InvalidInput")
async def _report_with_details_too_long(world: World) -> Call:
    invite = await world.accepted_call()
    world.clock.set(MONDAY_3PM + timedelta(minutes=10))
    return Call(ErrorCode.INVALID_INPUT, world.freelancer, _no_show(invite, "x" * 5001))


# Notifications


@scenario("updateNotificationPreferences", "InvalidInput")
async def _an_email_address_without_at(world: World) -> Call:
    return Call(ErrorCode.INVALID_INPUT, world.client, {"input": {"email": "maya.example.com"}})


@scenario("registerPushSubscription", "InvalidInput")
async def _a_push_endpoint_without_a_scheme(world: World) -> Call:
    device = {"endpoint": "push.example.com/device", "p256dh": "A" * 87, "auth": "A" * 22}
    return Call(ErrorCode.INVALID_INPUT, world.client, {"input": device})


@scenario("muteConversation", "NotFound")
async def _a_stranger_mutes(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"conversationId": world.conversation_id})


# Support requests


@scenario("openSupportRequest", "NotFound")
async def _a_stranger_asks_about_the_conversation(world: World) -> Call:
    variables = {"input": {"conversationId": world.conversation_id}}
    return Call(ErrorCode.NOT_FOUND, world.stranger, variables)


@scenario("openSupportRequest", "InvalidInput")
async def _a_request_about_nothing(world: World) -> Call:
    return Call(ErrorCode.INVALID_INPUT, world.client, {"input": {"details": "Help"}})


@scenario("updateSupportRequest", "NotFound")
async def _update_an_unknown_request(world: World) -> Call:
    variables = {"input": {"id": unknown(Tag.SUPPORT_REQUEST), "status": "RESOLVED"}}
    return Call(ErrorCode.NOT_FOUND, SERVICE, variables)


@scenario("updateSupportRequest", "InvalidInput")
async def _move_a_request_back_to_open(world: World) -> Call:
    variables = {"input": {"id": unknown(Tag.SUPPORT_REQUEST), "status": "OPEN"}}
    return Call(ErrorCode.INVALID_INPUT, SERVICE, variables)


# Order terms and guarantees


@scenario("proposeOrderTerms", "NotFound")
async def _a_stranger_proposes_terms(world: World) -> Call:
    terms = {"amount": "10.00", "currency": "EUR", "deliveryDate": "2026-02-01"}
    variables = {"input": {"orderId": world.order_id, "deliverables": "A post", **terms}}
    return Call(ErrorCode.NOT_FOUND, world.stranger, variables)


@scenario("proposeOrderTerms", "InvalidInput")
async def _terms_in_a_currency_that_is_not_iso(world: World) -> Call:
    terms = {"amount": "10.00", "currency": "EURO", "deliveryDate": "2026-02-01"}
    variables = {"input": {"orderId": world.order_id, "deliverables": "A post", **terms}}
    return Call(ErrorCode.INVALID_INPUT, world.client, variables)


@scenario("acceptOrderTerms", "NotFound")
async def _a_stranger_accepts_terms(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"termsId": await world.terms(world.client)})


@scenario("acceptOrderTerms", "PermissionDenied")
async def _the_proposer_accepts_its_own_terms(world: World) -> Call:
    return Call(
        ErrorCode.PERMISSION_DENIED, world.client, {"termsId": await world.terms(world.client)}
    )


@scenario("acceptOrderTerms", "TermsChanged")
async def _accept_terms_that_were_countered(world: World) -> Call:
    first = await world.terms(world.freelancer)
    await world.terms(world.client)  # a counter-proposal replaces them
    return Call(ErrorCode.TERMS_CHANGED, world.client, {"termsId": first})


@scenario("requestGuarantee", "NotFound")
async def _a_stranger_asks_for_a_guarantee(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"orderId": world.order_id})


@scenario("requestGuarantee", "NoAgreedTerms")
async def _a_guarantee_without_terms(world: World) -> Call:
    await world.terms(world.freelancer)  # proposed, not accepted
    return Call(ErrorCode.NO_AGREED_TERMS, world.client, {"orderId": world.order_id})


@scenario("requestGuarantee", "GuaranteeAlreadyRequested")
async def _a_second_guarantee_request(world: World) -> Call:
    await world.guarantee_request()
    return Call(ErrorCode.GUARANTEE_ALREADY_REQUESTED, world.client, {"orderId": world.order_id})


def _decision(request: str, note: str = "") -> dict[str, Any]:
    return {"id": request, "decision": "ACCEPT", "note": note}


@scenario("decideGuaranteeRequest", "NotFound")
async def _decide_an_unknown_request(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, SERVICE, _decision(unknown(Tag.GUARANTEE_REQUEST)))


@scenario("decideGuaranteeRequest", "InvalidInput")
async def _decide_with_a_note_too_long(world: World) -> Call:
    request = await world.guarantee_request()
    return Call(ErrorCode.INVALID_INPUT, SERVICE, _decision(request, "x" * 2001))


@scenario("decideGuaranteeRequest", "TermsChanged")
async def _decide_a_request_voided_by_new_terms(world: World) -> Call:
    request = await world.guarantee_request()
    await world.terms(world.client)
    return Call(ErrorCode.TERMS_CHANGED, SERVICE, _decision(request))


@scenario("decideGuaranteeRequest", "GuaranteeAlreadyDecided")
async def _decide_twice(world: World) -> Call:
    request = await world.guarantee_request()
    await world.setup("decideGuaranteeRequest", SERVICE, id=request)
    return Call(ErrorCode.GUARANTEE_ALREADY_DECIDED, SERVICE, _decision(request))


# Messaging


def _message(world: World, body: str = "Hello", **extra: Any) -> dict[str, Any]:
    return {"input": {"conversationId": world.conversation_id, "body": body, **extra}}


@scenario("sendMessage", "MessagingBlocked")
async def _write_to_a_client_who_turned_messaging_off(world: World) -> Call:
    await world.setup("setMessagingEnabled", world.client, enabled=False)
    return Call(ErrorCode.MESSAGING_OFF_BY_CLIENT, world.freelancer, _message(world))


@scenario("sendMessage", "NotFound")
async def _a_stranger_writes_into_the_conversation(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, _message(world))


@scenario("sendMessage", "InvalidInput")
async def _an_empty_message(world: World) -> Call:
    return Call(ErrorCode.INVALID_INPUT, world.client, _message(world, body=" \n "))


@scenario("sendMessage", "IdempotencyKeyReused")
async def _a_key_reused_for_another_message(world: World) -> Call:
    await world.setup("sendMessage", world.client, **_message(world, idempotencyKey="k-1"))
    return Call(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        world.client,
        _message(world, body="Something else", idempotencyKey="k-1"),
    )


@scenario("sendMessage", "RateLimited")
async def _one_send_too_many(world: World) -> Call:
    settings = world.services.settings.model_copy(update={"rate_limit_sends": "1/minute"})
    world.services.rate_limits = RateLimits(settings, clock=world.clock)
    await world.setup("sendMessage", world.client, **_message(world))
    return Call(ErrorCode.RATE_LIMITED, world.client, _message(world, body="Again"))


@scenario("markRead", "NotFound")
async def _a_stranger_marks_read(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, world.stranger, {"conversationId": world.conversation_id})


@scenario("setMessagingEnabled", "NotFound")
async def _a_stranger_switches_the_order(world: World) -> Call:
    variables = {"enabled": False, "orderId": world.order_id}
    return Call(ErrorCode.NOT_FOUND, world.stranger, variables)


@scenario("setMessagingEnabled", "PermissionDenied")
async def _a_freelancer_switches_messaging(world: World) -> Call:
    return Call(ErrorCode.PERMISSION_DENIED, world.freelancer, {"enabled": False})


# The service token: orders, reviews, campaigns, accounts


@scenario("createOrder", "NotFound")
async def _an_order_whose_client_is_a_freelancer(world: World) -> Call:
    order = {"clientId": world.freelancer_id, "freelancerId": world.freelancer_id, "title": "Post"}
    return Call(ErrorCode.NOT_FOUND, SERVICE, {"input": order})


@scenario("createOrder", "InvalidInput")
async def _an_order_without_a_title(world: World) -> Call:
    order = {"clientId": world.client_id, "freelancerId": world.freelancer_id, "title": ""}
    return Call(ErrorCode.INVALID_INPUT, SERVICE, {"input": order})


@scenario("createOrder", "NotDiscoverable")
async def _an_order_for_an_undiscoverable_freelancer(world: World) -> Call:
    await world.turn_off_discovery()
    order = {"clientId": world.client_id, "freelancerId": world.freelancer_id, "title": "Post"}
    return Call(ErrorCode.FREELANCER_NOT_DISCOVERABLE, SERVICE, {"input": order})


@scenario("changeOrderStatus", "NotFound")
async def _move_an_unknown_order(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, SERVICE, {"id": unknown(Tag.ORDER), "status": "IN_PROGRESS"})


@scenario("changeOrderStatus", "InvalidTransition")
async def _complete_an_open_order(world: World) -> Call:
    return Call(
        ErrorCode.INVALID_TRANSITION, SERVICE, {"id": world.order_id, "status": "COMPLETED"}
    )


@scenario("changeOrderStatus", "ConversationRequired")
async def _start_an_order_nobody_talked_about(world: World) -> Call:
    order, _ = await world.order(requiresConversation=True)
    return Call(ErrorCode.CONVERSATION_REQUIRED, SERVICE, {"id": order, "status": "IN_PROGRESS"})


@scenario("recordReview", "NotFound")
async def _review_an_unknown_order(world: World) -> Call:
    return Call(ErrorCode.NOT_FOUND, SERVICE, {"orderId": unknown(Tag.ORDER)})


@scenario("createCampaign", "NotFound")
async def _a_campaign_whose_brand_is_a_freelancer(world: World) -> Call:
    campaign = {"clientId": world.freelancer_id, "title": "Spring launch"}
    return Call(ErrorCode.NOT_FOUND, SERVICE, {"input": campaign})


@scenario("createCampaign", "InvalidInput")
async def _a_campaign_without_a_title(world: World) -> Call:
    return Call(
        ErrorCode.INVALID_INPUT, SERVICE, {"input": {"clientId": world.client_id, "title": ""}}
    )


@scenario("setCampaignMembership", "NotFound")
async def _join_an_unknown_campaign(world: World) -> Call:
    variables = {"campaignId": unknown(Tag.CAMPAIGN), "freelancerId": world.freelancer_id}
    return Call(ErrorCode.NOT_FOUND, SERVICE, variables)


@scenario("createAccount", "InvalidInput")
async def _an_account_in_an_unknown_zone(world: World) -> Call:
    account = {"kind": "CLIENT", "name": "Globex", "timeZone": "Mars/Olympus_Mons"}
    return Call(ErrorCode.INVALID_INPUT, SERVICE, {"input": account})


@scenario("updateAccount", "NotFound")
async def _update_an_unknown_account(world: World) -> Call:
    return Call(
        ErrorCode.NOT_FOUND, SERVICE, {"id": unknown(Tag.ACCOUNT), "input": {"name": "Globex"}}
    )


@scenario("updateAccount", "InvalidInput")
async def _rename_an_account_to_nothing(world: World) -> Call:
    return Call(ErrorCode.INVALID_INPUT, SERVICE, {"id": world.client_id, "input": {"name": " "}})


def _schema_pairs() -> set[tuple[str, str]]:
    """(mutation, error type) for every error member of every mutation's result union."""
    schema = graphql_schema(build_schema(debug=True))
    assert schema.mutation_type is not None
    error = schema.get_type("Error")
    pairs = set()
    for name, mutation in schema.mutation_type.fields.items():
        result = (
            mutation.type.of_type if isinstance(mutation.type, GraphQLNonNull) else mutation.type
        )
        if isinstance(result, GraphQLUnionType):
            pairs |= {(name, member.name) for member in result.types if error in member.interfaces}
    return pairs


def test_each_union_lists_exactly_the_errors_its_mutation_returns() -> None:
    pairs = _schema_pairs()
    assert sorted(pairs - SCENARIOS.keys()) == [], "listed, but no scenario returns them"
    assert sorted(SCENARIOS.keys() - pairs) == [], "returned, but their union lacks them"


def test_each_mutation_has_a_union_of_its_own() -> None:
    schema = graphql_schema(build_schema(debug=True))
    assert schema.mutation_type is not None
    for name, mutation in schema.mutation_type.fields.items():
        result = (
            mutation.type.of_type if isinstance(mutation.type, GraphQLNonNull) else mutation.type
        )
        if isinstance(result, GraphQLUnionType):
            assert result.name == f"{name[0].upper()}{name[1:]}Result"
    assert set(DOCUMENTS) == {name for name, _ in _schema_pairs()}


@pytest.fixture
async def world(
    gql: Executor,
    services: Services,
    clock: ManualClock,
    client: Account,
    freelancer: Account,
    stranger: Account,
) -> World:
    async def api_id(who: Account) -> str:
        data = await gql.execute(ME, as_=account(who.id))
        return str(data["me"]["id"])

    world = World(
        gql,
        services,
        clock,
        client=account(client.id),
        freelancer=account(freelancer.id),
        stranger=account(stranger.id),
        client_id=await api_id(client),
        freelancer_id=await api_id(freelancer),
        stranger_id=await api_id(stranger),
    )
    world.order_id, world.conversation_id = await world.order()
    return world


@pytest.fixture
async def stranger(client: Account, clock: ManualClock) -> Account:
    """Another client, with no conversation, order or invite with anyone."""
    return await create_account(clock, kind=AccountKind.CLIENT, name="Globex", time_zone="UTC")


@pytest.mark.parametrize(("mutation", "error"), sorted(SCENARIOS))
async def test_the_mutation_returns_the_error_with_its_code_and_changes_nothing(
    world: World, mutation: str, error: str
) -> None:
    call = await SCENARIOS[mutation, error](world)
    before = await all_rows()
    data = await world.gql.execute(DOCUMENTS[mutation], call.variables, as_=call.caller)
    result = data[mutation]
    assert (result["__typename"], result["code"]) == (error, call.code.name), result
    assert result["message"]
    assert await all_rows() == before
