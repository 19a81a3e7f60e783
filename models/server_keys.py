"""Secrets every server process must share, kept in the database (e.g. the VAPID key pair).

The first process to start creates a key; the others, starting at the same
moment, lose the insert race on the primary key and read the winner's.
"""

from __future__ import annotations

from collections.abc import Callable

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from parley.models.store.clock import Clock


class ServerKey(Model):
    name = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "server_keys"


async def shared_key(clock: Clock, name: str, make: Callable[[], str]) -> str:
    """The key called `name`, created with `make()` if no process has stored one yet."""
    existing = await ServerKey.get_or_none(name=name)
    if existing is not None:
        return existing.value
    try:
        async with in_transaction():
            created = await ServerKey.create(name=name, value=make(), created_at=clock.now())
        return created.value
    except IntegrityError:  # another process stored it first: everyone uses that one
        return (await ServerKey.get(name=name)).value
