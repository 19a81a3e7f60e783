"""A bench server's memory probe: SIGUSR1 writes what the process holds, for bench.ws_memory.

Installed by bench.serve when PARLEY_BENCH_PROBE names a directory. Each signal
writes `<n>.json` there (VmRSS, gc counts and tracked objects, live objects per
type) and, when tracemalloc is tracing, `<n>.snapshot`; with
PARLEY_BENCH_PROBE_COLLECT=1 it then runs a full collection and writes `<n>c.*`
the same way, so a pair shows how much of what is held is collectable garbage.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType

from bench.ws_idle import rss_kib


def _write(directory: Path, name: str) -> None:
    types = Counter(type(o).__qualname__ for o in gc.get_objects())
    report = {
        "rss_kib": rss_kib(os.getpid()),
        "gc_count": gc.get_count(),
        "gc_threshold": gc.get_threshold(),
        "tracked": sum(types.values()),
        "frozen": gc.get_freeze_count(),
        "types": dict(types.most_common(60)),
        "traced_kib": tracemalloc.get_traced_memory()[0] // 1024
        if tracemalloc.is_tracing()
        else None,
    }
    (directory / f"{name}.json").write_text(json.dumps(report))
    if tracemalloc.is_tracing():
        tracemalloc.take_snapshot().dump(str(directory / f"{name}.snapshot"))


def install(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    collect = os.environ.get("PARLEY_BENCH_PROBE_COLLECT") == "1"
    taken = 0

    def probe(_signum: int, _frame: FrameType | None) -> None:
        nonlocal taken
        taken += 1
        _write(directory, str(taken))
        if collect:
            gc.collect()
            _write(directory, f"{taken}c")
        (directory / f"{taken}.done").write_text("")

    signal.signal(signal.SIGUSR1, probe)
