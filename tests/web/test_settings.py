"""Settings read from the environment: the one allow-list of browser origins."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from parley.web.settings import DEV_ORIGINS, Settings


@pytest.fixture(autouse=True)
def no_origin_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with neither origin variable set."""
    for name in ("PARLEY_ALLOWED_ORIGINS", "PARLEY_WS_ALLOWED_ORIGINS", "PARLEY_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def test_the_list_is_read_as_json_and_written_as_browsers_send_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "PARLEY_ALLOWED_ORIGINS",
        '["HTTPS://App.Example:443/", "http://localhost:3000", "http://[::1]:8080"]',
    )

    assert Settings(debug=False).allowed_origins_on == [
        "https://app.example",
        "http://localhost:3000",
        "http://[::1]:8080",
    ]


@pytest.mark.parametrize(
    "given",
    [
        "*",
        "null",
        "localhost:3000",
        "ftp://files.example",
        "https://app.example/inbox",
        "https://app.example?x=1",
        "https://user@app.example",
        "https://app.example:99999",
    ],
)
def test_anything_but_an_origin_is_refused_at_start_up(given: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings(allowed_origins=[given])


def test_production_allows_no_other_origin_by_default() -> None:
    assert Settings(debug=False).allowed_origins_on == []


def test_debug_allows_the_local_dev_servers_by_default() -> None:
    assert Settings(debug=True).allowed_origins_on == list(DEV_ORIGINS)


def test_an_empty_list_given_in_debug_stays_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_ALLOWED_ORIGINS", "[]")

    assert Settings(debug=True).allowed_origins_on == []


def test_the_deprecated_websocket_setting_is_read_when_the_new_one_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARLEY_WS_ALLOWED_ORIGINS", '["https://old.example/"]')

    assert Settings(debug=True).allowed_origins_on == ["https://old.example"]

    monkeypatch.setenv("PARLEY_ALLOWED_ORIGINS", '["https://new.example"]')

    assert Settings(debug=True).allowed_origins_on == ["https://new.example"]


def test_credentials_are_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().allowed_origins_credentials is False

    monkeypatch.setenv("PARLEY_ALLOWED_ORIGINS_CREDENTIALS", "true")

    assert Settings().allowed_origins_credentials is True
