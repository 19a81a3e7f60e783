"""Which document a request runs: its `query`, a persisted query's hash, or a trusted document's id.

HTTP (POST and GET) and graphql-transport-ws `subscribe` payloads both come here
(`PersistedDocuments.resolve`), with what the request named:

- `extensions.persistedQuery` `{version: 1, sha256Hash}`: Apollo's automatic
  persisted queries. The hash alone runs the document registered under it, or
  is answered `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND), which
  makes Apollo's link send the query with the hash; the hash with the query
  registers it, once the hash is checked (PERSISTED_QUERY_HASH_MISMATCH
  otherwise), the size too (PERSISTED_QUERY_TOO_LARGE) and the document would
  run (parsed and valid): nothing refused is stored.
- `documentId` (GraphQL over HTTP's persisted documents) or `doc_id` (Relay):
  a trusted document's id, or a persisted query's hash (`sha256:<hex>` or bare).

With a trusted-documents manifest (`web.trusted_documents`) only its documents
run: named by id or hash, or sent as `query` with exactly a manifest document's
text; anything else is refused with DOCUMENT_NOT_TRUSTED, and nothing is
registered. Parley's own GraphiQL page marks its requests (`GRAPHIQL_HEADER` on
HTTP, `GRAPHIQL_PARAM` in `connection_init`); the mark is honoured only when
debug and GraphiQL are on.

A refusal is `DocumentRefused`: a GraphQL error the transport answers as a
request error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from graphql import GraphQLError

from parley.schema.execution.documents import Documents
from parley.telemetry.metrics import PERSISTED_QUERIES
from parley.web.persisted_queries import PersistedQueries
from parley.web.trusted_documents import TrustedDocuments, sha256_hex

GRAPHIQL_HEADER = "x-parley-graphiql"
GRAPHIQL_PARAM = "parleyGraphiQL"
APQ_VERSION = 1

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class DocumentRefused(Exception):
    """The request names a document this server will not run; `error` says why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def error(self) -> GraphQLError:
        return GraphQLError(self.message, extensions={"code": self.code})

    @property
    def persisted_query_retry(self) -> bool:
        """Apollo's link answers this one by sending the query: not the client's mistake."""
        return self.code in (NOT_FOUND, NOT_SUPPORTED)


class PersistedDocuments:
    """Resolves what a request names to the text it runs (see the module docstring)."""

    def __init__(
        self,
        documents: Documents,
        queries: PersistedQueries | None,
        trusted: TrustedDocuments | None,
        *,
        max_bytes: int,
        graphiql_exempt: bool,
    ) -> None:
        self.documents = documents
        self.queries = queries
        self.trusted = trusted
        self.max_bytes = max_bytes
        self.graphiql_exempt = graphiql_exempt

    async def resolve(
        self,
        query: str | None,
        extensions: Mapping[str, object] | None,
        document_id: object = None,
        *,
        graphiql: bool = False,
    ) -> str | None:
        """The text to run; None when the request names none; DocumentRefused otherwise."""
        sha256 = _persisted_query_hash(extensions)
        if document_id is not None and not isinstance(document_id, str):
            raise DocumentRefused("documentId must be a string.", "BAD_REQUEST")
        if query is not None and sha256 is not None:
            self._check_size(query)
            if sha256_hex(query) != sha256:
                raise DocumentRefused(
                    "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
                )
        if self.trusted is not None and not (graphiql and self.graphiql_exempt):
            return self._trusted(self.trusted, query, sha256 or document_id)
        if query is not None:
            if sha256 is not None and self.queries is not None:
                await self._register(self.queries, sha256, query)
            return query
        name = sha256 or document_id
        if name is None:
            return None
        return await self._persisted(name, by_hash=sha256 is not None)

    def _trusted(self, trusted: TrustedDocuments, query: str | None, name: str | None) -> str:
        if query is not None:
            if query in trusted.texts:
                return query
            raise DocumentRefused(
                "This server runs only trusted documents, and this document is not one of them: "
                "send the id of a document from its manifest.",
                "DOCUMENT_NOT_TRUSTED",
            )
        text = trusted.find(name) if name is not None else None
        if text is None:
            raise DocumentRefused(
                f"This server runs only trusted documents, and none has the id {name!r}.",
                "DOCUMENT_NOT_TRUSTED",
            )
        return text

    async def _persisted(self, name: str, *, by_hash: bool) -> str:
        if self.queries is None:
            raise DocumentRefused("PersistedQueryNotSupported", NOT_SUPPORTED)
        sha256 = name.removeprefix("sha256:")
        text = await self.queries.get(sha256) if _SHA256.fullmatch(sha256) else None
        if text is None:
            if by_hash:
                raise DocumentRefused("PersistedQueryNotFound", NOT_FOUND)
            raise DocumentRefused(f"No persisted document has the id {name!r}.", NOT_FOUND)
        return text

    async def _register(self, queries: PersistedQueries, sha256: str, query: str) -> None:
        # Only a document that would run is kept; the check fills the parse and validation
        # caches that its execution reads next.
        if sha256 not in queries and not self.documents.errors(query):
            await queries.put(sha256, query)

    def _check_size(self, query: str) -> None:
        if len(query) * 4 > self.max_bytes and len(query.encode()) > self.max_bytes:
            PERSISTED_QUERIES.labels("refused").inc()
            raise DocumentRefused(
                f"The document is larger than {self.max_bytes} bytes, the limit for persisted "
                "queries: send it without extensions.persistedQuery.",
                "PERSISTED_QUERY_TOO_LARGE",
            )


def _persisted_query_hash(extensions: Mapping[str, object] | None) -> str | None:
    """`extensions.persistedQuery.sha256Hash`, checked; None when there is no persistedQuery."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping):
        raise DocumentRefused("extensions.persistedQuery must be an object.", "BAD_REQUEST")
    if persisted.get("version") != APQ_VERSION:
        raise DocumentRefused(
            "Unsupported persisted query version: this server supports version 1.",
            "PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise DocumentRefused(
            "extensions.persistedQuery.sha256Hash must be a sha256 hash in lowercase hex.",
            "BAD_REQUEST",
        )
    return sha256
