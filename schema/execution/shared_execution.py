"""Execute a subscription event once per (document, variables, viewer, event), not per subscriber.

graphql-core executes the subscription document once for every event of every
subscription. In a room of N subscribers that is N executions of the same
document over the same event for a handful of viewers. `SharedEventExecutor`
(the schema's executor class) keys each per-event execution by

- the operation (the parsed document node; the parser cache hands every
  subscriber with the same text the same node),
- the coerced variables,
- the viewer (the caller's account: every viewer-dependent field, such as
  `isMine`, depends on nothing else of the connection),
- the event: the payload's type and its event-log `cursor`, which names one
  event of that viewer's log;

and the first subscriber's execution serves every subscriber with the same key
(through `subscriptions.shared_loads.SharedLoads` on the process's `Services`).
A shared result is a `SharedResult`: its `encoded` slot lets the WebSocket
handler (web.ws.handler) serialize it once for all of them too.
Payloads without an event cursor, and anonymous callers, are executed as before.
Delivery (cursor replay, dedupe, gap fill, bounded queues) happens before this
point, in each subscriber's own generator, and is unchanged.

`claim_source_streams` lets a transport take over a subscription once strawberry
has parsed, validated and resolved it: the executor and the resolver's source
stream go to the claimer, and strawberry's own result stream ends empty (its
extensions are done with the operation). The claimer then executes each event
with `executor.build_per_event_executor(payload)`, without a per-subscription
stack of strawberry's generators and extension hooks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Hashable
from contextvars import ContextVar, Token
from typing import Any

from graphql import ExecutionResult
from graphql.pyutils import AwaitableOrValue

from parley.compat.graphql_core import drop_per_execution_state, fresh_copy
from parley.compat.strawberry import CoreExecutionContext
from parley.subscriptions.shared_loads import SharedLoads

Claimer = Callable[["SharedEventExecutor", AsyncIterable[Any]], None]
_claimer: ContextVar[Claimer | None] = ContextVar("parley_claim_source_stream", default=None)


def claim_source_streams(claimer: Claimer) -> Token[Claimer | None]:
    """Hand the source streams of subscriptions started in this task to `claimer`."""
    return _claimer.set(claimer)


class SharedResult(ExecutionResult):
    """An execution result shared by every subscriber of one key, and its encoding once made."""

    __slots__ = ("encoded",)

    def __init__(self, result: ExecutionResult) -> None:
        super().__init__(result.data, result.errors, result.extensions)
        self.encoded: str | None = None


class _Empty:
    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


class _OperationKey:
    """The (operation, variables, viewer) part of a share key, hashed once per subscription.

    The operation node is compared by identity (the parser cache hands every
    subscriber with the same text the same node); hashing the node itself walks
    the whole document, which was a tenth of the server's time in a room.
    """

    __slots__ = ("_hash", "operation", "variables", "viewer")

    def __init__(self, operation: object, variables: str, viewer: int) -> None:
        self.operation = operation
        self.variables = variables
        self.viewer = viewer
        self._hash = hash((id(operation), variables, viewer))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _OperationKey)
            and other.operation is self.operation
            and other.variables == self.variables
            and other.viewer == self.viewer
        )


class SharedEventExecutor(CoreExecutionContext):
    share_key: Hashable | None = None
    _operation_key: _OperationKey | None = None
    _claimed = False
    # Read by graphql-core; None unless set on the instance (a claimed executor drops Nones).
    abort_signal = None
    async_work_finished_hook_task = None
    defer_usage_set = None
    hooks = None
    operation_extensions = None
    root_value = None

    def build_per_event_executor(self, payload: Any) -> SharedEventExecutor:
        if self._claimed:
            executor = fresh_copy(self)
            executor.root_value = payload
        else:
            built = super().build_per_event_executor(payload)
            assert isinstance(built, SharedEventExecutor)
            executor = built
        executor.share_key = self._key_for(payload)
        return executor

    def _key_for(self, payload: Any) -> Hashable | None:
        cursor = getattr(payload, "cursor", None)
        if not isinstance(cursor, str):
            return None
        operation = self._operation_key
        if operation is None:
            context = self.context_value
            viewer = getattr(getattr(context, "caller", None), "account_id", None)
            if viewer is None or _shared(context) is None:
                return None
            variables = self.variable_values.coerced
            self._operation_key = operation = _OperationKey(
                self.operation, repr(sorted(variables.items())) if variables else "", viewer
            )
        return (operation, type(payload).__qualname__, cursor)

    def shared_result(self, payload: Any) -> AwaitableOrValue[ExecutionResult] | None:
        """Another subscriber's execution for `payload`: its result, or an awaitable while
        it runs; None when there is none (then execute a per-event copy)."""
        key = self._key_for(payload)
        shared = _shared(self.context_value)
        if key is None or shared is None:
            return None
        task = shared.running(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            return None
        if task.done():
            result: ExecutionResult = task.result()
            return result
        return asyncio.shield(task)

    def cancellable_iterable(self, iterable: AsyncIterable[Any]) -> AsyncIterable[Any]:
        claimer = _claimer.get()
        if claimer is None:
            return super().cancellable_iterable(iterable)
        claimer(self, iterable)
        # A claimed subscription's executor only makes per-event copies: it keeps its
        # arguments, not graphql-core's per-execution state (memory per idle subscription:
        # docs/benchmarks.md).
        self._operation_key = None  # computed on first use, with what it needs kept
        drop_per_execution_state(self)
        self._claimed = True
        return _Empty()

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        key = self.share_key
        shared = _shared(self.context_value)
        if key is None or shared is None:
            return super().execute_operation(serially)
        return shared.load(key, lambda: self._execute_once(serially))

    async def _execute_once(self, serially: bool | None) -> SharedResult:
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        return SharedResult(result)


def _shared(context: Any) -> SharedLoads | None:
    services = getattr(context, "services", None)
    loads = getattr(services, "shared_execution", None)
    return loads if isinstance(loads, SharedLoads) else None
