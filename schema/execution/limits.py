"""What one operation may ask for, and what the schema tells strangers.

Depth, aliases and tokens use strawberry's own rules and extension; the cost bound is
`schema.cost`. Introspection and "did you mean" suggestions are on in
development and off by setting in production (`Settings.introspection_on`,
`Settings.suggestions_on`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from parley.schema.execution.cost import query_cost_rule
from parley.web.settings import Settings

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QueryLimits:
    max_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2_000
    max_cost: int = 10_000
    page_max: int = 100
    introspection: bool = True
    suggestions: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_depth=settings.query_max_depth,
            max_aliases=settings.query_max_aliases,
            max_tokens=settings.query_max_tokens,
            max_cost=settings.query_max_cost,
            page_max=settings.feed_page_max,
            introspection=settings.introspection_on,
            suggestions=settings.suggestions_on,
        )

    def rules(self) -> list[type[ASTValidationRule]]:
        """The validation rules of these limits, built once per schema: strawberry's
        QueryDepthLimiter and MaxAliasesLimiter define a new rule class per instance, that
        is per operation, and the rules are part of the validation cache's key
        (`schema.execution.documents`), so every operation would miss it."""
        rules: list[type[ASTValidationRule]] = [
            depth_rule(self.max_depth, None),
            aliases_rule(self.max_aliases),
            query_cost_rule(self.max_cost, page_max=self.page_max),
        ]
        if not self.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        return rules

    def extensions(
        self, rules: list[type[ASTValidationRule]]
    ) -> list[Callable[[], SchemaExtension]]:
        """Extension factories (strawberry builds fresh ones per operation) for `rules()`."""
        factories: list[Callable[[], SchemaExtension]] = [
            partial(MaxTokensLimiter, max_token_count=self.max_tokens),
            partial(AddValidationRules, rules),
        ]
        if not self.suggestions:
            factories.append(HideSuggestions)
        return factories


def without_suggestion(message: str) -> str:
    return _SUGGESTION.sub("", message)


class HideSuggestions(SchemaExtension):
    """Strips "Did you mean …?" from error messages, so they do not leak the schema."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors: list[GraphQLError] = list(getattr(result, "errors", None) or [])
        errors += self.execution_context.pre_execution_errors or []
        for error in errors:
            error.message = without_suggestion(error.message)
