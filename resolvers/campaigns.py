"""Campaigns: the marketplace's service token creates them; their brand and creators read them."""

from __future__ import annotations

import strawberry

from parley.models import campaigns
from parley.models.errors import ParleyError
from parley.models.global_ids import Tag
from parley.resolvers.inputs import parse_id
from parley.schema.campaigns import (
    Campaign,
    CampaignMember,
    CreateCampaignInput,
    CreateCampaignResult,
    MembershipStatus,
    SetCampaignMembershipResult,
)
from parley.schema.context import Info
from parley.schema.errors import InvalidInputError, NotFoundError, error_result


async def campaign(info: Info, id: strawberry.ID) -> Campaign | None:
    viewer = info.context.account_id()
    try:
        row = await campaigns.get_campaign_for(viewer, parse_id(id, Tag.CAMPAIGN, "The campaign"))
    except ParleyError:
        return None
    return Campaign.from_model(row)


async def create_campaign(info: Info, input: CreateCampaignInput) -> CreateCampaignResult:
    info.context.require_service()
    try:
        row = await campaigns.create_campaign(
            info.context.services.clock,
            parse_id(input.client_id, Tag.ACCOUNT, "The client"),
            input.title,
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError, InvalidInputError)
    return Campaign.from_model(row)


async def set_campaign_membership(
    info: Info, campaign_id: strawberry.ID, freelancer_id: strawberry.ID, status: MembershipStatus
) -> SetCampaignMembershipResult:
    info.context.require_service()
    try:
        row = await campaigns.set_membership(
            info.context.services.clock,
            parse_id(campaign_id, Tag.CAMPAIGN, "The campaign"),
            parse_id(freelancer_id, Tag.ACCOUNT, "The creator"),
            campaigns.MembershipStatus(status),
        )
    except ParleyError as exc:
        return error_result(exc, NotFoundError)
    return CampaignMember.from_model(row)
