"""`first_violation` on its own, table-driven: every rule, account and order states, the
untagged cases and the combinations that decide which rule is reported first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from parley.models.accounts import Account, AccountKind, AccountStatus
from parley.models.campaigns import CampaignMember, MembershipStatus
from parley.models.conversations import Conversation, Participant
from parley.models.orders import Order, OrderStatus
from parley.models.rules import Action, Rule, SendAttempt, first_violation

NO_MESSAGING = frozenset({"superhero"})
CLIENT_ID, FREELANCER_ID = 1, 2


@dataclass(frozen=True)
class Job:
    status: OrderStatus = OrderStatus.IN_PROGRESS
    job_type: str = "standard"
    messaging: bool = True


@dataclass(frozen=True)
class World:
    """The state the rules see, in the words of the README's table."""

    sender: AccountKind = AccountKind.FREELANCER
    standing: AccountStatus = AccountStatus.ACTIVE
    discoverable: bool = True
    client_messaging: bool = True
    conversation: bool = True
    messages_exchanged: bool = False
    negative_review: bool = False
    unanswered: int = 0
    about: Job | None = None  # the order the message names
    live: tuple[Job, ...] = ()  # the pair's live orders (open, in progress, final review)
    job_types: frozenset[str] = field(default_factory=frozenset)
    campaign: MembershipStatus | None = None  # membership in the campaign the message names
    campaign_asked: bool = False
    accepted_somewhere: bool = False
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
    orders = [_order(number, job) for number, job in enumerate(world.live, start=10)]
    job_types = world.job_types or frozenset(job.job_type for job in world.live)
    return SendAttempt(
        sender=sender,
        counterpart=counterpart,
        client=client,
        conversation=conversation,
        sender_side=side,
        order=None if world.about is None else _order(1, world.about),
        membership=membership,
        campaign_asked=world.campaign_asked or world.campaign is not None,
        live_orders=tuple(orders),
        job_types=job_types,
        accepted_membership=world.accepted_somewhere,
        no_messaging_job_types=NO_MESSAGING,
        action=world.action,
    )


F, C = AccountKind.FREELANCER, AccountKind.CLIENT
REVIEW = Job(OrderStatus.FINAL_REVIEW)
OFF = Job(messaging=False)
HERO = Job(job_type="superhero")
ACCEPTED, INVITED = MembershipStatus.ACCEPTED, MembershipStatus.INVITED
CALL = Action.CALL_INVITE

