"""docs/architecture.md draws the tree of the shipped package: it stays true.

A module added, moved or removed without the drawing following fails here, with
the path to add or take out.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
NOT_SHIPPED = {"tests", "bench", "tools", "docs", "node_modules", ".venv"}


def shipped_modules() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if not NOT_SHIPPED.intersection(path.relative_to(ROOT).parts)
        and "migrations" not in path.parts
        and path.name not in ("__init__.py", "setup.py")
    }


def drawn_modules() -> set[str]:
    """The paths of the tree block: two spaces of indent per folder level."""
    text = DOC.read_text()
    block = text.split("## The tree", 1)[1].split("```", 2)[1]
    folders: list[str] = []
    drawn = set()
    for line in block.splitlines():
        match = re.match(r"( *)(\S+)", line)
        if match is None or match.group(2) == "text":
            continue
        depth, name = len(match.group(1)) // 2, match.group(2)
        del folders[depth:]
        if name.endswith("/"):
            folders.append(name.removesuffix("/"))
        else:
            drawn.add("/".join([*folders, name]))
    return drawn


def test_the_drawn_tree_names_every_shipped_module() -> None:
    missing = sorted(shipped_modules() - drawn_modules())
    assert not missing, f"docs/architecture.md's tree lacks: {missing}"


def test_the_drawn_tree_names_no_module_that_is_gone() -> None:
    gone = sorted(drawn_modules() - shipped_modules())
    assert not gone, f"docs/architecture.md's tree names modules that do not exist: {gone}"
