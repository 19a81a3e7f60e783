"""Bearer tokens: the marketplace owns identity, Parley verifies its JWTs.

`sub` is the Parley account: its global id as the API shows it (`Account.id`), or the
row id behind it; a `role` claim of `service` marks the
marketplace's own backend, which may create accounts and drive orders.
HS256 (shared secret) or RS256 (the marketplace's public key), from settings.
For development without a configured secret, one is generated once and kept
in the data folder so that printed demo tokens survive restarts.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from parley.models import global_ids
from parley.models.accounts import account_exists
from parley.models.global_ids import Tag
from parley.models.store.clock import Clock, SystemClock
from parley.web.settings import Settings

log = logging.getLogger("parley.auth")

SERVICE_ROLE = "service"
# An account id as a token's `sub`: ASCII digits, no sign or leading zero, within BIGINT.
ACCOUNT_ID = re.compile(r"[1-9][0-9]{0,18}")
ACCOUNT_ID_MAX = 2**63 - 1


class TokenError(Exception):
    """The token is missing a part, expired, or not signed by the marketplace."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an account, or the marketplace's service backend."""

    account_id: int | None
    is_service: bool = False


@dataclass(frozen=True, slots=True)
class Keys:
    algorithm: str
    verify_key: str
    signing_key: str | None


def load_keys(settings: Settings) -> Keys:
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_public_key:
            raise RuntimeError("PARLEY_JWT_PUBLIC_KEY is required with PARLEY_JWT_ALGORITHM=RS256")
        return Keys("RS256", settings.jwt_public_key, settings.jwt_private_key)
    secret = settings.jwt_secret or _development_secret(settings.data_dir)
    return Keys("HS256", secret, secret)


def _development_secret(data_dir: Path) -> str:
    path = data_dir / "dev-jwt-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    log.warning("PARLEY_JWT_SECRET is not set: generated a development secret in %s", path)
    return secret


class TokenVerifier:
    """Verifies bearer tokens, remembering up to `cache_size` good ones.

    A client sends the same token with every request, and checking its signature
    each time cost about as much as a feed page's SQL. A token is fully checked
    by PyJWT the first time it is seen (signature, claims, expiry: the errors are
    PyJWT's); every use, the first included, also checks its `exp` against
    `clock`, so a remembered token is refused once it has expired, as before.

    Every token must carry `exp`, and live no longer than the configured maximum:
    `exp - iat` when it has `iat`, else `exp` minus now. An account's `sub` is a
    positive 64-bit id in decimal; anything else is not a valid token.
    """

    def __init__(
        self, keys: Keys, settings: Settings, clock: Clock | None = None, cache_size: int = 4096
    ) -> None:
        self._keys = keys
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._clock = clock or SystemClock()
        self._cache_size = cache_size
        self._max_lifetime = settings.jwt_max_lifetime_seconds
        # token -> (caller, exp as a POSIX timestamp), oldest first.
        self._verified: dict[str, tuple[Caller, int]] = {}

    def verify(self, token: str) -> Caller:
        known = self._verified.get(token)
        if known is None:
            known = self._decode(token)
            if len(self._verified) >= self._cache_size:
                del self._verified[next(iter(self._verified))]
            self._verified[token] = known
        caller, expires = known
        if expires <= self._clock.now().timestamp():
            raise TokenError("The token has expired.")
        return caller

    def _decode(self, token: str) -> tuple[Caller, int]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._keys.verify_key,
                algorithms=[self._keys.algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["sub", "exp"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("The token has expired.") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenError(f"The token has no '{exc.claim}' claim.") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("The token is not valid.") from exc
        expires = int(claims["exp"])  # PyJWT checked it is a number
        issued = claims.get("iat")
        start = int(issued) if issued is not None else self._clock.now().timestamp()
        if expires - start > self._max_lifetime:
            raise TokenError(
                f"The token lives longer than the allowed {self._max_lifetime} seconds."
            )
        if claims.get("role") == SERVICE_ROLE:
            return Caller(account_id=None, is_service=True), expires
        return Caller(account_id=_account_id(claims["sub"])), expires

    def verify_header(self, value: str | None) -> Caller | None:
        """None for no credentials; a Caller for a good bearer token; TokenError otherwise."""
        if value is None or not value.strip():
            return None
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenError("Send the token as 'Authorization: Bearer <token>'.")
        return self.verify(token.strip())


def _account_id(subject: object) -> int:
    if isinstance(subject, str) and ACCOUNT_ID.fullmatch(subject):
        account_id = int(subject)
        if account_id <= ACCOUNT_ID_MAX:
            return account_id
    decoded = global_ids.decode(subject)
    if decoded is not None and decoded[0] is Tag.ACCOUNT:
        return decoded[1]
    raise TokenError("The token's subject is not an account id.")


class KnownAccounts:
    """Which account ids exist, for authentication: a signed token for no account is refused.

    Only "this id exists" is remembered, for `ttl` seconds on `clock` and for at most
    `size` ids (the oldest answer is dropped first). An unknown id is asked of the
    database every time, so an account created by any process works at once.
    Parley never deletes an account; one removed outside it (SQL, a restore) stops
    authenticating in every process within `ttl`. Other changes (name, status) do not
    touch existence, so nothing else needs to invalidate an answer.
    """

    def __init__(self, clock: Clock, ttl: float, size: int = 65_536) -> None:
        self._clock = clock
        self._ttl = ttl
        self._size = size
        # account id -> when the database last said it exists (POSIX seconds), oldest first.
        self._seen: dict[int, float] = {}

    async def exists(self, account_id: int) -> bool:
        now = self._clock.now().timestamp()
        seen = self._seen.get(account_id)
        if seen is not None and now - seen < self._ttl:
            return True
        self._seen.pop(account_id, None)
        if not await account_exists(account_id):
            return False
        if len(self._seen) >= self._size:
            del self._seen[next(iter(self._seen))]
        self._seen[account_id] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


def issue_token(
    keys: Keys, subject: str, *, role: str | None = None, ttl: timedelta, now: datetime
) -> str:
    if keys.signing_key is None:
        raise RuntimeError("No signing key configured (set PARLEY_JWT_PRIVATE_KEY for RS256).")
    claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + ttl}
    if role:
        claims["role"] = role
    return jwt.encode(claims, keys.signing_key, algorithm=keys.algorithm)
