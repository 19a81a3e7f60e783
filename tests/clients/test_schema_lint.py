"""graphql-schema-linter over schema.graphql, with the committed rules
(tools/clients/.graphql-schema-linterrc.yml): not one finding."""

from __future__ import annotations

import json
import subprocess

from tests.clients.node import CLIENTS


def test_graphql_schema_linter_finds_nothing_in_schema_graphql() -> None:
    linter = CLIENTS / "node_modules" / ".bin" / "graphql-schema-linter"
    assert linter.exists(), "run `make test` (npm ci) first"
    run = subprocess.run(
        [str(linter), "--format", "json"], cwd=CLIENTS, capture_output=True, text=True, timeout=60
    )
    findings = [
        f"{error['location']['line']}: {error['message']} ({error['rule']})"
        for error in json.loads(run.stdout)["errors"]
    ]
    assert findings == [], "\n".join(findings)
    assert run.returncode == 0, run.stderr
