"""The lock files are what `make lock` makes from pyproject.toml: no dependency was added,
removed or re-ranged in pyproject.toml without the locks that every machine installs from.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {
    "lock.txt": [],
    "dev.txt": ["--extra", "dev"],
    "bench.txt": ["--extra", "dev", "--extra", "bench"],
}


def pinned(text: str) -> list[str]:
    """The `name==version` lines of a lock file, without hashes or comments."""
    return sorted(line.split()[0] for line in text.splitlines() if "==" in line.split(" ")[0])


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_each_lock_file_is_what_make_lock_makes_of_pyproject(name: str, tmp_path: Path) -> None:
    committed = ROOT / "requirements" / name
    again = tmp_path / name
    shutil.copy(committed, again)  # uv keeps the versions already locked, as `make lock` does
    uv = Path(sys.executable).parent / "uv"
    compile_ = [str(uv), "pip", "compile", str(ROOT / "pyproject.toml"), "--python-version", "3.11"]
    options = ["--generate-hashes", "--quiet", *LOCKS[name], "-o", str(again)]
    subprocess.run([*compile_, *options], check=True, cwd=ROOT)
    assert pinned(again.read_text()) == pinned(committed.read_text()), (
        f"requirements/{name} is stale: run `make lock` and commit it"
    )
