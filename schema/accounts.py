"""Accounts as the API shows them: Client and Freelancer, both an Account."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from parley.models import accounts
from parley.models.global_ids import Tag
from parley.schema.enums import domain_enum
from parley.schema.errors import InvalidInputError, NotFoundError
from parley.schema.node import Node, global_id

domain_enum(
    accounts.AccountStatus,
    name="AccountStatus",
    description="An account's standing; anything but ACTIVE limits what it may do.",
    values={
        "ACTIVE": "In good standing: the messaging rules alone decide what it may send.",
        "SUSPENDED": "Suspended by the marketplace: it may not send messages or call invites.",
        "REJECTED": "Rejected by the marketplace: it may not send messages or call invites.",
        "NEEDS_IMPROVEMENT": "The marketplace asked for changes to the profile first: it may "
        "not send messages or call invites until then.",
    },
)
domain_enum(
    accounts.AccountKind,
    name="AccountKind",
    description="Which side of the marketplace an account is on.",
    values={
        "CLIENT": "A customer, brand or buyer who orders work.",
        "FREELANCER": "A writer, creator or seller who works on clients' orders.",
    },
)

AccountStatus = accounts.AccountStatus
AccountKind = accounts.AccountKind


@strawberry.interface(description="A party to conversations: a client or a freelancer.")
class Account(Node):
    id: strawberry.ID = strawberry.field(
        description="Parley's id of the account (the token's sub)."
    )
    name: str = strawberry.field(description="Display name.")
    time_zone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")
    account_status: AccountStatus = strawberry.field(description="The account's standing.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @staticmethod
    def from_model(row: accounts.Account) -> Client | Freelancer:
        id_ = global_id(Tag.ACCOUNT, row.id)
        status = accounts.AccountStatus(row.status)
        if row.kind == accounts.AccountKind.CLIENT:
            return Client(
                id=id_,
                name=row.name,
                time_zone=row.time_zone,
                account_status=status,
                created_at=row.created_at,
                messaging_enabled=row.messaging_enabled,
            )
        return Freelancer(
            id=id_,
            name=row.name,
            time_zone=row.time_zone,
            account_status=status,
            created_at=row.created_at,
            discoverable=row.discoverable,
        )


@strawberry.type(description="A customer, brand or buyer who orders work from freelancers.")
class Client(Account):
    messaging_enabled: bool = strawberry.field(
        description="False when the client turned messaging from freelancers off, account-wide."
    )


@strawberry.type(description="A writer, creator or seller who works on clients' orders.")
class Freelancer(Account):
    discoverable: bool = strawberry.field(
        description="Whether clients may find this freelancer in the marketplace and write first."
    )


@strawberry.input(description="A new account, created by the marketplace's service token.")
class CreateAccountInput:
    kind: AccountKind = strawberry.field(description="CLIENT or FREELANCER.")
    name: str = strawberry.field(description="Display name, 1 to 200 characters.")
    time_zone: str = strawberry.field(default="UTC", description="IANA time zone name.")
    status: AccountStatus = strawberry.field(
        default=accounts.AccountStatus.ACTIVE, description="Initial standing."
    )
    discoverable: bool = strawberry.field(
        default=True, description="Freelancers: may clients find them in the marketplace."
    )


@strawberry.input(description="Changes to an account; omitted fields stay as they are.")
class UpdateAccountInput:
    name: str | None = strawberry.field(default=None, description="New display name.")
    time_zone: str | None = strawberry.field(default=None, description="New IANA time zone.")
    status: AccountStatus | None = strawberry.field(default=None, description="New standing.")
    discoverable: bool | None = strawberry.field(
        default=None, description="Freelancers: may clients find them in the marketplace."
    )


CreateAccountResult = Annotated[
    Client | Freelancer | InvalidInputError,
    strawberry.union("CreateAccountResult", description="The new account, or what was wrong."),
]

UpdateAccountResult = Annotated[
    Client | Freelancer | NotFoundError | InvalidInputError,
    strawberry.union(
        "UpdateAccountResult", description="The account, or why the change was refused."
    ),
]
