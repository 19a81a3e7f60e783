"""Global ids: every object's public id, opaque and type-tagged, as the API and deep links show it.

A global id is the unpadded base64url of ``"<Tag>:<row id>"``, e.g. ``Q29udmVyc2F0aW9uOjQy``
for conversation 42. Clients treat it as an opaque string; Parley decodes it in one place
(`decode`) and refuses anything that is not the canonical encoding of a known tag and a
positive row id, so one object has exactly one id.

Tags name id spaces, not GraphQL types: a Client and a Freelancer are both `ACCOUNT`, and
the four kinds of feed item (Message, OrderEvent, CallInviteEvent, SupportRequestEvent)
share `FEED_ITEM`, because each pair of types is one table. `node(id:)` picks the type from
the row.
"""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

MAX_ROW_ID = 2**63 - 1


class Tag(StrEnum):
    """The id spaces an API id can name."""

    ACCOUNT = "Account"
    CALL_INVITE = "CallInvite"
    CAMPAIGN = "Campaign"
    CONVERSATION = "Conversation"
    FEED_ITEM = "FeedItem"
    GUARANTEE_REQUEST = "GuaranteeRequest"
    NOTIFICATION = "Notification"
    ORDER = "Order"
    ORDER_TERMS = "OrderTerms"
    PUSH_DEVICE = "PushDevice"
    SUPPORT_REQUEST = "SupportRequest"


def encode(tag: Tag, row_id: int) -> str:
    """The global id of row `row_id` in `tag`'s id space."""
    return base64.urlsafe_b64encode(f"{tag.value}:{row_id}".encode()).rstrip(b"=").decode("ascii")


def decode(value: object) -> tuple[Tag, int] | None:
    """The (tag, row id) a global id names, or None for anything that is not one.

    Only the canonical form decodes: padding, other alphabets, leading zeros, signs and
    unknown tags are all None, so each object has exactly one id.
    """
    if not isinstance(value, str) or not 0 < len(value) <= 128 or not value.isascii():
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, _, digits = text.partition(":")
    try:
        tag = Tag(name)
    except ValueError:
        return None
    if not digits.isdigit() or not digits.isascii() or digits.startswith("0"):
        return None
    row_id = int(digits)
    if row_id > MAX_ROW_ID or encode(tag, row_id) != value:
        return None
    return tag, row_id
