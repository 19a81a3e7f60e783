"""`first_violation` on its own, table by table, against README's "Who may write to whom,
when": every rule, every account standing, every order status, every campaign membership,
and the combinations that decide which rule is reported first.

The function takes the rows its caller loaded, so each case builds them in memory (no
database). A case describes the pair in README's words (`World`); `attempt` turns it into
the `SendAttempt` the loader would build: of the pair's orders, only the live ones (open, in
progress, final review) are judged for a message about no order, and every order counts for
its job type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product
from typing import Any

import pytest

from parley.models.accounts import Account, AccountKind, AccountStatus
from parley.models.campaigns import CampaignMember, MembershipStatus
from parley.models.conversations import Conversation, Participant
from parley.models.orders import Order, OrderStatus
from parley.models.rules import UNANSWERED_LIMIT, Action, Rule, SendAttempt, first_violation

NO_MESSAGING = frozenset({"superhero"})
LIVE = frozenset({OrderStatus.OPEN, OrderStatus.IN_PROGRESS, OrderStatus.FINAL_REVIEW})
CLIENT_ID, FREELANCER_ID = 1, 2


@dataclass(frozen=True)
class Job:
    """One order of the pair."""

    status: OrderStatus = OrderStatus.IN_PROGRESS
    job_type: str = "standard"
    messaging: bool = True  # the client's switch for this order


@dataclass(frozen=True)
class World:
    """The state the rules see, in the words of README's table."""

    sender: AccountKind = AccountKind.FREELANCER
    standing: AccountStatus = AccountStatus.ACTIVE  # the sender's
    counterpart_standing: AccountStatus = AccountStatus.ACTIVE
    discoverable: bool = True  # the freelancer's "find me in the marketplace"
    client_messaging: bool = True  # the client's account-wide switch
    conversation: bool = True
    messages_exchanged: bool = False
    negative_review: bool = False
    unanswered: int = 0  # the sender's messages in a row without a reply
    about: Job | None = None  # the order the message names
    orders: tuple[Job, ...] = ()  # the pair's other orders, in any status
    campaign: MembershipStatus | None = None  # the creator's membership in the campaign named
    campaign_asked: bool = False  # a campaign is named (implied by `campaign`)
    accepted_somewhere: bool = False  # ACCEPTED in one of the client's campaigns
    action: Action = Action.MESSAGE


def _order(number: int, job: Job) -> Order:
    return Order(
        id=number,
        title=f"Job {number}",
        job_type=job.job_type,
        status=job.status,
        messaging_enabled=job.messaging,
    )


def attempt(world: World) -> SendAttempt:
    client = Account(
        id=CLIENT_ID,
        kind=AccountKind.CLIENT,
        status=AccountStatus.ACTIVE,
        discoverable=True,
        messaging_enabled=world.client_messaging,
    )
    freelancer = Account(
        id=FREELANCER_ID,
        kind=AccountKind.FREELANCER,
        status=AccountStatus.ACTIVE,
        discoverable=world.discoverable,
        messaging_enabled=True,
    )
    sender, counterpart = (
        (freelancer, client) if world.sender == AccountKind.FREELANCER else (client, freelancer)
    )
    sender.status = world.standing
    counterpart.status = world.counterpart_standing
    conversation = None
    side = None
    if world.conversation:
        conversation = Conversation(
            id=1,
            client_id=CLIENT_ID,
            freelancer_id=FREELANCER_ID,
            last_message_id=7 if world.messages_exchanged else None,
            negative_review_at=datetime(2026, 1, 1, tzinfo=UTC) if world.negative_review else None,
        )
        side = Participant(id=1, unanswered=world.unanswered)
    membership = None
    if world.campaign is not None:
        membership = CampaignMember(id=1, status=world.campaign)
    orders = [_order(number, job) for number, job in enumerate(world.orders, start=10)]
    every_job = [*world.orders, *([world.about] if world.about else [])]
    return SendAttempt(
        sender=sender,
        counterpart=counterpart,
        client=client,
        conversation=conversation,
        sender_side=side,
        order=None if world.about is None else _order(1, world.about),
        membership=membership,
        campaign_asked=world.campaign_asked or world.campaign is not None,
        live_orders=tuple(order for order in orders if order.status in LIVE),
        job_types=frozenset(job.job_type for job in every_job),
        accepted_membership=world.accepted_somewhere,
        no_messaging_job_types=NO_MESSAGING,
        action=world.action,
    )


@dataclass(frozen=True)
class Case:
    name: str
    expected: Rule | None
    world: World


