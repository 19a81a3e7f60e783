"""Cursors: one encoding for every list and event stream, decoded in one place.

A cursor is the unpadded url-safe base64 of a JSON array `[version, kind, *fields]`.
JSON quotes and delimits every field, so no value (an ISO timestamp with its
colons, say) can be mistaken for a separator. `kind` names the list the cursor
came from; a list scoped to one conversation puts the conversation id first
among its fields. Decoding checks the version, the kind, the scope and each
field's type and range (integers within PostgreSQL's BIGINT, timestamps valid
and aware), so a cursor that is malformed, out of range or from another list is
refused alike: `InvalidInput` naming the argument.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from parley.models.errors import InvalidInput

VERSION = 1
# Longer than any cursor Parley gives out, short enough that decoding stays cheap.
MAX_LENGTH = 200
BIGINT_MAX = 2**63 - 1

EVENTS = "ev"  # an account's event log: every subscription's `after`
FEED = "feed"  # one conversation's feed
CONVERSATIONS = "conv"  # the caller's client list
# Lists ordered by row id alone:
SUPPORT_REQUESTS = "support"  # the caller's support requests
GUARANTEE_REQUESTS = "guarantee"  # open guarantee requests (the marketplace's)


def encode_cursor(kind: str, *fields: int | bool | datetime) -> str:
    values: list[object] = [VERSION, kind]
    for field in fields:
        values.append(field.astimezone(UTC).isoformat() if isinstance(field, datetime) else field)
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def event_cursor(seq: int) -> str:
    return encode_cursor(EVENTS, seq)


def decode_event_cursor(value: str | None, argument: str = "after") -> int | None:
    """A position in the caller's event log (0: from the start), or None for no cursor."""
    if value is None:
        return None
    (seq,) = _fields(value, EVENTS, 1, argument)
    return _int(seq, argument)


def feed_cursor(conversation_id: int, item_id: int) -> str:
    return encode_cursor(FEED, conversation_id, item_id)


def decode_feed_cursor(value: str | None, conversation_id: int, argument: str) -> int | None:
    """The feed item a cursor of this conversation's feed points at, or None for no cursor."""
    if value is None:
        return None
    scope, item_id = _fields(value, FEED, 2, argument)
    if _int(scope, argument) != conversation_id:
        raise _refused(argument)
    return _int(item_id, argument)


def conversation_cursor(has_unread: bool, last_activity_at: datetime, participant_id: int) -> str:
    return encode_cursor(CONVERSATIONS, has_unread, last_activity_at, participant_id)


def decode_conversation_cursor(value: str, argument: str) -> tuple[bool, datetime, int]:
    """(has_unread, last_activity_at, participant id): a position in the client list."""
    unread, when, participant = _fields(value, CONVERSATIONS, 3, argument)
    return _bool(unread, argument), _time(when, argument), _int(participant, argument)


def id_cursor(kind: str, row_id: int) -> str:
    return encode_cursor(kind, row_id)


def decode_id_cursor(value: str | None, kind: str, argument: str) -> int | None:
    """The row a cursor of a list ordered by id (`kind`) points at, or None for no cursor."""
    if value is None:
        return None
    (row_id,) = _fields(value, kind, 1, argument)
    return _int(row_id, argument)


def _fields(value: str, kind: str, count: int, argument: str) -> list[object]:
    """The fields of a well-formed cursor of this version and kind (not yet typed)."""
    if len(value) > MAX_LENGTH:
        raise _refused(argument)
    try:
        padded = value + "=" * (-len(value) % 4)
        raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        values = json.loads(raw)
    except (binascii.Error, UnicodeError, ValueError):
        raise _refused(argument) from None
    if (
        not isinstance(values, list)
        or len(values) != 2 + count
        or type(values[0]) is not int
        or values[0] != VERSION
        or values[1] != kind
    ):
        raise _refused(argument)
    return values[2:]


def _int(raw: object, argument: str) -> int:
    if type(raw) is not int or not 0 <= raw <= BIGINT_MAX:
        raise _refused(argument)
    return raw


def _bool(raw: object, argument: str) -> bool:
    if type(raw) is not bool:
        raise _refused(argument)
    return raw


def _time(raw: object, argument: str) -> datetime:
    if not isinstance(raw, str):
        raise _refused(argument)
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise _refused(argument)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _refused(argument) from None


def _refused(argument: str) -> InvalidInput:
    return InvalidInput(argument, f"'{argument}' is not a cursor this list gave out.")
