"""The ```graphql blocks of Parley's Markdown docs (README.md, docs/*.md), with their lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parent.parent
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```graphql[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced block: its text and where it starts (the line after the fence)."""

    path: Path
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def graphql_blocks(paths: tuple[Path, ...] = DOCS) -> list[Block]:
    """Every ```graphql block of `paths`, in order."""
    blocks: list[Block] = []
    for path in paths:
        text = path.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start(1)) + 1
            blocks.append(Block(path, line, match.group(1)))
    return blocks
