"""How modules import: Parley's own modules only as `parley.…`, and no conftest at all.

Parley's own modules are imported only as `parley.…`, the name the wheel installs. The
development venv also has the checkout's root on `sys.path` (pytest, `python -m`), so
`import metrics` would load a second copy of a module beside `parley.telemetry.metrics`: two metric
registries, two settings classes. Every import of a top-level name of the source tree
must go through `parley.`.

A conftest holds fixtures, which pytest finds by itself; helpers that tests import live in
named modules (`tests/tokens.py`, `tests/live_server.py`, ...). Importing a conftest as a
module would also load it a second time under another name.

Tests import our names as they are (`update_preferences`, not `n.update_preferences`), so a
reader finds a name where it is defined in one search.
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


def imports(under: Path = ROOT) -> list[tuple[str, str, ast.alias]]:
    """Every absolute import below `under`, as ("path:line", "imported.module", the name)."""
    found = []
    for path in python_files():
        if not path.is_relative_to(under):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [(alias.name, alias) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [(node.module, alias) for alias in node.names]
            else:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            found += [(where, module, alias) for module, alias in names]
    return found


def test_no_module_imports_parleys_modules_by_their_bare_names() -> None:
    names = own_names()
    assert {"server", "models", "schema", "web"} <= names
    bare = [f"{where} {module}" for where, module, _ in imports() if module.split(".")[0] in names]
    assert not bare, "import these as parley.<name>:\n" + "\n".join(bare)


def test_no_module_imports_a_conftest() -> None:
    found = [
        f"{where} {module}"
        for where, module, alias in imports()
        if "conftest" in (module.split(".")[-1], alias.name)
    ]
    assert not found, "move what these import into a helper module:\n" + "\n".join(found)


def test_parleys_names_are_imported_without_renaming_them() -> None:
    renamed = [
        f"{where} {alias.name} as {alias.asname}"
        for where, module, alias in imports()
        if module.split(".")[0] == "parley" and alias.asname
    ]
    assert not renamed, "import these by their own names:\n" + "\n".join(renamed)