def case(name: str, expected: Rule | None, **world: Any) -> Case:
    return Case(name, expected, World(**world))


F, C = AccountKind.FREELANCER, AccountKind.CLIENT
S = AccountStatus
REVIEW = Job(OrderStatus.FINAL_REVIEW)
OFF = Job(messaging=False)
HERO = Job(job_type="superhero")
CALL = Action.CALL_INVITE

# 1: the sender's standing, whoever the sender is; the counterpart's does not matter.
STANDING = [
    case("an active freelancer", None, sender=F, standing=S.ACTIVE),
    case("a suspended freelancer", Rule.ACCOUNT_SUSPENDED, sender=F, standing=S.SUSPENDED),
    case("a rejected freelancer", Rule.ACCOUNT_REJECTED, sender=F, standing=S.REJECTED),
    case(
        "a freelancer who needs improvement",
        Rule.ACCOUNT_NEEDS_IMPROVEMENT,
        sender=F,
        standing=S.NEEDS_IMPROVEMENT,
    ),
    case("an active client", None, sender=C, standing=S.ACTIVE),
    case("a suspended client", Rule.ACCOUNT_SUSPENDED, sender=C, standing=S.SUSPENDED),
    case("a rejected client", Rule.ACCOUNT_REJECTED, sender=C, standing=S.REJECTED),
    case(
        "a client who needs improvement",
        Rule.ACCOUNT_NEEDS_IMPROVEMENT,
        sender=C,
        standing=S.NEEDS_IMPROVEMENT,
    ),
    case("a freelancer writes to a suspended client", None, counterpart_standing=S.SUSPENDED),
    case(
        "a client writes to a rejected freelancer", None, sender=C, counterpart_standing=S.REJECTED
    ),
]

# 8: who may start a thread.
FIRST_CONTACT = [
    case("a client's inquiry", None, sender=C, conversation=False),
    case(
        "a client's inquiry to a hidden freelancer",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        conversation=False,
        discoverable=False,
    ),
    case(
        "a brand's first message to a hidden creator accepted in a campaign",
        None,
        sender=C,
        conversation=False,
        discoverable=False,
        accepted_somewhere=True,
    ),
    case(
        "a brand's first campaign message to a hidden creator only invited",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        conversation=False,
        discoverable=False,
        campaign=MembershipStatus.INVITED,
    ),
    case("a client writes to a hidden freelancer it knows", None, sender=C, discoverable=False),
    case("a freelancer's cold message", Rule.NO_RELATIONSHIP, conversation=False),
    case(
        "a hidden freelancer's cold message",
        Rule.NO_RELATIONSHIP,
        conversation=False,
        discoverable=False,
    ),
    case("a hidden freelancer replies", None, discoverable=False),
    case(
        "a creator accepted in a campaign writes first",
        None,
        conversation=False,
        accepted_somewhere=True,
    ),
]

# 6 and 2: the client's review and switches bind freelancers only.
CLIENT_SWITCHES = [
    case("after a negative review", Rule.NEGATIVE_REVIEW, negative_review=True),
    case("the client after its negative review", None, sender=C, negative_review=True),
    case("messaging off account-wide", Rule.MESSAGING_OFF_BY_CLIENT, client_messaging=False),
    case("the client with its own switch off", None, sender=C, client_messaging=False),
    case("the client about an order it switched off", None, sender=C, about=OFF),
    case("the client about no order, one switched off", None, sender=C, orders=(OFF,)),
]

# 2 and 4, every order status: the order the message names, or the pair's only order when
# it names none; with the client's switch for that order on, then off. A freelancer writes.
SWITCHED_OFF, REVIEWING = Rule.ORDER_MESSAGING_OFF, Rule.ORDER_IN_FINAL_REVIEW
# fmt: off
ORDER_STATES: list[tuple[OrderStatus, Rule | None, Rule | None, Rule | None, Rule | None]] = [
    #  status                   about it    about none  off, about it  off, about none
    (OrderStatus.OPEN,          None,       None,       SWITCHED_OFF,  SWITCHED_OFF),
    (OrderStatus.IN_PROGRESS,   None,       None,       SWITCHED_OFF,  SWITCHED_OFF),
    (OrderStatus.FINAL_REVIEW,  REVIEWING,  REVIEWING,  SWITCHED_OFF,  SWITCHED_OFF),
    (OrderStatus.COMPLETED,     None,       None,       SWITCHED_OFF,  None),
    (OrderStatus.CANCELLED,     None,       None,       SWITCHED_OFF,  None),
]
# fmt: on


