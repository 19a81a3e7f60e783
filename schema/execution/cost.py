"""A static cost bound for operations: the worst case of how many fields a query can resolve.

Each field costs 1 plus what it selects, multiplied by how many items it can
return: `first`/`last` as written (a variable counts as the page cap, a missing
one as the default page), the length of `ids` for a list of one item per id
(`nodes(ids:)`; a variable counts as the page cap), `list_factor` for other
lists. Introspection fields are free (they are bounded by the schema, and off in
production). The bound is computed from the document alone, so it is checked
(and cached) at validation.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)

PAGE_ARGUMENTS = ("first", "last")
ID_LIST_ARGUMENTS = ("ids",)  # a list of one item per id asked for


class _CostModel:
    def __init__(
        self,
        rule: ValidationRule,
        page_default: int,
        page_max: int,
        list_factor: int,
    ) -> None:
        self.schema = rule.context.schema
        self.fragments = {
            definition.name.value: definition
            for definition in rule.context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.page_default = page_default
        self.page_max = page_max
        self.list_factor = list_factor

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        seen: frozenset[str] = frozenset(),
        paged: bool = False,
    ) -> int:
        """`paged`: the parent field is a page (its `edges` list is the page, not another list)."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, seen, paged)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, scope, seen, paged)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                scope = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selections(fragment.selection_set, scope, seen | {name}, paged)
        return total

    def field(
        self, node: FieldNode, parent: GraphQLNamedType | None, seen: frozenset[str], paged: bool
    ) -> int:
        if node.name.value.startswith("__"):
            return 0
        definition: GraphQLField | None = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 1
        is_page = any(name in definition.args for name in PAGE_ARGUMENTS)
        named = get_named_type(definition.type)
        below = self.selections(node.selection_set, named, seen, is_page)
        return 1 + below * self.multiplier(node, definition, is_page, paged)

    def multiplier(
        self, node: FieldNode, definition: GraphQLField, is_page: bool, paged: bool
    ) -> int:
        if is_page:
            sizes = [
                self.page_size(argument.value)
                for argument in node.arguments or ()
                if argument.name.value in PAGE_ARGUMENTS
            ]
            return max(sizes, default=self.page_default)
        field_type: Any = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if not isinstance(field_type, GraphQLList) or paged:
            return 1
        sizes = [
            self.list_size(argument.value)
            for argument in node.arguments or ()
            if argument.name.value in ID_LIST_ARGUMENTS
        ]
        return max(sizes, default=self.list_factor)

    def list_size(self, value: object) -> int:
        if isinstance(value, ListValueNode):
            return min(len(value.values), self.page_max)
        return self.page_max

    def page_size(self, value: object) -> int:
        if isinstance(value, IntValueNode):
            try:
                return max(0, min(int(value.value), self.page_max))
            except ValueError:
                return self.page_max
        return self.page_max


def query_cost_rule(
    max_cost: int, *, page_default: int = 20, page_max: int = 100, list_factor: int = 10
) -> type[ValidationRule]:
    """A validation rule refusing operations whose cost bound exceeds `max_cost`."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            root = self.context.schema.get_root_type(node.operation)
            model = _CostModel(self, page_default, page_max, list_factor)
            cost = model.selections(node.selection_set, root)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"The operation may cost {cost}, more than the limit of {max_cost}: "
                        "ask for smaller pages or fewer fields.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost},
                    )
                )

    return QueryCostRule
