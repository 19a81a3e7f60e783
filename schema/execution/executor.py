"""The schema's executor: graphql-core's, with a short path for plain leaf fields.

graphql-core resolves every field the same way: it looks the field up, builds a
resolve-info record (fourteen values), calls strawberry's resolver wrapper,
which reads the attribute, then walks `complete_value` to the scalar's output
coercion. Most fields of a page are plain attributes of scalar type (`id`,
`body`, `createdAt`, `cursor`, ...): a feed page of 20 items has ~150 of them.
`FastLeafExecutor` answers those directly: the attribute, coerced by the
field's own type. Anything out of the ordinary (null for a non-null field, an
attribute missing, a coercion failing, field middleware) takes graphql-core's
own path, so results and errors are exactly those of the full path.

Which fields qualify is decided once per schema (`leaf_plans`): strawberry
fields without a resolver (strawberry's own "basic field" resolver, which reads
the attribute with `getattr` and ignores `info`) whose type is a scalar or enum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
    print_ast,
)
from graphql.pyutils import AwaitableOrValue, Path

from parley.compat.graphql_core import (
    CollectedFields,
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    gather_with_cancel,
    subfield_memo,
)
from parley.compat.strawberry import attribute_field
from parley.schema.execution.shared_execution import SharedEventExecutor


@dataclass(frozen=True, slots=True)
class LeafPlan:
    """A plain attribute of scalar or enum type, and how its values are output."""

    attribute: str
    coerce: Callable[[Any], Any]
    non_null: bool


def leaf_plans(schema: GraphQLSchema) -> dict[str, dict[str, LeafPlan]]:
    """type name -> field name -> plan, for the fields the short path may answer."""
    plans: dict[str, dict[str, LeafPlan]] = {}
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__") or not is_object_type(named):
            continue
        assert isinstance(named, GraphQLObjectType)
        for field_name, field in named.fields.items():
            field_type = field.type
            non_null = is_non_null_type(field_type)
            leaf = field_type.of_type if non_null else field_type
            strawberry_field = attribute_field(field.resolve)
            if strawberry_field is None or field.args or not is_leaf_type(leaf):
                continue
            assert isinstance(leaf, GraphQLLeafType)
            plans.setdefault(type_name, {})[field_name] = LeafPlan(
                strawberry_field.python_name, leaf.coerce_output_value, non_null
            )
    return plans


class FastLeafExecutor(SharedEventExecutor):
    """graphql-core's executor, answering plain leaf fields without the per-field machinery."""

    plans: dict[str, dict[str, LeafPlan]] = {}
    # Sub-selections collected for earlier operations of the same document (see below).
    shared_subfields: SharedSubfields = None  # type: ignore[assignment]

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields:
        """graphql-core memoizes these per operation; the same document asks the same again.

        What a selection collects depends on the document, the type and, through
        @skip/@include/@defer, the variables. For documents without directives it
        is the same every time, so it is kept across operations (keyed by the
        parsed nodes, which the parser cache shares between requests).
        """
        memo = subfield_memo(self)  # graphql-core's, for this operation
        cached = memo.get((return_type, id(field_details_list)))
        if cached is not None:
            return cached[1]
        shared = self.shared_subfields
        key = shared.key(self.operation, self.fragments, return_type, field_details_list)
        if key is None:
            return super().collect_subfields(return_type, field_details_list)
        collected = shared.get(key)
        if collected is None:
            collected = super().collect_subfields(return_type, field_details_list)
            shared.put(key, collected, self.operation)
        else:
            memo[return_type, id(field_details_list)] = (field_details_list, collected)
        return collected

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's `execute_fields`, with the short path for the type's plain leaves."""
        manager = self.middleware_manager  # strawberry passes one, usually empty
        if manager is not None and manager.middlewares:  # middleware sees every field
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        type_name = parent_type.name
        plans = self.plans.get(type_name, _NO_PLANS)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                name = field_details_list[0].node.name.value
                if name == "__typename":
                    results[response_name] = type_name
                    continue
                plan = plans.get(name)
                if plan is not None:
                    value = _answer(plan, source_value)
                    if value is not _FULL_PATH:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, type_name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                # As graphql-core: settle what other fields started, they may fail too.
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


_NO_PLANS: dict[str, LeafPlan] = {}
_FULL_PATH = object()


def _answer(plan: LeafPlan, source: Any) -> Any:
    """The field's output value, or _FULL_PATH when graphql-core's path must answer."""
    value = getattr(source, plan.attribute, _FULL_PATH)
    if value is None:
        return _FULL_PATH if plan.non_null else None
    if value is _FULL_PATH or isinstance(value, Exception):
        return _FULL_PATH
    try:
        coerced = plan.coerce(value)
    except Exception:  # the full path raises it again, as a located field error
        return _FULL_PATH
    if coerced is None or coerced is Undefined:
        return _FULL_PATH
    return coerced


class SharedSubfields:
    """Collected sub-selections of directive-free documents, kept across operations.

    Keys hold node identities; each entry keeps its operation alive, so an id is
    never reused while its entries exist. Bounded: past `size` entries it starts over.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._collected: dict[tuple[Any, ...], tuple[OperationDefinitionNode, CollectedFields]] = {}
        self._plain: dict[int, tuple[OperationDefinitionNode, bool]] = {}

    def key(
        self,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDetails],
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
    ) -> tuple[Any, ...] | None:
        if not self._is_plain(operation, fragments):
            return None
        nodes: list[int] = []
        for details in field_details_list:
            if details.defer_usage is not None or details.fragment_variable_values is not None:
                return None
            nodes.append(id(details.node))
        return (id(operation), return_type.name, *nodes)

    def get(self, key: tuple[Any, ...]) -> CollectedFields | None:
        entry = self._collected.get(key)
        return entry[1] if entry is not None else None

    def put(
        self, key: tuple[Any, ...], collected: CollectedFields, operation: OperationDefinitionNode
    ) -> None:
        if len(self._collected) >= self.size:
            self._collected.clear()
            self._plain.clear()
        self._collected[key] = (operation, collected)

    def _is_plain(
        self, operation: OperationDefinitionNode, fragments: dict[str, FragmentDetails]
    ) -> bool:
        known = self._plain.get(id(operation))
        if known is not None and known[0] is operation:
            return known[1]
        plain = not any(
            "@" in print_ast(node)
            for node in (operation, *(fragment.definition for fragment in fragments.values()))
        )
        if len(self._plain) >= self.size:
            self._collected.clear()
            self._plain.clear()
        self._plain[id(operation)] = (operation, plain)
        return plain


def executor_for(schema: GraphQLSchema) -> type[FastLeafExecutor]:
    """The executor class for one schema, with that schema's plans and collected selections."""
    return type(
        "FastLeafExecutor",
        (FastLeafExecutor,),
        {"plans": leaf_plans(schema), "shared_subfields": SharedSubfields()},
    )
