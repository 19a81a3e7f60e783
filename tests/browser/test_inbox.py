"""The /inbox page in chromium, a client and a freelancer side by side: a message arrives
live, the unread bubbles rise, reading clears them, and the sender sees the receipt."""

from __future__ import annotations

from pathlib import Path

from tests.browser.drivers import run_driver
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import make_pair


async def test_a_message_typed_by_a_client_reaches_the_freelancer_live_and_is_read(
    live_server: LiveServer, artifacts: Path
) -> None:
    pair = await make_pair(live_server, "Ines")
    seen = await run_driver(
        "inbox.mjs",
        artifacts,
        url=f"{live_server.base}/inbox",
        client=pair.client_token,
        freelancer=token(pair.freelancer),
        conversation=pair.conversation,
        first="Could you send the draft today?",
        second="Thanks, got it",
    )

    assert seen["before"]["row"] >= 1, "the pair's first message should be unread"
    assert seen["raised"] == {
        "menu": seen["before"]["menu"] + 1,
        "row": seen["before"]["row"] + 1,
    }
    assert seen["read"] == {"menu": seen["before"]["menu"] - seen["before"]["row"], "row": 0}
    assert "sent" in seen["sentReceipt"], seen["sentReceipt"]
    assert "ago" in seen["sentReceipt"], seen["sentReceipt"]
    assert "read" not in seen["sentReceipt"], "read before the freelancer opened it"
    assert "read" in seen["readReceipt"]
    assert seen["blocked"] == [], "the inbox reached outside Parley for these"
    assert seen["errors"] == [], "the page threw"
    assert seen["screenshots"] == [
        "01-client-signed-in.png",
        "02-freelancer-signed-in.png",
        "03-client-sent.png",
        "04-freelancer-unread.png",
        "05-freelancer-read.png",
        "06-client-sees-read.png",
        "07-freelancer-live.png",
    ]
