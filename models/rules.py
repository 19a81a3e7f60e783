"""Who may message whom, and when: the marketplace's messaging rules.

`first_violation` is a pure function of the state it is given, so `sendMessage`
and `sendCallInvite` (inside their transactions, rows locked) and the
`messagingStatus` query (before the composer renders) make the same decision
with the same code. Rules are checked in this order and the first that applies
is reported:

    1  ACCOUNT_SUSPENDED / ACCOUNT_REJECTED / ACCOUNT_NEEDS_IMPROVEMENT  sender's standing
    8  FREELANCER_NOT_DISCOVERABLE / NO_RELATIONSHIP  who may start a thread
    6  NEGATIVE_REVIEW  client reviewed negatively
    2  MESSAGING_OFF_BY_CLIENT / ORDER_MESSAGING_OFF  the client's switches
    3  JOB_TYPE_WITHOUT_MESSAGING  e.g. superhero jobs
    4  ORDER_IN_FINAL_REVIEW  paused during final review
    7  CAMPAIGN_MEMBER_NOT_ACCEPTED  campaign threads
    5  UNANSWERED_LIMIT  5 in a row without a reply

A message about an order (`orderId`) is judged by that order. A message about
no order is judged by every live order of the pair (open, in progress, final
review), so leaving the id out escapes nothing; and a pair whose only
relationship is jobs without messaging has no messaging at all. A call invite
is judged as a message from the client about the same order, except that a
freelancer who is not discoverable gets no invites at all.

Every refusal carries a message a UI shows as is and the next step, which
always includes a way to reach support.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from parley.models.accounts import Account, AccountKind, AccountStatus
from parley.models.campaigns import CampaignMember, MembershipStatus
from parley.models.conversations import Conversation, Participant
from parley.models.errors import ErrorCode, ParleyError
from parley.models.orders import Order, OrderStatus

UNANSWERED_LIMIT = 5
SUPPORT = "Contact support from the conversation if you need help."


class Rule(StrEnum):
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"
    ACCOUNT_REJECTED = "ACCOUNT_REJECTED"
    ACCOUNT_NEEDS_IMPROVEMENT = "ACCOUNT_NEEDS_IMPROVEMENT"
    FREELANCER_NOT_DISCOVERABLE = "FREELANCER_NOT_DISCOVERABLE"
    NO_RELATIONSHIP = "NO_RELATIONSHIP"
    NEGATIVE_REVIEW = "NEGATIVE_REVIEW"
    MESSAGING_OFF_BY_CLIENT = "MESSAGING_OFF_BY_CLIENT"
    ORDER_MESSAGING_OFF = "ORDER_MESSAGING_OFF"
    JOB_TYPE_WITHOUT_MESSAGING = "JOB_TYPE_WITHOUT_MESSAGING"
    ORDER_IN_FINAL_REVIEW = "ORDER_IN_FINAL_REVIEW"
    CAMPAIGN_MEMBER_NOT_ACCEPTED = "CAMPAIGN_MEMBER_NOT_ACCEPTED"
    UNANSWERED_LIMIT = "UNANSWERED_LIMIT"


class Action(StrEnum):
    """What the sender wants to do; both are judged by `first_violation`."""

    MESSAGE = "message"
    CALL_INVITE = "call_invite"


class MessagingBlocked(ParleyError):
    """A rule forbids this message; `code` is the rule, `next_step` what the user can do."""

    def __init__(self, rule: Rule, message: str, next_step: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.code = ErrorCode(rule.value)
        self.next_step = next_step


@dataclass(frozen=True, slots=True)
class SendAttempt:
    """Everything the rules look at, loaded once (and locked, inside a send)."""

    sender: Account
    counterpart: Account
    client: Account  # the client of the pair, whichever side is sending
    conversation: Conversation | None
    sender_side: Participant | None
    order: Order | None  # the order the message is about, if it names one
    membership: CampaignMember | None  # the creator's membership in the campaign asked about
    campaign_asked: bool
    # The pair's live orders (open, in progress, final review) and the job types of all its
    # orders: read only for a message about no order, and loaded only then.
    live_orders: tuple[Order, ...]
    job_types: frozenset[str]
    # Whether the creator is ACCEPTED in any of the client's campaigns. Loaded where a rule
    # reads it (no conversation yet, or a pair with only jobs without messaging), else False.
    accepted_membership: bool
    no_messaging_job_types: Collection[str]
    action: Action = Action.MESSAGE


def _blocked(rule: Rule, message: str, next_step: str = SUPPORT) -> MessagingBlocked:
    return MessagingBlocked(rule, message, next_step)


def first_violation(attempt: SendAttempt) -> MessagingBlocked | None:
    """The first rule that forbids this message (or call invite), or None when it may be sent."""
    sender = attempt.sender
    is_freelancer = sender.kind == AccountKind.FREELANCER
    freelancer = sender if is_freelancer else attempt.counterpart
    first_contact = attempt.conversation is None

    status = AccountStatus(sender.status)
    if status == AccountStatus.SUSPENDED:
        return _blocked(
            Rule.ACCOUNT_SUSPENDED,
            "Your account is suspended, so you cannot send messages.",
            "Contact support to review your account.",
        )
    if status == AccountStatus.REJECTED:
        return _blocked(
            Rule.ACCOUNT_REJECTED,
            "Your account was not approved, so messaging is unavailable.",
            "Contact support if you believe this is a mistake.",
        )
    if status == AccountStatus.NEEDS_IMPROVEMENT:
        return _blocked(
            Rule.ACCOUNT_NEEDS_IMPROVEMENT,
            "Messaging is paused until you make the requested profile changes.",
            "Update your profile as requested, or contact support.",
        )

    if not is_freelancer and not freelancer.discoverable:
        if attempt.action == Action.CALL_INVITE:
            return _blocked(
                Rule.FREELANCER_NOT_DISCOVERABLE,
                "This freelancer is not accepting calls or new job requests.",
                "Message them instead if you already work together. " + SUPPORT,
            )
        if first_contact and not attempt.accepted_membership:
            return _blocked(
                Rule.FREELANCER_NOT_DISCOVERABLE,
                "This freelancer is not accepting new inquiries.",
                "Find another freelancer in the marketplace, or invite them to one of your "
                "campaigns: once they accept, you can write. " + SUPPORT,
            )
    if is_freelancer and first_contact and not attempt.accepted_membership:
        return _blocked(
            Rule.NO_RELATIONSHIP,
            "You can message a client once they order from you, accept you into a "
            "campaign, or write to you first.",
        )

    orders = _judged_orders(attempt)
    if is_freelancer:
        conversation = attempt.conversation
        if conversation is not None and conversation.negative_review_at is not None:
            return _blocked(
                Rule.NEGATIVE_REVIEW,
                "You can no longer message this client after their negative review.",
            )
        if not attempt.client.messaging_enabled:
            return _blocked(
                Rule.MESSAGING_OFF_BY_CLIENT,
                "This client has turned messaging off.",
                "You can keep working on their orders. " + SUPPORT,
            )
        for order in orders:
            if not order.messaging_enabled:
                return _blocked(
                    Rule.ORDER_MESSAGING_OFF,
                    f"The client turned messaging off for the order “{order.title}”.",
                    "You can keep working on the order. " + SUPPORT,
                )

    refusal = _job_type_violation(attempt)
    if refusal is not None:
        return refusal
    for order in orders:
        if order.status == OrderStatus.FINAL_REVIEW:
            return _blocked(
                Rule.ORDER_IN_FINAL_REVIEW,
                f"Messaging is paused while the client does their final review of “{order.title}”.",
                "You can write again when the order goes back to in progress or ends. " + SUPPORT,
            )

    if attempt.campaign_asked and not _accepted(attempt.membership):
        return _blocked(
            Rule.CAMPAIGN_MEMBER_NOT_ACCEPTED,
            "Only creators who accepted the campaign can be messaged about it.",
            "Wait until the creator accepts the campaign invitation. " + SUPPORT,
        )

    side = attempt.sender_side
    if is_freelancer and side is not None and side.unanswered >= UNANSWERED_LIMIT:
        return _blocked(
            Rule.UNANSWERED_LIMIT,
            f"You have sent {UNANSWERED_LIMIT} messages in a row without a reply. You can "
            "write again when the client replies or places a new order.",
        )
    return None


def _judged_orders(attempt: SendAttempt) -> Iterable[Order]:
    """The order the message names, or, when it names none, every live order of the pair."""
    return (attempt.order,) if attempt.order is not None else attempt.live_orders


def _job_type_violation(attempt: SendAttempt) -> MessagingBlocked | None:
    without = attempt.no_messaging_job_types
    order = attempt.order
    if order is not None:
        if order.job_type not in without:
            return None
        return _blocked(
            Rule.JOB_TYPE_WITHOUT_MESSAGING,
            f"Messaging is not available for {order.job_type} jobs.",
        )
    conversation = attempt.conversation
    other_relationship = attempt.accepted_membership or (
        conversation is not None and conversation.last_message_id is not None
    )
    if not only_jobs_without_messaging(attempt.job_types, without) or other_relationship:
        return None
    kinds = ", ".join(sorted(attempt.job_types))
    return _blocked(
        Rule.JOB_TYPE_WITHOUT_MESSAGING,
        f"Messaging is not available between you: your only jobs together are {kinds} jobs.",
    )


def only_jobs_without_messaging(job_types: Collection[str], without: Collection[str]) -> bool:
    """Whether the pair has orders and every one is of a job type without messaging."""
    return bool(job_types) and all(kind in without for kind in job_types)


def _accepted(membership: CampaignMember | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.ACCEPTED
