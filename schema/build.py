"""The Schema: its root types, Parley's executor and extensions, and how errors are handled.

`build_schema` is the one place the schema is assembled (the server, the CLI's
`export-schema` and the tests all call it): the root Query, Mutation and
Subscription (`schema.fields`), the query limits and caches, error masking in
production, and the execution engine (`schema.execution`).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from parley.compat.strawberry import graphql_schema
from parley.schema.accounts import Client, Freelancer
from parley.schema.execution.direct_resolvers import shorten_resolvers
from parley.schema.execution.documents import Documents
from parley.schema.execution.executor import FastLeafExecutor, executor_for
from parley.schema.execution.limits import QueryLimits
from parley.schema.fields.live import Subscription
from parley.schema.fields.root import Mutation, Query
from parley.schema.scalars import SCALAR_MAP

client_errors = logging.getLogger("parley.graphql.client")
MASKED_MESSAGE = "Unexpected error."


def _expected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry a code; anything else is a bug and gets masked.

    A GraphQL error wrapping another GraphQL error is a client's mistake too: graphql-core
    reports a variable that its scalar refuses (a DateTime that is no date, an Int past
    32 bits) that way.
    """
    return (
        bool(error.extensions and "code" in error.extensions)
        or error.original_error is None
        or isinstance(error.original_error, GraphQLError)
    )


class ParleySchema(strawberry.Schema):
    """Logs the client's mistakes (bad documents, refusals with a code) at INFO, bugs at ERROR.

    Strawberry logs every error at ERROR with its traceback, so any client could fill the
    error log with syntax errors and hide the failures operators must see.

    `documents` parses and validates for it (`schema.execution.documents`): trusted
    documents are pinned there at start-up.
    """

    def __init__(self, documents: Documents, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.documents = documents

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if _expected(error):
                client_errors.info("client error: %s", error.message)
            else:
                super().process_errors([error], execution_context)


def mask_unexpected(errors: list[GraphQLError]) -> list[GraphQLError]:
    """What the schema's MaskErrors does in production, for results outside its pipeline."""
    return [
        error
        if _expected(error)
        else GraphQLError(
            MASKED_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
        )
        for error in errors
    ]


def build_schema(*, debug: bool, limits: QueryLimits | None = None) -> ParleySchema:
    # Extensions are given as factories: strawberry builds fresh ones per operation.
    limits = limits or QueryLimits()
    rules = limits.rules()
    documents = Documents(rules, limits.max_tokens)
    extensions: list[object] = [*limits.extensions(rules), documents.extension()]
    if not debug:
        extensions.append(
            partial(
                MaskErrors,
                should_mask_error=lambda e: not _expected(e),
                error_message=MASKED_MESSAGE,
            )
        )
    schema = ParleySchema(
        documents,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Client, Freelancer],
        extensions=extensions,
        execution_context_class=FastLeafExecutor,
        config=StrawberryConfig(
            disable_field_suggestions=not limits.suggestions, scalar_map=SCALAR_MAP
        ),
    )
    # Which fields the executor may answer directly is known once the schema is built.
    schema.execution_context_class = executor_for(graphql_schema(schema))
    documents.bind(graphql_schema(schema))
    shorten_resolvers(schema)
    return schema
