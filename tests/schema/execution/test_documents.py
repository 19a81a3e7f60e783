"""Documents parsed and validated once: trusted ones pinned, the rest in bounded caches."""

from __future__ import annotations

import pytest

from parley.compat.strawberry import graphql_schema
from parley.schema.build import build_schema
from parley.schema.execution.documents import Documents, InvalidDocument
from parley.schema.execution.limits import QueryLimits

PINNED = "query Pinned { __typename }"
OTHERS = [f"query Other{n} {{ __typename }}" for n in range(5)]


def small_documents() -> Documents:
    schema = build_schema(debug=True)
    documents = Documents(QueryLimits().rules(), max_tokens=2_000, maxsize=2)
    documents.bind(graphql_schema(schema))
    return documents


def test_a_pinned_document_is_the_same_parsed_document_however_many_others_pass() -> None:
    documents = small_documents()
    documents.pin(PINNED)
    pinned = documents.parse(PINNED, documents.max_tokens)

    for text in OTHERS:
        documents.parse(text, documents.max_tokens)

    assert documents.parse(PINNED, documents.max_tokens) is pinned
    assert documents.validate(PINNED, pinned, documents.rules) == []


def test_an_unpinned_document_leaves_the_bounded_cache_when_others_pass() -> None:
    documents = small_documents()
    first = documents.parse(OTHERS[0], documents.max_tokens)

    for text in OTHERS[1:]:
        documents.parse(text, documents.max_tokens)

    assert documents.parse(OTHERS[0], documents.max_tokens) is not first


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("query Broken { noSuchField }", "Cannot query field 'noSuchField'"),
        ("query {", "Syntax Error"),
        ("query Long { " + "__typename " * 2_100 + "}", "more than 2000 tokens"),
    ],
    ids=["invalid", "unparsable", "over-the-token-limit"],
)
def test_only_a_document_that_would_run_within_the_limits_is_pinned(
    text: str, problem: str
) -> None:
    documents = small_documents()

    with pytest.raises(InvalidDocument, match=problem):
        documents.pin(text)


async def test_the_schema_runs_a_pinned_document_from_its_documents() -> None:
    schema = build_schema(debug=True)
    schema.documents.pin(PINNED)

    result = await schema.execute(PINNED)

    assert result.errors is None
    assert result.data == {"__typename": "Query"}
