"""Global ids: every tag round-trips, and only the canonical encoding of a known tag decodes."""

from __future__ import annotations

import base64

import pytest

from parley.models.global_ids import MAX_ROW_ID, Tag, decode, encode


def b64(text: str) -> str:
    """`text` in unpadded base64url, as a global id is written."""
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


@pytest.mark.parametrize("tag", list(Tag))
@pytest.mark.parametrize("row_id", [1, 42, 10**12, MAX_ROW_ID])
def test_every_tag_round_trips(tag: Tag, row_id: int) -> None:
    value = encode(tag, row_id)
    assert decode(value) == (tag, row_id)
    assert value.isascii()
    assert "=" not in value


def test_ids_are_opaque_and_tagged_apart() -> None:
    assert encode(Tag.ORDER, 7) != encode(Tag.CONVERSATION, 7)
    assert "7" not in encode(Tag.ORDER, 7)


@pytest.mark.parametrize("character", ["+", "/", "-", "_"])
@pytest.mark.parametrize("tag", list(Tag))
def test_either_alphabets_extra_characters_are_refused(tag: Tag, character: str) -> None:
    # An id's text is letters, ':' and digits, so its base64 never holds the characters in which the
    # standard alphabet ('+/') and the URL-safe one ('-_') differ: an id with one is forged.
    value = encode(tag, 123_456)
    for at in range(len(value)):
        assert decode(value[:at] + character + value[at + 1 :]) is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(encode(Tag.ORDER, 1) + "==", id="padding"),
        pytest.param(b64("Order:1") + "=", id="partial padding"),
        pytest.param(b64("Order:01"), id="leading zero"),
        pytest.param(b64("Order:-1"), id="negative"),
        pytest.param(b64("Order:+1"), id="plus sign"),
        pytest.param(b64("Order:0"), id="zero"),
        pytest.param(b64(f"Order:{MAX_ROW_ID + 1}"), id="beyond 2**63-1"),
        pytest.param(b64("Order: 1"), id="space"),
        pytest.param(b64("Order:1.0"), id="decimal"),
        pytest.param(b64("Order:"), id="no row id"),
        pytest.param(b64("Order"), id="no separator"),
        pytest.param(b64("Order:1:2"), id="two separators"),
        pytest.param(b64("Nope:1"), id="unknown tag"),
        pytest.param(b64("order:1"), id="tag in the wrong case"),
        pytest.param(b64("ORDER:1"), id="the enum's name, not its value"),
        pytest.param(b64("Order:١"), id="non-ASCII digit"),
        pytest.param("Órder", id="non-ASCII text"),
        pytest.param(encode(Tag.ORDER, 1) + "\n", id="trailing newline"),
        pytest.param(" " + encode(Tag.ORDER, 1), id="leading space"),
        pytest.param("", id="empty"),
        pytest.param("1", id="raw row id"),
        pytest.param("42", id="raw row id, two digits"),
        pytest.param("!!!!", id="not base64"),
        pytest.param("A" * 129, id="over-long"),
        pytest.param(b64("Order:" + "1" * 200), id="over-long row id"),
    ],
)
def test_anything_but_the_canonical_form_is_refused(value: str) -> None:
    assert decode(value) is None


@pytest.mark.parametrize("value", [None, 1, 1.5, b"T3JkZXI6MQ", ["T3JkZXI6MQ"]])
def test_non_strings_are_refused(value: object) -> None:
    assert decode(value) is None
