"""GraphQL over HTTP as the specification writes it, on top of strawberry's ASGI view.

- The response media type follows `Accept`: `application/graphql-response+json` when
  the client asks for it (a request error, i.e. a parse, validation or variable
  coercion failure, is then a 400 without a `data` entry), `application/json`
  otherwise (older clients: 200, also without `data` on request errors).
- Mutations over GET are 405 with `Allow: POST`; a POST body must be
  `application/json` (415 otherwise), valid UTF-8 JSON holding one object (400
  otherwise: no batching), and no larger than the body limit (413).
- HTTP-level errors answer in the same media type as results: `{"errors": [...]}`.
- A persisted document the request names (`web.documents`) is resolved before
  strawberry executes; a refusal is a request error (200 for application/json,
  as Apollo's persisted-query link expects of PersistedQueryNotFound; 400 for
  application/graphql-response+json), never cached (`Cache-Control: no-cache`).

Only strawberry's documented hooks and the extension points of
`compat.strawberry.StrawberryView` (which overrides the undocumented ones) are used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from parley.compat.strawberry import StrawberryView
from parley.schema.context import Context
from parley.web.documents import GRAPHIQL_HEADER, DocumentRefused, PersistedDocuments

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


class HTTPError(Exception):
    """An HTTP-level refusal: a status, a message for the client, and extra headers."""

    def __init__(
        self, status_code: int, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})


def negotiate(accept: str | None) -> str:
    """The response media type for an `Accept` header (application/json when in doubt)."""
    best: tuple[float, int, str] | None = None
    for index, part in enumerate((accept or "").split(",")):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0 or media not in (GRAPHQL_RESPONSE_JSON, JSON, "application/*", "*/*"):
            continue
        candidate = (quality, -index, media)
        if best is None or candidate > best:
            best = candidate
    return GRAPHQL_RESPONSE_JSON if best is not None and best[2] == GRAPHQL_RESPONSE_JSON else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never started: parse, validation or variable coercion failed."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or [])
    )


class GraphQLOverHTTP(StrawberryView[Context]):
    """Strawberry's ASGI view, made to follow the GraphQL over HTTP specification."""

    max_body_bytes: int = 1_000_000
    # Persisted queries and trusted documents; None: only `query` is read.
    persisted_documents: PersistedDocuments | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=self._limited(receive))
        media = negotiate(request.headers.get("accept"))
        try:
            self._check_declared_length(request)
            response = await self.respond(request)
        except HTTPError as exc:
            response = self.error_response(exc.status_code, exc.message, media, exc.headers)
        except HTTPException as exc:
            response = self.error_response(exc.status_code, exc.reason, media)
        except DocumentRefused as exc:
            self.on_document_refused(request, exc)
            response = self.refusal_response(exc, media)
        await response(scope, receive, send)

    def on_document_refused(self, request: Request, refused: DocumentRefused) -> None:
        """Called when the persisted document a request names is refused (web.documents)."""

    def refusal_response(self, refused: DocumentRefused, media: str) -> Response:
        body = self.encode_json({"errors": [refused.error.formatted]})
        status = 400 if media == GRAPHQL_RESPONSE_JSON else 200
        headers = {"Cache-Control": "private, no-cache, must-revalidate"}
        return Response(body, status_code=status, media_type=media, headers=headers)

    def error_response(
        self,
        status_code: int,
        message: str,
        media: str,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = self.encode_json({"errors": [{"message": message}]})
        return Response(body, status_code=status_code, media_type=media, headers=headers)

    def _check_declared_length(self, request: Request) -> None:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            raise HTTPError(413, f"The request body is larger than {self.max_body_bytes} bytes.")

    def _limited(self, receive: Receive) -> Receive:
        """`receive`, refusing a body (chunked or not) past the limit as it arrives."""
        received = 0
        limit = self.max_body_bytes

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPError(413, f"The request body is larger than {limit} bytes.")
            return message

        return limited

    def decode_json(self, data: str | bytes) -> object:
        """JSON from UTF-8 only; undecodable or absurdly nested input is malformed JSON."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            return json.loads(text)
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError("The body is not valid UTF-8", "", exc.start) from exc
        except RecursionError as exc:
            raise json.JSONDecodeError("The JSON is nested too deeply", "", 0) from exc

    def check_content_type(self, content_type: str) -> None:
        if content_type != JSON:
            raise HTTPError(415, "Send the request as application/json.", {"Accept": JSON})

    def check_json_body(self, data: object) -> None:
        if isinstance(data, list):
            raise HTTPException(400, "Batching is not supported: send one operation.")
        if not isinstance(data, dict):
            raise HTTPException(400, "The request body must be a JSON object.")

    async def resolve_document(
        self,
        request_data: GraphQLRequestData,
        params: Mapping[str, object],
        headers: Mapping[str, str],
    ) -> None:
        if self.persisted_documents is None:
            return
        request_data.query = await self.persisted_documents.resolve(
            request_data.query,
            request_data.extensions,
            params.get("documentId", params.get("doc_id")),
            graphiql=GRAPHIQL_HEADER in headers,
        )

    def names_document(self, params: Mapping[str, object]) -> bool:
        return any(name in params for name in ("extensions", "documentId", "doc_id"))

    def on_operation_refused(self, method: str, error: HTTPException) -> None:
        if method == "GET" and isinstance(error.__cause__, InvalidOperationTypeError):
            raise HTTPError(405, "Send mutations with POST.", {"Allow": "POST"}) from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            response.pop("data", None)
        return response

    def finish_response(
        self,
        response: Response,
        request: Request,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        chosen_status: int | None,
    ) -> None:
        media = negotiate(request.headers.get("accept"))
        response.headers["content-type"] = media
        request_error = isinstance(response_data, dict) and "data" not in response_data
        if media == GRAPHQL_RESPONSE_JSON and request_error and not chosen_status:
            response.status_code = 400
