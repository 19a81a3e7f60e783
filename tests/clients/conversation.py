"""The pair the client tests drive: a conversation with unread messages, made through the API."""

from __future__ import annotations

from dataclasses import dataclass

from parley.models.accounts import Account
from tests.live_server import LiveServer
from tests.tokens import token
from tests.wire.pairs import SEND, Pair, graphql


@dataclass(frozen=True)
class Conversation:
    """A pair whose client wrote four messages the freelancer has not read. The API's ids
    are `pair`'s; tokens name the accounts' own (database) ids."""

    pair: Pair
    name: str
    client: Account
    freelancer: Account

    @property
    def freelancer_token(self) -> str:
        return token(self.freelancer.id)

    async def client_sends(self, server: LiveServer, body: str) -> None:
        send = {"input": {"conversationId": self.pair.conversation, "body": body}}
        result = await graphql(server, SEND, send, token(self.client.id))
        assert result["data"]["sendMessage"]["__typename"] == "Message", result