CASES: list[tuple[str, World, Rule | None]] = [
    ("an ordinary reply", World(), None),
    ("a client's ordinary reply", World(sender=C), None),
    # 1 standing, before everything else
    ("suspended", World(standing=AccountStatus.SUSPENDED), Rule.ACCOUNT_SUSPENDED),
    ("rejected client", World(sender=C, standing=AccountStatus.REJECTED), Rule.ACCOUNT_REJECTED),
    (
        "needs improvement",
        World(standing=AccountStatus.NEEDS_IMPROVEMENT),
        Rule.ACCOUNT_NEEDS_IMPROVEMENT,
    ),
    (
        "suspended beats every other rule",
        World(
            standing=AccountStatus.SUSPENDED,
            client_messaging=False,
            negative_review=True,
            live=(REVIEW,),
        ),
        Rule.ACCOUNT_SUSPENDED,
    ),
    # 8 who may start a thread
    ("a client's inquiry", World(sender=C, conversation=False), None),
    (
        "a client's inquiry to a hidden freelancer",
        World(sender=C, conversation=False, discoverable=False),
        Rule.FREELANCER_NOT_DISCOVERABLE,
    ),
    (
        "a brand's first message to a hidden creator accepted in a campaign",
        World(sender=C, conversation=False, discoverable=False, accepted_somewhere=True),
        None,
    ),
    (
        "a brand's first campaign message to a hidden creator only invited",
        World(sender=C, conversation=False, discoverable=False, campaign=INVITED),
        Rule.FREELANCER_NOT_DISCOVERABLE,
    ),
    (
        "a hidden freelancer's existing client writes",
        World(sender=C, discoverable=False),
        None,
    ),
    ("a freelancer's cold message", World(conversation=False), Rule.NO_RELATIONSHIP),
    (
        "a creator accepted in a campaign writes first",
        World(conversation=False, accepted_somewhere=True),
        None,
    ),
    # 6 negative review: the freelancer only
    ("after a negative review", World(negative_review=True), Rule.NEGATIVE_REVIEW),
    ("the client after their negative review", World(sender=C, negative_review=True), None),
    (
        "negative review beats the switches",
        World(negative_review=True, client_messaging=False),
        Rule.NEGATIVE_REVIEW,
    ),
    # 2 the client's switches bind freelancers
    ("messaging off account-wide", World(client_messaging=False), Rule.MESSAGING_OFF_BY_CLIENT),
    ("the client with its own switch off", World(sender=C, client_messaging=False), None),
    ("about an order with messaging off", World(about=OFF), Rule.ORDER_MESSAGING_OFF),
    ("about no order, one live order off", World(live=(Job(), OFF)), Rule.ORDER_MESSAGING_OFF),
    ("about another order, one live order off", World(about=Job(), live=(OFF,)), None),
    ("the client, about no order, one order off", World(sender=C, live=(OFF,)), None),
    (
        "an order switch off beats final review",
        World(live=(REVIEW, OFF)),
        Rule.ORDER_MESSAGING_OFF,
    ),
    (
        "a completed order's switch does not count",
        World(job_types=frozenset({"standard"})),
        None,
    ),
    # 3 jobs without messaging
    ("about a superhero job", World(about=HERO), Rule.JOB_TYPE_WITHOUT_MESSAGING),
    (
        "the client about a superhero job",
        World(sender=C, about=HERO),
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
    ),
    ("only superhero jobs", World(live=(HERO,)), Rule.JOB_TYPE_WITHOUT_MESSAGING),
    (
        "the client, only superhero jobs",
        World(sender=C, live=(HERO,)),
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
    ),
    (
        "only a finished superhero job",
        World(sender=C, job_types=frozenset({"superhero"})),
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
    ),
    ("superhero and standard jobs", World(live=(HERO, Job())), None),
    ("about a standard job beside a superhero job", World(about=Job(), live=(HERO,)), None),
    ("superhero jobs after an inquiry", World(live=(HERO,), messages_exchanged=True), None),
    ("superhero jobs and a campaign", World(live=(HERO,), accepted_somewhere=True), None),
    (
        "a superhero job in final review",
        World(about=Job(OrderStatus.FINAL_REVIEW, "superhero")),
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
    ),
    # 4 final review: both sides
    ("about an order in final review", World(about=REVIEW), Rule.ORDER_IN_FINAL_REVIEW),
    (
        "the client about its order in final review",
        World(sender=C, about=REVIEW),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
    (
        "about no order, one in final review",
        World(live=(Job(), REVIEW)),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
    (
        "the client about no order, one in final review",
        World(sender=C, live=(REVIEW,)),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
    (
        "about another order during a final review",
        World(about=Job(OrderStatus.OPEN), live=(REVIEW,)),
        None,
    ),
    ("about an open order", World(live=(Job(OrderStatus.OPEN),)), None),
    # 7 campaigns
    (
        "about a campaign, creator invited",
        World(sender=C, campaign=INVITED),
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
    ),
    (
        "about a campaign, creator not a member",
        World(sender=C, campaign_asked=True),
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
    ),
    ("about a campaign, creator accepted", World(sender=C, campaign=ACCEPTED), None),
    (
        "final review beats the campaign rule",
        World(sender=C, campaign=INVITED, live=(REVIEW,)),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
    # 5 unanswered: freelancers only
    ("four unanswered", World(unanswered=4), None),
    ("five unanswered", World(unanswered=5), Rule.UNANSWERED_LIMIT),
    ("a client's five unanswered", World(sender=C, unanswered=5), None),
    (
        "the campaign rule beats the unanswered limit",
        World(campaign=INVITED, unanswered=5),
        Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
    ),
    # call invites: a message from the client, but a hidden freelancer gets none
    ("a call invite", World(sender=C, action=CALL), None),
    ("a call invite opening a thread", World(sender=C, action=CALL, conversation=False), None),
    (
        "a call invite to a hidden freelancer",
        World(sender=C, action=CALL, discoverable=False),
        Rule.FREELANCER_NOT_DISCOVERABLE,
    ),
    (
        "a call invite from a suspended client",
        World(sender=C, action=CALL, standing=AccountStatus.SUSPENDED),
        Rule.ACCOUNT_SUSPENDED,
    ),
    (
        "a call invite, only superhero jobs",
        World(sender=C, action=CALL, live=(HERO,)),
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
    ),
    (
        "a call invite about no order during a final review",
        World(sender=C, action=CALL, live=(REVIEW,)),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
    (
        "a call invite about an order in final review",
        World(sender=C, action=CALL, about=REVIEW),
        Rule.ORDER_IN_FINAL_REVIEW,
    ),
]


@pytest.mark.parametrize(("world", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_first_violation(world: World, expected: Rule | None) -> None:
    refusal = first_violation(attempt(world))
    assert (refusal and refusal.rule) == expected
    if refusal is not None:
        assert refusal.code == expected
        assert refusal.message
        assert "support" in refusal.next_step.lower()  # a way out is always offered
