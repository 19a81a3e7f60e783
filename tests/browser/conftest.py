"""Browser tests: Debian's chromium, driven by playwright-core, against a live server.

They run on SQLite only: what they prove is the browser's side of the wire, which the
database does not change. Each test's screenshots go to test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from parley.compat.tortoise import clear_executor_cache
from tests.browser.drivers import ARTIFACTS, require_browser


@pytest.fixture(autouse=True)
def chromium() -> None:
    """Skips (or with PARLEY_REQUIRE_SERVICES=1 fails) where chromium cannot run."""
    require_browser()


@pytest.fixture
def db_url(template_db: Path, tmp_path: Path) -> str:
    clear_executor_cache()
    path = tmp_path / "parley.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite://{path}"


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder, emptied first."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
