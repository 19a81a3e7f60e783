"""Campaigns: a brand (client) works with a group of creators (freelancers).

Only creators whose membership is ACCEPTED can be messaged about a campaign;
either side may then start the thread, and the first message opens it.

A campaign is seen by its brand and by the creators in its group (any status);
the brand sees every creator, a creator only its own membership. Its
conversations are the brand's with its creators (one per pair, as everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tortoise import fields
from tortoise.expressions import Q, Subquery
from tortoise.models import Model

from parley.models.accounts import Account, AccountKind
from parley.models.conversations import Participant
from parley.models.errors import NotFound
from parley.models.store.clock import Clock
from parley.models.text import clean_text

TITLE_MAX = 200


class MembershipStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REMOVED = "removed"


class Campaign(Model):
    id = fields.BigIntField(primary_key=True)
    client_id = fields.BigIntField()
    title = fields.CharField(max_length=TITLE_MAX)
    created_at = fields.DatetimeField()

    class Meta:
        table = "campaigns"


class CampaignMember(Model):
    id = fields.BigIntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="members", on_delete=fields.CASCADE
    )
    campaign_id: int
    freelancer_id = fields.BigIntField()
    status = fields.CharEnumField(MembershipStatus, max_length=16)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "campaign_members"
        unique_together = (("campaign", "freelancer_id"),)


async def create_campaign(clock: Clock, client_id: int, title: str) -> Campaign:
    client = await Account.get_or_none(id=client_id)
    if client is None or client.kind != AccountKind.CLIENT:
        raise NotFound("The client")
    cleaned = clean_text(title, "title", label="A campaign title", max_length=TITLE_MAX)
    return await Campaign.create(client_id=client_id, title=cleaned, created_at=clock.now())


async def set_membership(
    clock: Clock, campaign_id: int, freelancer_id: int, status: MembershipStatus
) -> CampaignMember:
    """Put a creator in a campaign's group with `status` (the marketplace's call)."""
    if not await Campaign.exists(id=campaign_id):
        raise NotFound("The campaign")
    freelancer = await Account.get_or_none(id=freelancer_id)
    if freelancer is None or freelancer.kind != AccountKind.FREELANCER:
        raise NotFound("The creator")
    member, created = await CampaignMember.get_or_create(
        campaign_id=campaign_id,
        freelancer_id=freelancer_id,
        defaults={"status": status, "updated_at": clock.now()},
    )
    if not created:
        member.status = status
        member.updated_at = clock.now()
        await member.save(update_fields=["status", "updated_at"])
    return member


async def has_accepted_membership(client_id: int, freelancer_id: int) -> bool:
    """Whether the creator is ACCEPTED in any of the brand's campaigns."""
    campaign_ids = await Campaign.filter(client_id=client_id).values_list("id", flat=True)
    return await CampaignMember.exists(
        campaign_id__in=list(campaign_ids),
        freelancer_id=freelancer_id,
        status=MembershipStatus.ACCEPTED,
    )


async def get_campaign_for(viewer_id: int, campaign_id: int) -> Campaign:
    """A campaign the viewer runs or is in the group of; NotFound otherwise."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or not (
        campaign.client_id == viewer_id
        or await CampaignMember.exists(campaign_id=campaign_id, freelancer_id=viewer_id)
    ):
        raise NotFound("The campaign")
    return campaign


async def get_account_for(viewer_id: int, account_id: int) -> Account:
    """An account the viewer may see; NotFound otherwise.

    The viewer sees itself, every counterpart of its conversations, and the other side of
    a campaign membership (any status): a brand its creators, a creator its brands. These
    are the accounts the API shows it (a conversation's counterpart, a campaign's creators).
    """
    account = await Account.get_or_none(id=account_id)
    if account is None or not (
        account_id == viewer_id
        or await Participant.exists(account_id=viewer_id, counterpart_id=account_id)
        or await CampaignMember.exists(
            Q(campaign__client_id=viewer_id, freelancer_id=account_id)
            | Q(campaign__client_id=account_id, freelancer_id=viewer_id)
        )
    ):
        raise NotFound("The account")
    return account


@dataclass(frozen=True, slots=True)
class CampaignCreator:
    """A creator's membership, and the viewer's side of the brand–creator conversation."""

    member: CampaignMember
    conversation: Participant | None


async def campaign_creators(
    viewer_id: int, campaign: Campaign, status: MembershipStatus | None = None
) -> list[CampaignCreator]:
    """The campaign's creators (in the order they joined) as the viewer sees them: every one
    for the brand, its own membership for a creator; each with their conversation, if any."""
    brand = campaign.client_id
    members = CampaignMember.filter(campaign_id=campaign.id)
    if viewer_id != brand:
        members = members.filter(freelancer_id=viewer_id)
    if status is not None:
        members = members.filter(status=status)
    rows = await members.order_by("id")
    counterparts = {row.freelancer_id for row in rows} if viewer_id == brand else {brand}
    sides = await Participant.filter(
        account_id=viewer_id, counterpart_id__in=counterparts
    ).select_related("conversation")
    by_counterpart = {side.counterpart_id: side for side in sides}
    return [
        CampaignCreator(row, by_counterpart.get(row.freelancer_id if viewer_id == brand else brand))
        for row in rows
    ]


async def campaign_scope(viewer_id: int, campaign_id: int) -> Q:
    """Which of the viewer's conversations belong to the campaign: the brand's with its
    creators (for a creator, its own with the brand). NotFound for a foreign campaign."""
    campaign = await get_campaign_for(viewer_id, campaign_id)
    members = CampaignMember.filter(campaign_id=campaign.id).values("freelancer_id")
    return Q(conversation__client_id=campaign.client_id) & Q(
        conversation__freelancer_id__in=Subquery(members)
    )
