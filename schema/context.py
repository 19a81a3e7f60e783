"""The typed context every resolver receives: the caller, per-operation loaders, the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from parley.resolvers.loaders import Loaders
from parley.web.auth import Caller
from parley.web.services import Services


@dataclass
class Context:
    services: Services
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    caller: Caller | None = None
    auth_error: str | None = None
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict[str, Any] | None = None

    def fresh_loaders(self) -> None:
        """A WebSocket context lives as long as the connection: reset per event."""
        self.loaders = Loaders()

    def account_id(self) -> int:
        """The calling account's id, or a top-level UNAUTHENTICATED error."""
        if self.caller is None or self.caller.account_id is None:
            raise GraphQLError(
                self.auth_error or "Sign in: send 'Authorization: Bearer <token>'.",
                extensions={"code": "UNAUTHENTICATED"},
            )
        return self.caller.account_id

    def require_service(self) -> None:
        if self.caller is None or not self.caller.is_service:
            if self.caller is None:
                self.account_id()
            raise GraphQLError(
                "Only the marketplace's service token may do this.",
                extensions={"code": "FORBIDDEN"},
            )


Info = strawberry.Info[Context, None]
