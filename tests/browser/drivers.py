"""The browser drivers (tools/browser, Node and playwright-core) as a test runs them, and the
gate that skips, or under PARLEY_REQUIRE_SERVICES=1 fails, where chromium is missing."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.services_env import REQUIRED

ROOT = Path(__file__).parents[2]
DRIVERS = ROOT / "tools" / "browser"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
DRIVER_WAIT = 90.0  # seconds a whole driver may take: its own waits are 15 s each


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (DRIVERS / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed: run `make pytest` (npm ci in tools/browser)"
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"chromium is not at {CHROMIUM}: `make pytest` installs Debian's chromium as root "
            "with apt-get; elsewhere install it or set PARLEY_CHROMIUM"
        )
    return None


def require_browser() -> None:
    problem = browser_problem()
    if problem is None:
        return
    if REQUIRED:
        pytest.fail(
            f"the browser tests are required (PARLEY_REQUIRE_SERVICES=1): {problem}",
            pytrace=False,
        )
    pytest.skip(f"{problem}; set PARLEY_REQUIRE_SERVICES=1 to make this a failure")


class Driver:
    """A running driver: its JSON lines, read as the test waits for them."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.steps: list[str] = []

    async def until(self, wanted: str, timeout: float = DRIVER_WAIT) -> dict[str, Any]:
        """The next event named `wanted`; a driver's `error` fails the test with its story."""
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = await self.process.stdout.readline()
                if not line:
                    assert self.process.stderr is not None
                    stderr = (await self.process.stderr.read()).decode(errors="replace")
                    code = await self.process.wait()
                    raise AssertionError(f"the driver exited ({code}) before {wanted!r}: {stderr}")
                event: dict[str, Any] = json.loads(line)
                if event["event"] == "error":
                    raise AssertionError(
                        f"the browser stopped at step {event['step']!r} (screenshots: "
                        f"{', '.join(self.steps)}):\n{event['error']}"
                    )
                if event["event"] == "step":
                    self.steps.append(event["file"])
                if event["event"] == wanted:
                    return event


@asynccontextmanager
async def driver(script: str, artifacts: Path, **options: Any) -> AsyncIterator[Driver]:
    """tools/browser/<script> running with `options` (and `artifacts`) as its JSON argument."""
    node = shutil.which("node")
    assert node is not None
    argument = json.dumps({"artifacts": str(artifacts), **options})
    process = await asyncio.create_subprocess_exec(
        node,
        str(DRIVERS / script),
        argument,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PARLEY_CHROMIUM": CHROMIUM},
        limit=1 << 20,
    )
    try:
        yield Driver(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def run_driver(script: str, artifacts: Path, **options: Any) -> dict[str, Any]:
    """Runs a driver to its end: what it reported as `done`, and its `screenshots`."""
    async with driver(script, artifacts, **options) as running:
        done = await running.until("done")
        return {**done, "screenshots": screenshots(running.steps)}


def screenshots(files: list[str]) -> list[str]:
    """The names of a driver's screenshots, each checked to be a non-empty file."""
    for file in files:
        assert Path(file).stat().st_size > 0, f"{file} is empty"
    return [Path(file).name for file in files]
