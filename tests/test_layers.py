"""Every top-level module of the source tree has a place in the layer contracts.

`lint-imports` (in `make lint`) checks the contracts of `[tool.importlinter]` in
pyproject.toml, but only for the modules they name: a new top-level package that no
contract names could import anything. This test makes adding one a decision.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_THE_PACKAGE = {"parley.tests", "parley.bench", "parley.setup"}


def top_level_names() -> set[str]:
    """What `parley.` holds as lint-imports sees it, less what the wheel leaves out."""
    children = grimp.build_graph("parley", cache_dir=None).find_children("parley")
    return {name.split(".")[1] for name in children - OUTSIDE_THE_PACKAGE}


def constrained_names() -> set[str]:
    """The top-level names that some contract constrains, as a source or as a container."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names: set[str] = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        for module in [*contract.get("source_modules", []), *contract.get("containers", [])]:
            names.add(module.split(".")[1])
    return names


def test_every_top_level_module_is_a_source_of_some_layer_contract() -> None:
    unplaced = top_level_names() - constrained_names()
    assert not unplaced, (
        "give these a layer in pyproject.toml's [tool.importlinter] contracts "
        f"and in docs/architecture.md: {sorted(unplaced)}"
    )
