"""Bearer tokens for tests, signed with the secret every test server is configured with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parley.web.auth import Keys, issue_token

SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


def token(subject: str | int, role: str | None = None) -> str:
    """A token for `subject` (an account id, or a service name with `role=SERVICE_ROLE`)."""
    keys = Keys("HS256", SECRET, SECRET)
    return issue_token(keys, str(subject), role=role, ttl=timedelta(hours=1), now=datetime.now(UTC))
