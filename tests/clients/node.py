"""Running a script of tools/clients (Node) against a live server: its JSON lines, one a step."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).parents[2] / "tools" / "clients"


class NodeScript:
    """A running script: it reports with tools/clients/report.mjs and reads go-aheads on stdin."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.steps: dict[str, Any] = {}

    async def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()

    async def until(self, wanted: str, timeout: float = 30) -> dict[str, Any]:
        """Read lines until the step or event `wanted`; every line is checked for warnings."""
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = await self.process.stdout.readline()
                assert line, f"the script exited before {wanted!r}"
                report: dict[str, Any] = json.loads(line)
                assert report.get("step") != "failed", report["error"]
                assert report["warnings"] == [], report
                if "step" in report:
                    self.steps[report["step"]] = report.get("cache")
                if wanted in (report.get("step"), report.get("event")):
                    return report


@asynccontextmanager
async def node_script(script: str, *args: str) -> AsyncIterator[NodeScript]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the client tests"
    assert (CLIENTS / "node_modules" / ".installed-stamp").exists(), "run `make test` (npm ci)"
    process = await asyncio.create_subprocess_exec(
        node,
        str(CLIENTS / script),
        *args,
        cwd=CLIENTS,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    try:
        yield NodeScript(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def run_to_end(script: str, *args: str, timeout: float = 60) -> dict[str, Any]:
    """Run a script that needs no go-ahead; its steps' reports by name."""
    async with node_script(script, *args) as running:
        await running.until("done", timeout)
        return running.steps
