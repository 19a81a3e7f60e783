"""How modules import: Parley's own modules only as `parley.…`, and no conftest at all.

Parley's own modules are imported only as `parley.…`, the name the wheel installs. The
development venv also has the checkout's root on `sys.path` (pytest, `python -m`), so
`import metrics` would load a second copy of a module beside `parley.telemetry.metrics`: two metric
registries, two settings classes. Every import of a top-level name of the source tree
must go through `parley.`.

A conftest holds fixtures, which pytest finds by itself; helpers that tests import live in
named modules (`tests/tokens.py`, `tests/live_server.py`, ...). Importing a conftest as a
module would also load it a second time under another name.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_THE_PACKAGE = {"tests", "bench", "tools", "docs", "setup"}


def own_names() -> set[str]:
    """The top-level modules and packages of the source tree (what `parley.` contains)."""
    names = {path.stem for path in ROOT.glob("*.py")}
    names |= {path.parent.name for path in ROOT.glob("*/__init__.py")}
    return names - OUTSIDE_THE_PACKAGE


def python_files() -> list[Path]:
    skipped = {".venv", ".git", "node_modules"}
    return [path for path in ROOT.rglob("*.py") if not skipped & set(path.relative_to(ROOT).parts)]


def imports() -> list[tuple[str, str]]:
    """Every absolute import in the tree, as ("path:line", "imported.module")."""
    found = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            found += [(f"{path.relative_to(ROOT)}:{node.lineno}", module) for module in modules]
    return found


def test_no_module_imports_parleys_modules_by_their_bare_names() -> None:
    names = own_names()
    assert {"server", "models", "schema", "web"} <= names
    bare = [f"{where} {module}" for where, module in imports() if module.split(".")[0] in names]
    assert not bare, "import these as parley.<name>:\n" + "\n".join(bare)


def test_no_module_imports_a_conftest() -> None:
    found = [f"{where} {module}" for where, module in imports() if module.endswith("conftest")]
    assert not found, "move what these import into a helper module:\n" + "\n".join(found)
