"""Summarise a py-spy collapsed-stack profile: where the samples go, by library and function.

python -m bench.profile_summary bench/profiles/feed.collapsed
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# py-spy names files relative to sys.path: the first folder is the package.
LIBRARIES = {
    "graphql": "graphql-core",
    "aiosqlite": "aiosqlite/sqlite3",
    "pypika_tortoise": "tortoise",
    "iso8601": "tortoise",
}
PARLEY = {"models", "resolvers", "schema", "subscriptions", "bench", "server.py", "web/auth.py"}
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def _library(path: str) -> str:
    head = path.split("site-packages/")[-1].split("/", 1)[0]
    if head in PARLEY:
        return "parley"
    if head.startswith("<frozen"):
        return "python"
    return LIBRARIES.get(head, head)


def summarise(path: Path, top: int) -> str:
    own_library: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own_function: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [FRAME.match(frame) for frame in stack.split(";")]
        parsed = [(m["func"], m["file"]) for m in frames if m]
        if not parsed:
            continue
        total += count
        func, file = parsed[-1]
        own_library[_library(file)] += count
        own_function[f"{func} ({file.split('site-packages/')[-1]})"] += count
        for name in {_library(f) for _, f in parsed}:
            inclusive[name] += count
    lines = [f"{total} samples", "", "| library | self % | inclusive % |", "| --- | --- | --- |"]
    for name, count in own_library.most_common():
        lines.append(
            f"| {name} | {100 * count / total:.1f} | {100 * inclusive[name] / total:.1f} |"
        )
    lines += ["", f"top {top} functions by self time:"]
    for name, count in own_function.most_common(top):
        lines.append(f"  {100 * count / total:5.1f}%  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    print(summarise(args.profile, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
