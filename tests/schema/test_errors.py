"""Expected failures as data (schema.errors): one code enum, and result unions mypy checks.

The mypy test is the guard for every mutation: a resolver whose `error_result` names
an error its declared union lacks must not type-check.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLNonNull
from mypy import api

from parley.compat.strawberry import graphql_schema
from parley.models import errors
from parley.models.calls import CallInviteStatus
from parley.models.rules import MessagingBlocked, Rule
from parley.schema.build import build_schema
from parley.schema.errors import (
    CallInviteClosedError,
    InvalidInputError,
    MessagingBlockedError,
    NotFoundError,
    OutsideCallWindowError,
    RateLimitedError,
    error_result,
)

ROOT = Path(__file__).resolve().parents[2]

RESOLVERS = """
from parley.models.errors import ParleyError
from parley.schema.errors import NotFoundError, PermissionDeniedError, error_result
from parley.schema.messaging import SendMessageResult


def names_errors_of_its_union(exc: ParleyError) -> SendMessageResult:
    return error_result(exc, NotFoundError)


def names_an_error_outside_its_union(exc: ParleyError) -> SendMessageResult:
    return error_result(exc, NotFoundError, PermissionDeniedError)
"""


def test_mypy_rejects_a_resolver_that_returns_an_error_outside_its_union(tmp_path: Path) -> None:
    module = tmp_path / "resolver_snippet.py"
    module.write_text(RESOLVERS)
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(module)])
    reported = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1, out + err
    assert len(reported) == 1, out
    assert "resolver_snippet.py:12: error: Incompatible return value type" in reported[0]
    assert "PermissionDeniedError" in reported[0]


def test_a_domain_error_becomes_the_union_member_that_stands_for_it() -> None:
    result = error_result(errors.NotFound("The order"), InvalidInputError, NotFoundError)
    assert result == NotFoundError(
        code=errors.ErrorCode.NOT_FOUND, message="The order was not found."
    )


def test_a_subclass_of_invalid_input_keeps_its_own_code() -> None:
    rejected = errors.CallTimeRejected(errors.ErrorCode.NO_TIMES, "startTimes", "Propose one.")
    result = error_result(rejected, NotFoundError, InvalidInputError)
    assert result == InvalidInputError(
        code=errors.ErrorCode.NO_TIMES, message="Propose one.", field="startTimes"
    )


def test_a_domain_error_outside_the_mutations_errors_is_a_bug() -> None:
    with pytest.raises(TypeError, match="PermissionDenied is none of this mutation's errors"):
        error_result(errors.PermissionDenied("No."), NotFoundError, InvalidInputError)


def test_messaging_blocked_carries_the_rule_as_its_code() -> None:
    refusal = MessagingBlocked(Rule.UNANSWERED_LIMIT, "Wait for a reply.", "Contact support.")
    result = error_result(refusal, MessagingBlockedError)
    assert (result.code, result.rule, result.next_step) == (
        errors.ErrorCode.UNANSWERED_LIMIT,
        Rule.UNANSWERED_LIMIT,
        "Contact support.",
    )


def test_outside_call_window_and_closed_invites_carry_their_codes() -> None:
    at = datetime(2026, 3, 30, 15, tzinfo=UTC)
    early = errors.OutsideCallWindow(errors.ErrorCode.TOO_EARLY, at, "Wait.")
    assert error_result(early, OutsideCallWindowError) == OutsideCallWindowError(
        code=errors.ErrorCode.TOO_EARLY, message="Wait.", at=at
    )
    closed = errors.CallInviteClosed(CallInviteStatus.NO_SHOW.value, "Reported.")
    assert error_result(closed, CallInviteClosedError) == CallInviteClosedError(
        code=errors.ErrorCode.CALL_INVITE_NO_SHOW, message="Reported.", current="NO_SHOW"
    )


def test_rate_limited_carries_its_code() -> None:
    assert RateLimitedError.after(3, "Slow down.") == RateLimitedError(
        code=errors.ErrorCode.RATE_LIMITED, message="Slow down.", retry_after=3
    )


@pytest.mark.parametrize("rule", list(Rule))
def test_every_messaging_rule_is_an_error_code(rule: Rule) -> None:
    assert errors.ErrorCode(rule.value).name == rule.name


@pytest.mark.parametrize("status", list(CallInviteStatus))
def test_every_call_invite_status_has_a_closed_code(status: CallInviteStatus) -> None:
    closed = errors.CallInviteClosed(status.value, "Closed.")
    assert closed.code is errors.ErrorCode[f"CALL_INVITE_{status.name}"]


def test_error_code_is_the_domain_enum_every_value_described() -> None:
    schema = graphql_schema(build_schema(debug=True))
    error = schema.get_type("Error")
    assert isinstance(error, GraphQLInterfaceType)
    code_type = error.fields["code"].type
    assert isinstance(code_type, GraphQLNonNull)
    enum = code_type.of_type
    assert isinstance(enum, GraphQLEnumType)
    assert enum.name == "ErrorCode"
    assert list(enum.values) == [code.name for code in errors.ErrorCode]
    assert all(code.name == code.value for code in errors.ErrorCode)
    assert [name for name, value in enum.values.items() if not value.description] == []


def test_every_error_type_has_the_enum_code() -> None:
    schema = graphql_schema(build_schema(debug=True))
    implementations = schema.get_implementations(schema.get_type("Error"))  # type: ignore[arg-type]
    assert len(implementations.objects) == 16
    for error_type in implementations.objects:
        assert str(error_type.fields["code"].type) == "ErrorCode!", error_type.name


def _subclasses(cls: type[errors.ParleyError]) -> list[type[errors.ParleyError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def test_every_domain_error_with_a_fixed_code_has_an_error_code() -> None:
    fixed = [cls for cls in _subclasses(errors.ParleyError) if "code" in vars(cls)]
    assert errors.NotFound in fixed
    assert all(isinstance(vars(cls)["code"], errors.ErrorCode) for cls in fixed), fixed
