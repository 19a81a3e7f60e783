"""Server CPU time per feed page: a figure that a shared, noisy machine does not distort much.

Starts `bench.serve` on a fresh copy of the dataset (core 0), warms it, then
runs `--rounds` wrk rounds of the feed page (core 1) and reads the server's
utime + stime from /proc/<pid>/stat around each round: CPU milliseconds per
completed request, whatever else the machine is doing. Wall-clock req/s is
printed beside it, for what it is worth on a shared machine. With `--profile`,
one more round runs under py-spy and the summary is printed.

    python -m bench.feed_cpu --rounds 3 --seconds 8 --port 18671
    python -m bench.feed_cpu --rounds 1 --profile bench/profiles/feed.collapsed
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
from bench.run import _json_line, _pinned, _wait_healthy

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18671)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    parser.add_argument("--profile", type=Path, help="also record a py-spy profile here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="parley-feed-cpu-"))
    database = work / "bench.sqlite3"
    shutil.copy(database_path(args.data, 200, 2000), database)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{database}",
        "BROADCAST_URL": "memory://",
        "PARLEY_JWT_SECRET": SECRET,
        "PARLEY_JWT_MAX_LIFETIME_SECONDS": TOKEN_LIFETIME,
        "PARLEY_RATE_LIMIT_SENDS": "1000000/minute",
        "PARLEY_RATE_LIMIT_WS_CONNECTIONS": "1000000/minute",
        "PARLEY_RATE_LIMIT_SUBSCRIPTIONS": "1000000/minute",
    }
    dataset = json.loads(tokens_path(args.data, 200, 2000).read_text())
    conversation = dataset["conversations"][-1]
    wrk_env = {
        **env,
        "PARLEY_TOKEN": dataset["tokens"][str(conversation["client"])],
        "PARLEY_CONVERSATION": str(conversation["id"]),
    }
    url = f"http://127.0.0.1:{args.port}/graphql"
    script = str(Path("bench/feed.lua").resolve())
    server = subprocess.Popen(
        _pinned(0, sys.executable, "-m", "bench.serve", "--port", str(args.port)), env=env
    )
    rounds: list[dict[str, Any]] = []
    try:
        _wait_healthy(server, port=args.port)
        warm = _pinned(1, "wrk", "-t1", "-c4", "-d3s", "-s", script, url)
        subprocess.run(warm, env=wrk_env, capture_output=True, check=True)
        load = _pinned(
            1,
            "wrk",
            "-t2",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "-s",
            script,
            url,
        )
        for _ in range(args.rounds):
            before = cpu_seconds(server.pid)
            done = subprocess.run(load, env=wrk_env, capture_output=True, text=True, check=True)
            spent = cpu_seconds(server.pid) - before
            result = _json_line(done.stdout)
            if result["errors"] or result["non2xx"]:
                raise RuntimeError(f"failed requests: {result}")
            result["cpu_ms_per_request"] = round(1000 * spent / result["requests"], 3)
            rounds.append(result)
            print(json.dumps(result), flush=True)
        if args.profile:
            args.profile.parent.mkdir(parents=True, exist_ok=True)
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--pid",
                    str(server.pid),
                    "--duration",
                    str(args.seconds),
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--output",
                    str(args.profile),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            subprocess.run(load, env=wrk_env, capture_output=True, text=True, check=True)
            spy.wait(60)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    if rounds:
        cpu = statistics.median(r["cpu_ms_per_request"] for r in rounds)
        rps = statistics.median(r["rps"] for r in rounds)
        p99 = statistics.median(r["p99_ms"] for r in rounds)
        print(
            f"JSON {json.dumps({'cpu_ms_per_request': cpu, 'rps': rps, 'p99_ms': p99})}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
