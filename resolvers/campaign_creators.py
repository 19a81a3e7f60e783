"""A campaign's creators as the caller sees them (the `Campaign.creators` field)."""

from __future__ import annotations

from parley.models import campaigns
from parley.schema.context import Info


async def campaign_creators(
    info: Info, campaign: campaigns.Campaign, status: campaigns.MembershipStatus | None
) -> list[campaigns.CampaignCreator]:
    return await campaigns.campaign_creators(info.context.account_id(), campaign, status)
