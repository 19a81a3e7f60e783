"""Documents parsed and validated once: trusted ones pinned for the process's life, others cached.

`Documents` takes the place of strawberry's ParserCache and ValidationCache: one
LRU of parsed documents and one of validation results, both keyed by the
document's text, for this schema only. A trusted document (`pin`, at start-up:
`web.trusted_documents`) is parsed and validated with the operation's own
parse options and rules and kept apart from the LRUs, so no burst of other
documents evicts it and no request parses or validates it again.
`errors` answers "would this text run?" through the same caches, so a persisted
query is stored only when it is valid and its execution then finds it parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.validation import specified_rules
from strawberry.extensions import SchemaExtension

from parley.compat.strawberry import validate_document

Rules = tuple[type[ASTValidationRule], ...]


class InvalidDocument(Exception):
    """A document that does not parse or does not validate; `errors` say why."""

    def __init__(self, errors: Sequence[GraphQLError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)


class Documents:
    """Parsing and validation for one schema, by document text."""

    def __init__(
        self, rules: Sequence[type[ASTValidationRule]], max_tokens: int, maxsize: int = 512
    ) -> None:
        # What strawberry's ExecutionContext holds once AddValidationRules ran.
        self.rules: Rules = (*specified_rules, *rules)
        self.max_tokens = max_tokens
        self._bound_schema: GraphQLSchema | None = None
        self._pinned: dict[str, DocumentNode] = {}
        self._parse = lru_cache(maxsize)(_parse)
        self._validate = lru_cache(maxsize)(self._validate_uncached)

    def bind(self, schema: GraphQLSchema) -> None:
        """The schema documents are validated against, once it is built."""
        self._bound_schema = schema

    def parse(self, text: str, max_tokens: int | None) -> DocumentNode:
        pinned = self._pinned.get(text)
        if pinned is not None and max_tokens == self.max_tokens:
            return pinned
        return self._parse(text, max_tokens)

    def validate(self, text: str, document: DocumentNode, rules: Rules) -> list[GraphQLError]:
        if self._pinned.get(text) is document and rules == self.rules:
            return []
        return self._validate(text, rules)

    def errors(self, text: str) -> list[GraphQLError]:
        """Why `text` would not run (parse or validation errors); empty when it would."""
        try:
            document = self.parse(text, self.max_tokens)
        except GraphQLError as error:
            return [error]
        return self.validate(text, document, self.rules)

    def pin(self, text: str) -> None:
        """Keep `text` parsed and validated for good; InvalidDocument when it is not valid."""
        errors = self.errors(text)
        if errors:
            raise InvalidDocument(errors)
        self._pinned[text] = self.parse(text, self.max_tokens)

    def extension(self) -> Callable[[], SchemaExtension]:
        """The schema extension (a factory, as strawberry wants) that parses through here."""
        documents = self

        class CachedDocuments(SchemaExtension):
            def on_parse(self) -> Iterator[None]:
                context = self.execution_context
                assert context.query is not None
                max_tokens = context.parse_options.get("max_tokens")
                context.graphql_document = documents.parse(context.query, max_tokens)
                yield

            def on_validate(self) -> Iterator[None]:
                context = self.execution_context
                assert context.query is not None
                assert context.graphql_document is not None
                context.pre_execution_errors = documents.validate(
                    context.query, context.graphql_document, context.validation_rules
                )
                yield

        return CachedDocuments

    def _validate_uncached(self, text: str, rules: Rules) -> list[GraphQLError]:
        # Keyed by text, not by the document node (whose hash walks the tree); the text
        # was parsed already, so this is a hit in the parse LRU.
        assert self._bound_schema is not None, "Documents.bind(schema) first"
        return validate_document(self._bound_schema, self._parse(text, self.max_tokens), rules)


def _parse(text: str, max_tokens: int | None) -> DocumentNode:
    return parse(text, max_tokens=max_tokens)
