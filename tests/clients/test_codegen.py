"""GraphQL Code Generator takes every README example as written, and `tsc --strict` takes
what it generates, with DateTime, Date and Decimal typed as strings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.clients.node import CLIENTS
from tests.graphql_blocks import graphql_blocks

TSC = ("--strict", "--noEmit", "--skipLibCheck", "--target", "es2022", "--lib", "es2022")
TS_MODULES = ("--module", "esnext", "--moduleResolution", "bundler")


def run(*command: str) -> None:
    done = subprocess.run(command, cwd=CLIENTS, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_codegen_and_tsc_strict_accept_the_readme_documents(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed for GraphQL Code Generator"
    assert (CLIENTS / "node_modules" / ".installed-stamp").exists(), "run `make test` (npm ci)"
    documents = tmp_path / "documents"
    documents.mkdir()
    for number, block in enumerate(graphql_blocks()):
        (documents / f"{number:03}.graphql").write_text(block.text)

    run(node, "codegen.mjs", str(documents), str(tmp_path / "graphql.ts"))
    shutil.copy(CLIENTS / "codegen_usage.ts", tmp_path / "usage.ts")
    run(
        str(CLIENTS / "node_modules" / ".bin" / "tsc"),
        *TSC,
        *TS_MODULES,
        str(tmp_path / "usage.ts"),
    )

    generated = (tmp_path / "graphql.ts").read_text()
    assert "lastActivityAt: string" in generated  # DateTime
    assert "amount: string" in generated  # Decimal
    assert "deliveryDate: string" in generated  # Date
    assert ": any" not in generated  # (strictScalars: a scalar without a mapping fails codegen)
