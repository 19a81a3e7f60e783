"""The wheel a platform team installs is complete: built here, installed into a fresh venv
from the lock file, with no source tree on the path, it serves a query and a subscription.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from parley.resolvers.cursors import event_cursor
from tests.services.api import INDICATORS, make_pair, send
from tests.services.processes import ROOT, ParleyProcess, parley_env
from tests.support import GraphQLWSClient
from tests.tokens import token

NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "data", "build", "*.egg-info", "__pycache__", ".*_cache"
)
NOT_SHIPPED = {"tests", "bench", "tools", "docs"}
# From the start of the log: the send below cannot overtake the subscription.
FROM_THE_START = event_cursor(0)


def build_wheel(into: Path) -> Path:
    """`pip wheel` over a copy of the tree, so the build leaves nothing in the checkout."""
    source = into / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--wheel-dir", str(into), str(source)], check=True)
    (wheel,) = into.glob("parley-*.whl")
    return wheel


def shipped_modules() -> set[str]:
    """Every Python file of the source tree that belongs in the package."""
    return {
        "parley/" + path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in NOT_SHIPPED | {".venv", "setup.py"}
        and "node_modules" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The python of a venv holding the locked dependencies and the wheel, nothing else."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    uv = [str(Path(sys.executable).parent / "uv"), "pip", "install", "--quiet"]
    lock = str(ROOT / "requirements" / "lock.txt")
    subprocess.run([*uv, "--python", str(python), "--require-hashes", "-r", lock], check=True)
    subprocess.run([*uv, "--python", str(python), "--no-deps", str(wheel)], check=True)
    where = subprocess.run(
        [str(python), "-c", "import parley.server as s; print(s.__file__)"],
        cwd=venv,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), f"parley imported from {where}, not the venv"
    return python


def test_the_wheel_ships_every_module_under_parley_and_nothing_at_the_top(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {"parley", "parley-0.1.0.dist-info"}
    missing = shipped_modules() - names
    assert not missing, f"the wheel lacks {sorted(missing)}"
    assert not any(name.startswith(("parley/tests/", "parley/bench/")) for name in names)
    assert "parley-0.1.0.dist-info/licenses/LICENSE" in names
    static = {
        "parley/" + path.relative_to(ROOT).as_posix()
        for path in (ROOT / "static").rglob("*")
        if path.is_file()
    }
    assert static, "no static files found"
    assert not static - names, f"the wheel lacks {sorted(static - names)}"


async def test_the_installed_wheel_serves_a_query_and_a_subscription(
    installed: Path, tmp_path: Path
) -> None:
    env = parley_env(
        f"sqlite://{tmp_path / 'parley.sqlite3'}", "memory://", "installed", tmp_path / "data"
    )
    server = ParleyProcess(
        "installed", env, tmp_path / "server.log", python=str(installed), cwd=tmp_path
    )
    try:
        await server.start()
        async with httpx.AsyncClient(timeout=10) as http:
            pair = await make_pair(http, server.http)
            ws = await GraphQLWSClient.open(server.ws, token(pair.freelancer))
            await ws.subscribe("u", INDICATORS, {"after": FROM_THE_START})
            await send(http, server.http, pair, "from the installed wheel")
            payload = await ws.next_payload("u")
            assert payload["unreadIndicators"]["summary"]["totalUnread"] == 1
            await ws.close()
            asset = await http.get(f"{server.base}/static/graphiql/vendor/graphiql.min.js")
            assert asset.status_code == 200
            assert asset.content == (ROOT / "static/graphiql/vendor/graphiql.min.js").read_bytes()
    finally:
        server.close()
