"""Campaigns and their creator groups (brands working with creators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import campaigns as m
from schema.errors import InvalidInputError, NotFoundError

strawberry.enum(
    m.MembershipStatus,
    name="MembershipStatus",
    description="A creator's place in a campaign's group; only ACCEPTED creators can be messaged.",
)
MembershipStatus = m.MembershipStatus


@strawberry.type(description="A brand's campaign with a group of creators.")
class Campaign:
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    client_id: strawberry.ID = strawberry.field(description="The brand running it.")
    title: str = strawberry.field(description="The campaign's name.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_model(cls, row: m.Campaign) -> Campaign:
        return cls(
            id=strawberry.ID(str(row.id)),
            client_id=strawberry.ID(str(row.client_id)),
            title=row.title,
            created_at=row.created_at,
        )


@strawberry.type(description="A creator's membership in a campaign.")
class CampaignMember:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign.")
    freelancer_id: strawberry.ID = strawberry.field(description="The creator.")
    status: MembershipStatus = strawberry.field(description="Invited, accepted, declined, removed.")

    @classmethod
    def from_model(cls, row: m.CampaignMember) -> CampaignMember:
        return cls(
            campaign_id=strawberry.ID(str(row.campaign_id)),
            freelancer_id=strawberry.ID(str(row.freelancer_id)),
            status=m.MembershipStatus(row.status),
        )


@strawberry.input(description="A new campaign (service token).")
class CreateCampaignInput:
    client_id: strawberry.ID = strawberry.field(description="The brand running it.")
    title: str = strawberry.field(description="The campaign's name, 1 to 200 characters.")


CampaignResult = Annotated[
    Campaign | NotFoundError | InvalidInputError,
    strawberry.union("CampaignResult", description="The campaign, or why it was refused."),
]
CampaignMemberResult = Annotated[
    CampaignMember | NotFoundError,
    strawberry.union("CampaignMemberResult", description="The membership, or why it was refused."),
]
