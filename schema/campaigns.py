"""Campaigns and their creator groups (brands working with creators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from parley.models import campaigns
from parley.models.global_ids import Tag
from parley.resolvers.campaign_creators import campaign_creators
from parley.schema.accounts import Account
from parley.schema.context import Info
from parley.schema.conversations import Conversation
from parley.schema.enums import domain_enum
from parley.schema.errors import InvalidInputError, NotFoundError
from parley.schema.node import Node, global_id

domain_enum(
    campaigns.MembershipStatus,
    name="MembershipStatus",
    description="A creator's place in a campaign's group; only ACCEPTED creators can be messaged.",
    values={
        "INVITED": "The brand invited the creator; they have not answered yet.",
        "ACCEPTED": "The creator joined: either side may write about the campaign.",
        "DECLINED": "The creator declined the invitation.",
        "REMOVED": "The brand removed the creator from the group.",
    },
)
MembershipStatus = campaigns.MembershipStatus


@strawberry.type(
    description="A creator in a campaign's group: their status, and the caller's conversation "
    "with them."
)
class CampaignCreator:
    _creator_id: strawberry.Private[int]
    status: MembershipStatus = strawberry.field(
        description="Invited, accepted, declined or removed; only ACCEPTED creators can be "
        "messaged about the campaign."
    )
    status_changed_at: datetime = strawberry.field(description="When the status last changed.")
    conversation: Conversation | None = strawberry.field(
        description="The conversation between the brand and this creator (unread state "
        "included); null until either side writes or an order opens it."
    )

    @strawberry.field(description="The creator.")
    async def creator(self, info: Info) -> Account:
        row = await info.context.loaders.account_by_id.load(self._creator_id)
        assert row is not None
        return Account.from_model(row)

    @classmethod
    def from_model(cls, row: campaigns.CampaignCreator) -> CampaignCreator:
        side = row.conversation
        return cls(
            _creator_id=row.member.freelancer_id,
            status=campaigns.MembershipStatus(row.member.status),
            status_changed_at=row.member.updated_at,
            conversation=None if side is None else Conversation.from_model(side),
        )


@strawberry.type(description="A brand's campaign with a group of creators.")
class Campaign(Node):
    _row: strawberry.Private[campaigns.Campaign]
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    client_id: strawberry.ID = strawberry.field(description="The brand running it.")
    title: str = strawberry.field(description="The campaign's name.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @strawberry.field(
        description="The campaign's creator group, in the order they joined: every creator "
        "for the brand, only the caller's own membership for a creator."
    )
    async def creators(
        self,
        info: Info,
        status: Annotated[
            MembershipStatus | None,
            strawberry.argument(description="Only creators with this status."),
        ] = None,
    ) -> list[CampaignCreator]:
        rows = await campaign_creators(info, self._row, status)
        return [CampaignCreator.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, row: campaigns.Campaign) -> Campaign:
        return cls(
            _row=row,
            id=global_id(Tag.CAMPAIGN, row.id),
            client_id=global_id(Tag.ACCOUNT, row.client_id),
            title=row.title,
            created_at=row.created_at,
        )


@strawberry.type(description="A creator's membership in a campaign.")
class CampaignMember:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign.")
    freelancer_id: strawberry.ID = strawberry.field(description="The creator.")
    status: MembershipStatus = strawberry.field(description="Invited, accepted, declined, removed.")

    @classmethod
    def from_model(cls, row: campaigns.CampaignMember) -> CampaignMember:
        return cls(
            campaign_id=global_id(Tag.CAMPAIGN, row.campaign_id),
            freelancer_id=global_id(Tag.ACCOUNT, row.freelancer_id),
            status=campaigns.MembershipStatus(row.status),
        )


@strawberry.input(description="A new campaign (service token).")
class CreateCampaignInput:
    client_id: strawberry.ID = strawberry.field(description="The brand running it.")
    title: str = strawberry.field(description="The campaign's name, 1 to 200 characters.")


CreateCampaignResult = Annotated[
    Campaign | NotFoundError | InvalidInputError,
    strawberry.union("CreateCampaignResult", description="The campaign, or why it was refused."),
]
SetCampaignMembershipResult = Annotated[
    CampaignMember | NotFoundError,
    strawberry.union(
        "SetCampaignMembershipResult", description="The membership, or why it was refused."
    ),
]
