"""Browser push subscriptions: where an account's devices receive Web Push messages.

A browser's `PushSubscription` (endpoint + p256dh and auth keys) is registered
by the account; registering the same endpoint again updates it (a browser
re-subscribes with new keys), and an endpoint the push service says is gone
is removed.
"""

from __future__ import annotations

import base64
import binascii

from tortoise import fields
from tortoise.models import Model

from models.clock import Clock
from models.errors import InvalidInput
from models.text import clean_text

ENDPOINT_MAX = 2000
KEY_MAX = 200


class PushSubscription(Model):
    id = fields.BigIntField(primary_key=True)
    account_id = fields.BigIntField()
    endpoint = fields.CharField(max_length=ENDPOINT_MAX, unique=True)
    p256dh = fields.CharField(max_length=KEY_MAX)
    auth = fields.CharField(max_length=KEY_MAX)
    created_at = fields.DatetimeField()

    class Meta:
        table = "push_subscriptions"
        indexes = (("account_id", "id"),)


def _key(value: str, field: str, size: int) -> str:
    value = clean_text(value, field, label=f"The {field} key", max_length=KEY_MAX)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput(field, f"{field} is not base64url.") from None
    if len(raw) != size:
        raise InvalidInput(field, f"{field} has the wrong length.")
    return value


async def register(
    clock: Clock, account_id: int, *, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Register (or re-key) the browser subscription at `endpoint` for the account."""
    endpoint = clean_text(endpoint, "endpoint", label="The endpoint", max_length=ENDPOINT_MAX)
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > ENDPOINT_MAX:
        raise InvalidInput("endpoint", "The endpoint must be an http(s) URL.")
    p256dh = _key(p256dh, "p256dh", 65)
    auth = _key(auth, "auth", 16)
    row, _ = await PushSubscription.update_or_create(
        defaults={
            "account_id": account_id,
            "p256dh": p256dh,
            "auth": auth,
            "created_at": clock.now(),
        },
        endpoint=endpoint,
    )
    return row


async def unregister(account_id: int, endpoint: str) -> bool:
    return await PushSubscription.filter(account_id=account_id, endpoint=endpoint).delete() > 0


async def devices(account_id: int) -> list[PushSubscription]:
    return await PushSubscription.filter(account_id=account_id).order_by("id")


async def forget(subscription_id: int) -> None:
    """The push service said the endpoint is gone (404/410)."""
    await PushSubscription.filter(id=subscription_id).delete()
