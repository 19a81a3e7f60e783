"""A campaign's creators as the caller sees them (the `Campaign.creators` field)."""

from __future__ import annotations

from parley.models import campaigns as m
from parley.schema.context import Info


async def campaign_creators(
    info: Info, campaign: m.Campaign, status: m.MembershipStatus | None
) -> list[m.CampaignCreator]:
    return await m.campaign_creators(info.context.account_id(), campaign, status)