def _order_state_cases() -> list[Case]:
    cases = []
    for status, *columns in ORDER_STATES:
        situations = product((True, False), (True, False))  # (switch on, about it), as columns
        for (on, about_it), expected in zip(situations, columns, strict=True):
            job = Job(status, messaging=on)
            name = f"{status} order, {'' if on else 'switched off, '}"
            name += "about it" if about_it else "about no order"
            cases.append(
                Case(name, expected, World(about=job) if about_it else World(orders=(job,)))
            )
    return cases


ORDER_STATE_CASES = _order_state_cases()

# 2 and 4 with several orders: about no order, every live order judges; about one, only it.
SEVERAL_ORDERS = [
    case("about no order, one live order off", SWITCHED_OFF, orders=(Job(), OFF)),
    case("about another order, one live order off", None, about=Job(), orders=(OFF,)),
    case("about no order, one in final review", REVIEWING, orders=(Job(), REVIEW)),
    case(
        "about another order during a final review",
        None,
        about=Job(OrderStatus.OPEN),
        orders=(REVIEW,),
    ),
    case(
        "the client about no order, one in final review",
        REVIEWING,
        sender=C,
        orders=(Job(OrderStatus.OPEN), REVIEW),
    ),
    case("the client about its order in final review", REVIEWING, sender=C, about=REVIEW),
    case(
        "about no order, the finished orders off",
        None,
        orders=(
            Job(),
            Job(OrderStatus.COMPLETED, messaging=False),
            Job(OrderStatus.CANCELLED, messaging=False),
        ),
    ),
]

# 3: jobs without messaging, for both sides.
JOB_TYPES = [
    case("about a superhero job", Rule.JOB_TYPE_WITHOUT_MESSAGING, about=HERO),
    case("the client about a superhero job", Rule.JOB_TYPE_WITHOUT_MESSAGING, sender=C, about=HERO),
    case("only superhero jobs", Rule.JOB_TYPE_WITHOUT_MESSAGING, orders=(HERO,)),
    case(
        "the client, only superhero jobs",
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        sender=C,
        orders=(HERO,),
    ),
    case(
        "only a finished superhero job",
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        sender=C,
        orders=(Job(OrderStatus.COMPLETED, "superhero"),),
    ),
    case("superhero and standard jobs", None, orders=(HERO, Job())),
    case(
        "a superhero job and a finished standard one",
        None,
        orders=(HERO, Job(OrderStatus.CANCELLED)),
    ),
    case("about a standard job beside a superhero job", None, about=Job(), orders=(HERO,)),
    case("superhero jobs after messages", None, orders=(HERO,), messages_exchanged=True),
    case("superhero jobs and a campaign", None, orders=(HERO,), accepted_somewhere=True),
    case(
        "about a superhero job after messages",
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        about=HERO,
        messages_exchanged=True,
    ),
]

# 7: a message about a campaign, every membership of the creator in it, both sides.
CAMPAIGNS = [
    case("the creator accepted", None, sender=C, campaign=MembershipStatus.ACCEPTED),
    case(
        "the creator invited",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        sender=C,
        campaign=MembershipStatus.INVITED,
    ),
    case(
        "the creator declined",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        sender=C,
        campaign=MembershipStatus.DECLINED,
    ),
    case(
        "the creator removed",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        sender=C,
        campaign=MembershipStatus.REMOVED,
    ),
    case(
        "the creator not a member",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        sender=C,
        campaign_asked=True,
    ),
    case("the creator writes, accepted", None, campaign=MembershipStatus.ACCEPTED),
    case(
        "the creator writes, invited",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        campaign=MembershipStatus.INVITED,
    ),
]

# 5: a freelancer's messages in a row without a reply.
UNANSWERED = [
    case("one short of the limit", None, unanswered=UNANSWERED_LIMIT - 1),
    case("at the limit", Rule.UNANSWERED_LIMIT, unanswered=UNANSWERED_LIMIT),
    case("past the limit", Rule.UNANSWERED_LIMIT, unanswered=UNANSWERED_LIMIT + 1),
    case("a client at the limit", None, sender=C, unanswered=UNANSWERED_LIMIT),
]

