"""Feed page A/B: two commits' servers, alternating wrk rounds, in one run.

Exports each commit's tree with `git archive` into a scratch directory, starts
`bench.serve` from each (core 0, one at a time, on its own copy of the
dataset), and runs `--rounds` alternating wrk rounds (core 1) of the feed page
against A and B, so both see the same machine. Prints req/s, p99 and the
server's CPU time per request (utime + stime from /proc: steadier than req/s on
a shared machine) per round, and the medians.

    python -m bench.ab --a HEAD~1 --b HEAD --rounds 3 --seconds 8 --port 18672
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.dataset import SECRET, TOKEN_LIFETIME, database_path, tokens_path
from bench.feed_cpu import cpu_seconds
from bench.run import PORT, _json_line, _pinned, _wait_healthy
from parley.models import global_ids


def _export(commit: str, into: Path) -> None:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    # The tree imports itself as `parley` (setup.py): point that name at this export.
    (into / ".src").mkdir()
    (into / ".src" / "parley").symlink_to(into.resolve(), target_is_directory=True)


def _api_id(tree: Path, global_id: str) -> str:
    """The conversation as that commit's API names it: its global id, or its row id before
    global ids existed, so that an A/B across that change compares the same requests."""
    if (tree / "models" / "global_ids.py").exists():
        return global_id
    decoded = global_ids.decode(global_id)
    assert decoded is not None, global_id
    return str(decoded[1])


def _round(
    tree: Path, data: Path, seconds: int, wrk_env: dict[str, str], port: int
) -> dict[str, Any]:
    database = tree / "bench.sqlite3"
    shutil.copy(database_path(data, 200, 2000), database)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{database}",
        "BROADCAST_URL": "memory://",
        "PARLEY_JWT_SECRET": SECRET,
        "PARLEY_JWT_MAX_LIFETIME_SECONDS": TOKEN_LIFETIME,
        "PYTHONPATH": str(tree / ".src"),
    }
    server = subprocess.Popen(
        _pinned(0, sys.executable, "-m", "bench.serve", "--port", str(port)), cwd=tree, env=env
    )
    url = f"http://127.0.0.1:{port}/graphql"
    script = str(Path("bench/feed.lua").resolve())
    try:
        _wait_healthy(server, port=port)
        warm = _pinned(1, "wrk", "-t1", "-c4", "-d2s", "-s", script, url)
        subprocess.run(warm, env=wrk_env, capture_output=True, check=True)
        command = _pinned(1, "wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-s", script, url)
        before = cpu_seconds(server.pid)
        done = subprocess.run(command, env=wrk_env, capture_output=True, text=True, check=True)
        spent = cpu_seconds(server.pid) - before
        result = _json_line(done.stdout)
        result["cpu_ms_per_request"] = round(1000 * spent / max(1, result["requests"]), 3)
        return result
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
        for stale in tree.glob("bench.sqlite3*"):
            stale.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", default="HEAD~1")
    parser.add_argument("--b", default="HEAD")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args(argv)
    data = args.data.resolve()
    dataset = json.loads(tokens_path(data, 200, 2000).read_text())
    conversation = dataset["conversations"][-1]
    wrk_env = {
        **os.environ,
        "PARLEY_TOKEN": dataset["tokens"][str(conversation["client"])],
    }
    scratch = Path(tempfile.mkdtemp(prefix="parley-ab-"))
    trees = {"a": scratch / "a", "b": scratch / "b"}
    _export(args.a, trees["a"])
    _export(args.b, trees["b"])
    results: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    try:
        for number in range(args.rounds):
            for side in ("a", "b") if number % 2 == 0 else ("b", "a"):
                env = {**wrk_env, "PARLEY_CONVERSATION": _api_id(trees[side], conversation["id"])}
                result = _round(trees[side], data, args.seconds, env, args.port)
                results[side].append(result)
                print(
                    f"round {number} {side}: {result['rps']:.0f} req/s p99 {result['p99_ms']} ms "
                    f"cpu {result['cpu_ms_per_request']} ms/request",
                    flush=True,
                )
    finally:
        shutil.rmtree(scratch)
    summary = {
        side: {
            "commit": getattr(args, side),
            "median_rps": round(statistics.median(r["rps"] for r in runs), 1),
            "median_p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "median_cpu_ms_per_request": round(
                statistics.median(r["cpu_ms_per_request"] for r in runs), 3
            ),
            "loadavg": os.getloadavg(),
        }
        for side, runs in results.items()
    }
    print("JSON " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
