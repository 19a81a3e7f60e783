"""Every private or internal name Parley borrows from a library, checked against what is installed.

These libraries are pinned exactly in pyproject.toml because of this list. After
`make upgrade` (or editing a pin), this test says which library moved which name,
before any behaviour test fails for a reason that is hard to read.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pytest


@dataclass(frozen=True)
class Internal:
    """`path` is `module:attr.attr`; with `assigned_in`, an instance attribute that method sets."""

    distribution: str
    path: str
    assigned_in: str | None = None
    why: str = ""

    def __str__(self) -> str:
        return f"{self.distribution} {version(self.distribution)}: {self.path}"


GRAPHQL_CORE = [
    Internal("graphql-core", "graphql.execution.collect_fields:collect_subfields"),
    Internal("graphql-core", "graphql.execution.collect_fields:CollectedFields"),
    Internal("graphql-core", "graphql.execution.collect_fields:FieldDetailsList"),
    Internal("graphql-core", "graphql.execution.collect_fields:FragmentDetails"),
    Internal("graphql-core", "graphql.execution.collect_fields:GroupedFieldSet"),
    Internal("graphql-core", "graphql.execution.executor:CollectedErrors"),
    Internal("graphql-core", "graphql.execution.executor:Executor.execute_fields"),
    Internal("graphql-core", "graphql.execution.executor:Executor.collect_subfields"),
    Internal("graphql-core", "graphql.execution.executor:Executor.cancellable_iterable"),
    Internal("graphql-core", "graphql.execution.executor:Executor.build_per_event_executor"),
    Internal("graphql-core", "graphql.execution.executor:Executor.execute_operation"),
    *(
        Internal(
            "graphql-core",
            f"strawberry.schema.schema:StrawberryGraphQLCoreExecutionContext.{name}",
            assigned_in="__init__",
            why="per-execution state a shared subscription executor resets",
        )
        for name in (
            "_initial_execution_plans",
            "_deferred_execution_plans",
            "_stream_usages",
            "_relevant_sub_fields",
            "background_futures",
            "pending_incremental_futures",
            "collected_errors",
            "groups",
            "streams",
            "tasks",
        )
    ),
    Internal("graphql-core", "graphql.pyutils:RefMap"),
    Internal("graphql-core", "graphql.pyutils:gather_with_cancel"),
]

STRAWBERRY = [
    Internal(
        "strawberry-graphql", "strawberry.schema.schema:StrawberryGraphQLCoreExecutionContext"
    ),
    Internal("strawberry-graphql", "strawberry.schema.schema:Schema.__init__", why="_schema"),
    Internal(
        "strawberry-graphql", "strawberry.schema.schema:Schema._schema", assigned_in="__init__"
    ),
    Internal(
        "strawberry-graphql",
        "strawberry.schema.schema_converter:GraphQLCoreConverter._get_field_exception_handlers",
    ),
    Internal("strawberry-graphql", "strawberry.types.info:Info._raw_info"),
    Internal("strawberry-graphql", "strawberry.types.info:Info._field"),
    Internal("strawberry-graphql", "strawberry.utils.logging:StrawberryLogger"),
    Internal("strawberry-graphql", "strawberry.utils.aio:aclosing"),
    Internal(
        "strawberry-graphql",
        "strawberry.schema.schema_converter:GraphQLCoreConverter.from_resolver",
        why="its attribute-reading resolver `_get_basic_result` is recognised by name",
    ),
]

# parley.compat.tortoise
TORTOISE = [
    Internal("tortoise-orm", "tortoise.models:Model._init_from_db"),
    Internal("tortoise-orm", "tortoise.backends.base.executor:EXECUTOR_CACHE"),
    Internal(
        "tortoise-orm",
        "tortoise.contrib.starlette:RegisterTortoise.init_orm",
        why="leaves its context on app.state._tortoise_context",
    ),
]

# parley.compat.aiosqlite
AIOSQLITE = [
    Internal("aiosqlite", "aiosqlite:Connection._execute"),
    Internal("aiosqlite", "aiosqlite:Connection._conn"),
]

# parley.compat.broadcaster
BROADCASTER = [
    Internal("broadcaster", "broadcaster._base:Unsubscribed"),
]

INTERNALS = [*GRAPHQL_CORE, *STRAWBERRY, *TORTOISE, *AIOSQLITE, *BROADCASTER]


def resolve(internal: Internal) -> Any:
    module_name, _, attributes = internal.path.partition(":")
    target: Any = importlib.import_module(module_name)
    names = attributes.split(".")
    if internal.assigned_in is not None:
        *names, assigned = names
    for name in names:
        if name in ("_raw_info", "_field") and hasattr(target, "__dataclass_fields__"):
            assert name in target.__dataclass_fields__, f"{internal}: no field {name}"
            return target.__dataclass_fields__[name]
        target = _member(target, name)
        assert target is not None, f"{internal}: {name} is gone"
    if internal.assigned_in is not None:
        sources = [
            inspect.getsource(vars(klass)[internal.assigned_in])
            for klass in target.__mro__
            if inspect.isfunction(vars(klass).get(internal.assigned_in))
        ]
        assert any(f"self.{assigned} " in s or f"self.{assigned}:" in s for s in sources), (
            f"{internal}: {internal.assigned_in} no longer sets {assigned}"
        )
    return target


def _member(target: Any, name: str) -> Any:
    if isinstance(target, type) and name in getattr(target, "__slots__", ()):
        return name
    if isinstance(target, type):
        for klass in target.__mro__:
            if name in vars(klass) or name in getattr(klass, "__annotations__", {}):
                return vars(klass).get(name, name)
        return None
    return getattr(target, name, None)


@pytest.mark.parametrize("internal", INTERNALS, ids=str)
def test_each_borrowed_internal_is_still_where_parley_reaches_for_it(internal: Internal) -> None:
    resolve(internal)


def test_the_message_names_the_library_its_version_and_the_name_that_moved() -> None:
    moved = Internal("graphql-core", "graphql.execution.collect_fields:no_such_function")
    with pytest.raises(
        AssertionError, match=r"graphql-core 3\.\d+\.\d+: .*no_such_function is gone"
    ):
        resolve(moved)