# A call invite is the client's message about the same order, but a hidden freelancer
# gets none, even in a conversation.
CALL_INVITES = [
    case("a call invite", None, sender=C, action=CALL),
    case("a call invite opening a thread", None, sender=C, action=CALL, conversation=False),
    case(
        "a call invite to a hidden freelancer",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        action=CALL,
        discoverable=False,
    ),
    case(
        "a call invite to a hidden creator accepted in a campaign",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        action=CALL,
        discoverable=False,
        accepted_somewhere=True,
    ),
    case(
        "a call invite from a suspended client",
        Rule.ACCOUNT_SUSPENDED,
        sender=C,
        action=CALL,
        standing=S.SUSPENDED,
    ),
    case(
        "a call invite, only superhero jobs",
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        sender=C,
        action=CALL,
        orders=(HERO,),
    ),
    case(
        "a call invite about no order during a final review",
        REVIEWING,
        sender=C,
        action=CALL,
        orders=(REVIEW,),
    ),
    case(
        "a call invite about an order in final review",
        REVIEWING,
        sender=C,
        action=CALL,
        about=REVIEW,
    ),
]

# Where several rules apply, the first in the order 1, 8, 6, 2, 3, 4, 7, 5 is reported.
PRECEDENCE = [
    case(
        "1 before all: suspended, switched off, reviewed, in final review",
        Rule.ACCOUNT_SUSPENDED,
        standing=S.SUSPENDED,
        client_messaging=False,
        negative_review=True,
        orders=(REVIEW,),
    ),
    case(
        "1 before 8: a suspended freelancer's cold message",
        Rule.ACCOUNT_SUSPENDED,
        standing=S.SUSPENDED,
        conversation=False,
    ),
    case(
        "8 before 3: a call invite to a hidden freelancer, only superhero jobs",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        action=CALL,
        discoverable=False,
        orders=(HERO,),
    ),
    case(
        "8 before 4: a call invite to a hidden freelancer about an order in final review",
        Rule.FREELANCER_NOT_DISCOVERABLE,
        sender=C,
        action=CALL,
        discoverable=False,
        about=REVIEW,
    ),
    case(
        "6 before 2: reviewed and switched off",
        Rule.NEGATIVE_REVIEW,
        negative_review=True,
        client_messaging=False,
    ),
    case(
        "6 before 5: reviewed and at the limit",
        Rule.NEGATIVE_REVIEW,
        negative_review=True,
        unanswered=UNANSWERED_LIMIT,
    ),
    case(
        "2: account-wide before the order's switch",
        Rule.MESSAGING_OFF_BY_CLIENT,
        client_messaging=False,
        about=OFF,
    ),
    case(
        "2 before 3: a superhero order switched off",
        SWITCHED_OFF,
        about=Job(job_type="superhero", messaging=False),
    ),
    case(
        "2 before 4: one order switched off, another in final review",
        SWITCHED_OFF,
        orders=(REVIEW, OFF),
    ),
    case(
        "3 before 4: a superhero job in final review",
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        about=Job(OrderStatus.FINAL_REVIEW, "superhero"),
    ),
    case(
        "4 before 7: a campaign message during a final review",
        REVIEWING,
        sender=C,
        campaign=MembershipStatus.INVITED,
        orders=(REVIEW,),
    ),
    case(
        "7 before 5: a campaign message at the limit",
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
        campaign=MembershipStatus.INVITED,
        unanswered=UNANSWERED_LIMIT,
    ),
]

CASES = [
    *STANDING,
    *FIRST_CONTACT,
    *CLIENT_SWITCHES,
    *ORDER_STATE_CASES,
    *SEVERAL_ORDERS,
    *JOB_TYPES,
    *CAMPAIGNS,
    *UNANSWERED,
    *CALL_INVITES,
    *PRECEDENCE,
]


@pytest.mark.parametrize("row", CASES, ids=[row.name for row in CASES])
def test_first_violation(row: Case) -> None:
    refusal = first_violation(attempt(row.world))
    assert (refusal and refusal.rule) == row.expected
    if refusal is not None:
        assert refusal.code == row.expected
        assert refusal.message
        assert "support" in refusal.next_step.lower()  # a way out is always offered


def test_every_rule_has_a_case() -> None:
    assert {row.expected for row in CASES} == {*Rule, None}


def test_every_order_status_has_a_row() -> None:
    assert [row[0] for row in ORDER_STATES] == list(OrderStatus)


def test_every_standing_of_either_sender_has_a_case() -> None:
    seen = {(row.world.sender, row.world.standing) for row in STANDING}
    assert seen == set(product(AccountKind, AccountStatus))


def test_every_campaign_membership_has_a_case() -> None:
    assert {row.world.campaign for row in CAMPAIGNS} == {*MembershipStatus, None}


def test_case_names_are_unique() -> None:
    names = [row.name for row in CASES]
    assert len(names) == len(set(names))
