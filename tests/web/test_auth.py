"""Bearer tokens: HS256 and RS256, service role, and every way a token can be wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from parley import cli
from parley.models.accounts import AccountKind, create_account
from parley.models.global_ids import Tag
from parley.models.store.clock import ManualClock
from parley.web.auth import (
    SERVICE_ROLE,
    Caller,
    Keys,
    KnownAccounts,
    TokenError,
    TokenVerifier,
    issue_token,
    load_keys,
)
from parley.web.settings import Settings
from tests.ids import gid
from tests.support import Executor, account

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _verifier(keys: Keys, **settings: object) -> TokenVerifier:
    return TokenVerifier(keys, Settings(**settings))  # type: ignore[arg-type]


def test_hs256_tokens_name_an_account_or_the_service() -> None:
    keys = Keys("HS256", "s" * 40, "s" * 40)
    verifier = _verifier(keys)
    now = datetime.now(UTC)
    assert verifier.verify(issue_token(keys, "42", ttl=timedelta(minutes=5), now=now)) == Caller(42)
    service = issue_token(keys, "market", role=SERVICE_ROLE, ttl=timedelta(minutes=5), now=now)
    assert verifier.verify(service) == Caller(None, is_service=True)


def test_rs256_tokens_are_verified_with_the_public_key(tmp_path: object) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = Settings(
        jwt_algorithm="RS256", jwt_public_key=public_pem, jwt_private_key=private_pem
    )
    keys = load_keys(settings)
    token = issue_token(keys, "7", ttl=timedelta(minutes=5), now=datetime.now(UTC))
    assert TokenVerifier(keys, settings).verify(token) == Caller(7)
    forged = jwt.encode({"sub": "7"}, "a-shared-secret-someone-guessed-000000", algorithm="HS256")
    with pytest.raises(TokenError):
        TokenVerifier(keys, settings).verify(forged)


def _signed(claims: dict[str, object], secret: str = "s" * 40) -> str:
    """A token with exactly these claims (exp and iat relative to now when given as timedelta)."""
    now = datetime.now(UTC)
    concrete = {k: now + v if isinstance(v, timedelta) else v for k, v in claims.items()}
    return "Bearer " + jwt.encode(concrete, secret, algorithm="HS256")


FRESH = {"iat": timedelta(0), "exp": timedelta(minutes=5)}


@pytest.mark.parametrize(
    ("make_header", "reason"),
    [
        (partial(_signed, {"sub": "1", "exp": NOW}), "expired"),
        (partial(_signed, {"sub": "1", **FRESH}, "other" * 10), "not valid"),
        (partial(_signed, {"role": "x", **FRESH}), "no 'sub' claim"),
        (partial(_signed, {"sub": "1"}), "no 'exp' claim"),
        (partial(_signed, {"sub": "1", "iat": timedelta(0)}), "no 'exp' claim"),
        (partial(_signed, {"sub": "1", "exp": timedelta(days=2)}), "longer than the allowed 86400"),
        (partial(_signed, {"sub": "1", "iat": timedelta(0), "exp": timedelta(hours=25)}), "longer"),
        (
            partial(_signed, {"sub": "1", "iat": timedelta(days=-3), "exp": timedelta(hours=1)}),
            "longer",
        ),
        (
            partial(_signed, {"sub": "market", "role": SERVICE_ROLE, "exp": timedelta(days=30)}),
            "longer",
        ),
        (partial(_signed, {"sub": 7, **FRESH}), "not valid"),
        (partial(_signed, {"sub": "abc", **FRESH}), "subject"),
        (partial(_signed, {"sub": str(2**64), **FRESH}), "subject"),
        (partial(_signed, {"sub": str(2**63), **FRESH}), "subject"),
        (partial(_signed, {"sub": "-1", **FRESH}), "subject"),
        (partial(_signed, {"sub": "0", **FRESH}), "subject"),
        (partial(_signed, {"sub": "007", **FRESH}), "subject"),
        (partial(_signed, {"sub": "+7", **FRESH}), "subject"),
        (partial(_signed, {"sub": " 7", **FRESH}), "subject"),
        (
            partial(_signed, {"sub": "\u0667", **FRESH}),
            "subject",
        ),  # an Arabic-Indic 7: int() takes it
        (partial(_signed, {"sub": "9" * 5000, **FRESH}), "subject"),
        (partial(_signed, {"sub": gid(Tag.ORDER, 7), **FRESH}), "subject"),  # not an account
        (partial(_signed, {"sub": gid(Tag.ACCOUNT, 7) + "=", **FRESH}), "subject"),
        (partial(str, "Token abc"), "Bearer"),
        (partial(str, "Bearer "), "Bearer"),
    ],
)
def test_bad_tokens_are_refused_with_a_reason(make_header: Callable[[], str], reason: str) -> None:
    verifier = _verifier(Keys("HS256", "s" * 40, "s" * 40))
    header = make_header()  # signed now: a token made at collection could expire meanwhile
    with pytest.raises(TokenError, match=reason):
        verifier.verify_header(header)


def test_the_largest_account_id_and_the_maximum_lifetime_are_accepted() -> None:
    verifier = _verifier(Keys("HS256", "s" * 40, "s" * 40), jwt_max_lifetime_seconds=3600)
    largest = _signed({"sub": str(2**63 - 1), "iat": timedelta(0), "exp": timedelta(hours=1)})
    assert verifier.verify_header(largest) == Caller(2**63 - 1)
    without_iat = _signed({"sub": "5", "exp": timedelta(minutes=59)})
    assert verifier.verify_header(without_iat) == Caller(5)


def test_an_accounts_global_id_is_a_subject_as_its_row_id_is() -> None:
    verifier = _verifier(Keys("HS256", "s" * 40, "s" * 40))
    by_global_id = _signed({"sub": gid(Tag.ACCOUNT, 2**63 - 1), **FRESH})
    assert verifier.verify_header(by_global_id) == Caller(2**63 - 1)
    assert verifier.verify_header(_signed({"sub": gid(Tag.ACCOUNT, 5), **FRESH})) == Caller(5)


def test_no_header_is_anonymous() -> None:
    assert _verifier(Keys("HS256", "s" * 40, "s" * 40)).verify_header(None) is None


async def test_a_token_for_an_unknown_account_is_unauthenticated(gql: Executor) -> None:
    errors = await gql.errors("{ me { id } }", as_=account(999))
    assert errors[0]["extensions"] == {"code": "UNAUTHENTICATED"}


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    keys = Keys("HS256", "s" * 40, "s" * 40)
    now = datetime.now(UTC)
    clock = ManualClock(now)
    verifier = TokenVerifier(keys, Settings(), clock=clock)
    token = issue_token(keys, "42", ttl=timedelta(minutes=5), now=now)
    assert verifier.verify(token) == Caller(42)
    clock.advance(timedelta(minutes=4, seconds=59))
    assert verifier.verify(token) == Caller(42)  # remembered, still valid
    clock.advance(timedelta(seconds=1))
    with pytest.raises(TokenError, match="expired"):
        verifier.verify(token)
    with pytest.raises(TokenError, match="expired"):
        verifier.verify(token)  # and stays refused


def test_only_good_tokens_are_remembered_and_the_memory_is_bounded() -> None:
    keys = Keys("HS256", "s" * 40, "s" * 40)
    verifier = TokenVerifier(keys, Settings(), cache_size=2)
    now = datetime.now(UTC)
    tokens = [issue_token(keys, str(i), ttl=timedelta(minutes=5), now=now) for i in (1, 2, 3)]
    assert [verifier.verify(t) for t in tokens] == [Caller(1), Caller(2), Caller(3)]
    assert [verifier.verify(t) for t in tokens] == [Caller(1), Caller(2), Caller(3)]
    forged = jwt.encode({"sub": "1"}, "other" * 10, algorithm="HS256")
    for _ in range(2):
        with pytest.raises(TokenError, match="not valid"):
            verifier.verify(forged)


def test_the_cli_prints_tokens_the_server_accepts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PARLEY_JWT_SECRET", "s" * 40)
    monkeypatch.setenv("PARLEY_JWT_MAX_LIFETIME_SECONDS", "600")
    assert cli.main(["token", "42"]) == 0
    assert cli.main(["token", "--role", SERVICE_ROLE]) == 0
    account, service = capsys.readouterr().out.split()
    verifier = _verifier(Keys("HS256", "s" * 40, "s" * 40), jwt_max_lifetime_seconds=600)
    assert verifier.verify(account) == Caller(42)
    assert verifier.verify(service) == Caller(None, is_service=True)
    claims = jwt.decode(account, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 600


async def test_known_accounts_are_bounded_and_unknown_ids_are_never_remembered(
    db: object, clock: ManualClock
) -> None:
    known = KnownAccounts(clock, ttl=60, size=2)
    made = [await create_account(clock, kind=AccountKind.CLIENT, name=f"C{i}") for i in range(3)]
    assert [await known.exists(account.id) for account in made] == [True, True, True]
    assert len(known) == 2, "the oldest answer made room"
    assert not await known.exists(made[-1].id + 1)
    assert len(known) == 2
    await create_account(clock, kind=AccountKind.CLIENT, name="Late")
    assert await known.exists(made[-1].id + 1), "created since: known at once"
