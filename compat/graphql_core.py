"""graphql-core internals Parley's executor borrows, in one place, for graphql-core 3.3.2 only.

The schema's executor (`schema.execution`) subclasses graphql-core's `Executor`
(through strawberry's, `compat.strawberry.CoreExecutionContext`) and overrides
`execute_fields`, `collect_subfields`, `cancellable_iterable`,
`build_per_event_executor` and `execute_operation`. What else it needs of
graphql-core's insides is here:

- the types of collected selections (`graphql.execution.collect_fields`, not exported);
- `gather_with_cancel` and `RefMap` (graphql.pyutils: exported, but undocumented helpers);
- the executor's per-execution state: which attributes its `__init__` builds for one
  execution (`fresh_copy`, `drop_per_execution_state`), and its per-operation memo of
  collected sub-selections (`subfield_memo`).

tests/test_library_internals.py names each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from graphql.execution.collect_fields import (
    CollectedFields,
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
)
from graphql.execution.executor import CollectedErrors, Executor
from graphql.pyutils import RefMap, gather_with_cancel

from parley.compat.versions import require_installed

require_installed("graphql-core", "3.3.2", __name__)

# What graphql-core's Executor.__init__ builds for one execution, and how to build it afresh.
PER_EXECUTION_STATE: dict[str, Callable[[], object]] = {
    "_initial_execution_plans": RefMap,
    "_deferred_execution_plans": RefMap,
    "_stream_usages": RefMap,
    "_relevant_sub_fields": dict,
    "background_futures": set,
    "pending_incremental_futures": set,
    "collected_errors": CollectedErrors,
    "groups": list,
    "streams": list,
    "tasks": list,
}

SubfieldMemo = dict[tuple[Any, int], tuple[FieldDetailsList, CollectedFields]]

E = TypeVar("E", bound=Executor[Any])


def fresh_copy(executor: E) -> E:
    """A copy of `executor` with its arguments and new per-execution state, without `__init__`."""
    copy: E = object.__new__(type(executor))
    state = copy.__dict__
    state.update(executor.__dict__)
    for name, fresh in PER_EXECUTION_STATE.items():
        state[name] = fresh()
    return copy


def drop_per_execution_state(executor: Executor[Any]) -> None:
    """Keep only `executor`'s arguments (and none of its None attributes, read from its class)."""
    executor.__dict__ = {
        name: value
        for name, value in executor.__dict__.items()
        if name not in PER_EXECUTION_STATE and value is not None
    }


def subfield_memo(executor: Executor[Any]) -> SubfieldMemo:
    """graphql-core's memo of collected sub-selections, for this execution."""
    return executor._relevant_sub_fields


__all__ = [
    "PER_EXECUTION_STATE",
    "CollectedFields",
    "FieldDetailsList",
    "FragmentDetails",
    "GroupedFieldSet",
    "SubfieldMemo",
    "drop_per_execution_state",
    "fresh_copy",
    "gather_with_cancel",
    "subfield_memo",
]
