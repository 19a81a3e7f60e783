"""Call invites: the row, its statuses, the times derived from it, and reading them.

A client proposes 1–5 start times; the invited freelancer accepts exactly one
of them (and gets a conference line), or declines. The state machine itself
lives in `models.call_flow`:

    pending ──accept──▶ accepted ──report no-show──▶ no_show
       ├──decline──▶ declined        accepted ──cancel──▶ cancelled
       ├──cancel───▶ cancelled
       ├──a newer invite to the freelancer──▶ superseded
       └──all proposed times passed──▶ expired

A pending invite whose last proposed time has passed *is* expired, whether or
not the background sweep has recorded it yet: every read and rule uses
`effective_status`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from parley.models.errors import NotFound

MAX_TIMES = 5
MIN_GAP = timedelta(minutes=15)
DURATION_MIN = 15
DURATION_MAX = 180
TOPIC_MAX = 500
# How far ahead a call may be proposed or accepted (setting CALL_TIME_HORIZON_DAYS).
CALL_TIME_HORIZON = timedelta(days=365)
# The conference line opens this long before the scheduled start.
LINE_OPENS_BEFORE = timedelta(minutes=5)
# A no-show may be reported once this long after the scheduled start.
NO_SHOW_AFTER = timedelta(minutes=5)
# The line (and its PIN) stays reserved this long after the scheduled end, for overruns.
LINE_GRACE = timedelta(minutes=60)
CLIENTS_INVITE = "Only clients send call invites; freelancers pick one of the times offered."


class CallInviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    NO_SHOW = "no_show"


class CallInvite(Model):
    id = fields.BigIntField(primary_key=True)
    conversation_id = fields.BigIntField()
    client_id = fields.BigIntField()
    freelancer_id = fields.BigIntField()
    order_id = fields.BigIntField(null=True)
    topic = fields.TextField(default="")
    duration_minutes = fields.IntField()
    # UTC ISO 8601 instants, ascending.
    proposed_times: list[str] = fields.JSONField()
    last_proposed_at = fields.DatetimeField()
    status = fields.CharEnumField(CallInviteStatus, max_length=16, default=CallInviteStatus.PENDING)
    starts_at = fields.DatetimeField(null=True)
    dial_in_number = fields.CharField(max_length=64, null=True)
    pin = fields.CharField(max_length=16, null=True)
    # The PIN while the line is reserved; NULL otherwise. Unique: no two active calls share one.
    active_pin = fields.CharField(max_length=16, null=True, unique=True)
    line_closes_at = fields.DatetimeField(null=True)
    decline_message_id = fields.BigIntField(null=True)
    supersedes_id = fields.BigIntField(null=True)
    superseded_by_id = fields.BigIntField(null=True)
    support_request_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "call_invites"
        indexes = (
            ("freelancer_id", "status", "id"),
            ("client_id", "status", "id"),
            ("status", "last_proposed_at"),
        )

    def times(self) -> list[datetime]:
        return [datetime.fromisoformat(value) for value in self.proposed_times]

    def effective_status(self, now: datetime) -> CallInviteStatus:
        status = CallInviteStatus(self.status)
        if status == CallInviteStatus.PENDING and self.last_proposed_at <= now:
            return CallInviteStatus.EXPIRED
        return status

    @property
    def ends_at(self) -> datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def line_opens_at(self) -> datetime | None:
        return None if self.starts_at is None else self.starts_at - LINE_OPENS_BEFORE

    @property
    def no_show_reportable_from(self) -> datetime | None:
        return None if self.starts_at is None else self.starts_at + NO_SHOW_AFTER

    def party(self, account_id: int) -> bool:
        return account_id in (self.client_id, self.freelancer_id)


async def get_call_invite_for(viewer_id: int, invite_id: int) -> CallInvite:
    """An invite the viewer sent or received; NotFound otherwise."""
    invite = await CallInvite.get_or_none(id=invite_id)
    if invite is None or not invite.party(viewer_id):
        raise NotFound("The call invite")
    return invite


async def call_invites_for(
    viewer_id: int, status: CallInviteStatus | None, now: datetime, limit: int
) -> list[CallInvite]:
    """The viewer's invites, sent or received, newest first, by effective status."""
    query = CallInvite.filter(Q(client_id=viewer_id) | Q(freelancer_id=viewer_id))
    if status == CallInviteStatus.PENDING:
        query = query.filter(status=CallInviteStatus.PENDING, last_proposed_at__gt=now)
    elif status == CallInviteStatus.EXPIRED:
        query = query.filter(
            Q(status=CallInviteStatus.EXPIRED)
            | Q(status=CallInviteStatus.PENDING, last_proposed_at__lte=now)
        )
    elif status is not None:
        query = query.filter(status=status)
    return await query.order_by("-id").limit(limit)
