"""Real processes for the service tests: Parley servers and a private redis-server.

A Parley process is `uvicorn --factory parley.server:create_app` on a listening socket
the test bound and passes down (`--fd`), so the port is known before the
process starts and a restarted process serves the same address. Its settings
come from the environment, exactly as in production.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.tokens import SECRET

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0  # seconds; the machine is shared and slow


def listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ParleyProcess:
    """One Parley server process; `kill()` is SIGKILL, `start()` serves the same socket again."""

    name: str
    env: dict[str, str]
    log_path: Path
    sock: socket.socket = field(default_factory=listening_socket)
    process: subprocess.Popen[bytes] | None = None
    uvicorn_args: tuple[str, ...] = ()  # more of uvicorn's options, e.g. ("--workers", "2")
    # Another interpreter (an installed wheel's venv) serves from another folder.
    python: str = sys.executable
    cwd: Path = ROOT

    @property
    def base(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    @property
    def http(self) -> str:
        return f"{self.base}/graphql"

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"

    async def start(self) -> None:
        self.spawn()
        await self.wait_healthy()

    def spawn(self) -> None:
        fd = self.sock.fileno()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "parley.server:create_app",
                    "--fd",
                    str(fd),
                    "--log-level",
                    "warning",
                    *self.uvicorn_args,
                ],
                cwd=self.cwd,
                env=self.env,
                pass_fds=(fd,),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Poll /health: a separate process has no event to wait on (bounded loop)."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise AssertionError(f"{self.name} exited:\n{self.log()}")
                try:
                    response = await http.get(f"{self.base}/health")
                    if response.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not healthy after {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def close(self) -> None:
        self.stop()
        self.sock.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def parley_env(
    database_url: str, broadcast_url: str, channel: str, data_dir: Path, **extra: str
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PARLEY_") and key not in ("DATABASE_URL", "BROADCAST_URL")
    }
    env.update(
        DATABASE_URL=database_url,
        BROADCAST_URL=broadcast_url,
        PARLEY_EVENTS_CHANNEL=channel,
        PARLEY_JWT_SECRET=SECRET,
        PARLEY_DEMO="false",
        PARLEY_DEBUG="true",
        PARLEY_DATA_DIR=str(data_dir),
        **extra,
    )
    return env


@dataclass
class RedisServer:
    """A private redis-server on a free loopback port, ours to stop and start."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.spawn()
        await self._wait_ready()

    def spawn(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def _wait_ready(self) -> None:
        """Poll for PING: a separate process has no event to wait on (bounded loop)."""
        from redis import asyncio as redis

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            client: Any = redis.Redis.from_url(self.url, socket_connect_timeout=1)
            try:
                if await client.ping():
                    return
            except (OSError, Exception):
                pass
            finally:
                await client.aclose()
            await asyncio.sleep(0.05)
        raise AssertionError(f"redis-server on {self.port} did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


def make_processes(
    count: int, database_url: str, broadcast_url: str, channel: str, tmp_path: Path, **extra: str
) -> list[ParleyProcess]:
    """`count` Parley processes (A, B, ...) sharing one database, bus and channel; not started."""
    env = parley_env(database_url, broadcast_url, channel, tmp_path / "data", **extra)
    names = "ABCDEFGH"[:count]
    return [ParleyProcess(name, env, tmp_path / f"parley-{name}.log") for name in names]
