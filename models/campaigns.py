"""Campaigns: a brand (client) works with a group of creators (freelancers).

Only creators whose membership is ACCEPTED can be messaged about a campaign;
either side may then start the thread, and the first message opens it.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account, AccountKind
from models.clock import Clock
from models.errors import NotFound
from models.text import clean_text

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
