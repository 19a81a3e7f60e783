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

from parley.compat.graphql_core import PER_EXECUTION_STATE
from parley.compat.versions import UnsupportedVersion, require_version


@dataclass(frozen=True)
class Internal:
    """`path` is `module:attr.attr`; with `assigned_in`, an instance attribute that method sets."""

    distribution: str
    path: str
    assigned_in: str | None = None
    why: str = ""

    def __str__(self) -> str:
        return f"{self.distribution} {version(self.distribution)}: {self.path}"


# parley/compat/graphql_core.py; the executor (schema/execution/) also overrides these methods.
GRAPHQL_CORE = [
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
        for name in PER_EXECUTION_STATE
    ),
    Internal("graphql-core", "graphql.pyutils:RefMap"),
    Internal("graphql-core", "graphql.pyutils:gather_with_cancel"),
]

# parley/compat/strawberry.py, the only module that names any of these; web/http.py and web/view.py
# implement the extension points of its StrawberryView instead.
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
    Internal(
        "strawberry-graphql",
        "strawberry.schema.schema_converter:GraphQLCoreConverter.from_resolver",
        why="its attribute-reading resolver `_get_basic_result` is recognised by name",
    ),
    *(
        Internal(
            "strawberry-graphql",
            f"strawberry.http.async_base_view:AsyncBaseHTTPView.{name}",
            why="an undocumented hook of the view, called in compat.strawberry",
        )
        for name in (
            "_check_websocket_origin",
            "pick_websocket_subprotocol",
            "create_websocket_response",
            "run",
        )
    ),
    *(
        Internal(
            "strawberry-graphql",
            f"strawberry.http.async_base_view:AsyncBaseHTTPView.{name}",
            why="an undocumented hook of the view, overridden in compat.strawberry.StrawberryView",
        )
        for name in (
            "execute_single",
            "parse_http_body",
            "get_sub_response",
            "create_response",
            "websocket_adapter_class",
        )
    ),
    Internal(
        "strawberry-graphql",
        "strawberry.schema.schema:validate_document",
        why="schema.execution.documents caches validation with it (compat.strawberry)",
    ),
    Internal(
        "strawberry-graphql",
        "strawberry.http.base:BaseView.should_render_graphql_ide",
        why="overridden in compat.strawberry.StrawberryView (persisted documents over GET)",
    ),
    Internal("strawberry-graphql", "strawberry.http.base:BaseRequestProtocol"),
    Internal(
        "strawberry-graphql",
        "strawberry.http.base:BaseView.parse_json",
        why="called by compat.strawberry.StrawberryView.parse_http_body",
    ),
    Internal(
        "strawberry-graphql",
        "strawberry.asgi:ASGIWebSocketAdapter.iter_json",
        why="overridden by compat.strawberry.StrawberryView.limit_legacy_frames's adapter",
    ),
]

# parley/compat/uvicorn.py: the protocol behind `send` keeps its transport.
UVICORN = [
    Internal(
        "uvicorn",
        "uvicorn.protocols.websockets.websockets_sansio_impl:WebSocketsSansIOProtocol.transport",
        assigned_in="connection_made",
    ),
]

# parley/compat/tortoise.py
TORTOISE = [
    Internal("tortoise-orm", "tortoise.models:Model._init_from_db"),
    Internal("tortoise-orm", "tortoise.backends.base.executor:EXECUTOR_CACHE"),
]

# parley/compat/aiosqlite.py: the SQLite group commit on aiosqlite's worker thread.
AIOSQLITE = [
    Internal("aiosqlite", "aiosqlite:Connection._execute"),
    Internal("aiosqlite", "aiosqlite:Connection._conn"),
]

# parley/compat/broadcaster.py
BROADCASTER = [
    Internal("broadcaster", "broadcaster._base:Unsubscribed"),
]

INTERNALS = [*GRAPHQL_CORE, *STRAWBERRY, *UVICORN, *TORTOISE, *AIOSQLITE, *BROADCASTER]


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


def test_a_compat_module_refuses_another_release_and_says_what_to_do() -> None:
    with pytest.raises(UnsupportedVersion) as refused:
        require_version("graphql-core", "3.3.2", "3.4.0", "parley.compat.graphql_core")
    message = str(refused.value)
    assert "graphql-core 3.4.0 is installed" in message
    assert "supports graphql-core 3.3.2" in message
    assert "parley/compat/graphql_core.py" in message
    assert "make upgrade" in message


def test_a_release_series_accepts_its_patch_releases_only() -> None:
    require_version("uvicorn", "0.55", "0.55.3")
    with pytest.raises(
        UnsupportedVersion, match=r"uvicorn 0\.56\.0 is installed.*uvicorn 0\.55\.x"
    ):
        require_version("uvicorn", "0.55", "0.56.0")
    with pytest.raises(UnsupportedVersion):
        require_version("uvicorn", "0.55", "0.550.0")
