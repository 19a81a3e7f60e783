"""Run the whole benchmark: server on core 0, load on core 1, one server per variant.

For each variant the server starts on a fresh copy of the dataset (sends in
one run never change the next run's feed page), pinned with `taskset -c 0`;
wrk and the Python drivers run under `taskset -c 1`. Results are printed as
a Markdown table and kept in bench/results/<time>.json with the conditions
(load average, commit, sizes) beside the figures.

    python -m bench.run                    # quick: 2,000 idle connections, 10 s phases
    python -m bench.run --full             # the issue's anchor: 10,000 connections, 30 s
    python -m bench.run --variants tuned,stock
    python -m bench.run --no-anchor        # skip the Node anchor (bench/anchor/)

The Node anchor is the issue's graphql-yoga + better-sqlite3 server rebuilt on
Parley's dataset (bench/anchor/server.mjs): its feed page is measured in the
same run, on the same core, so Parley is compared with Node on this machine
rather than with figures taken on another.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import SECRET, TOKEN_LIFETIME, database_path, tokens_path

# Other worktrees on this machine bench too: PARLEY_BENCH_PORT keeps runs apart.
PORT = int(os.environ.get("PARLEY_BENCH_PORT", "8765"))
ANCHOR_PORT = PORT + 1
ANCHOR = Path(__file__).parent / "anchor"
# Environment of each variant's server (on top of the common one).
VARIANTS: dict[str, dict[str, str]] = {
    "tuned": {},
    "stock": {"PARLEY_GC_TUNING": "false"},
    # Every subscriber executes its events and reads their items itself (no shared execution).
    "unshared": {"PARLEY_BENCH_UNSHARED": "1"},
}
# Sends phase: concurrent senders (each a participant of its own conversation).
SEND_CONVERSATIONS = 32


def _pinned(core: int, *command: str) -> list[str]:
    return ["taskset", "-c", str(core), *command] if shutil.which("taskset") else list(command)


def _json_line(output: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        if line.startswith("JSON "):
            result: dict[str, Any] = json.loads(line[5:])
            return result
    raise RuntimeError(f"no result in output:\n{output[-2000:]}")


def _run(command: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    return _json_line(done.stdout)


def _wait_healthy(process: subprocess.Popen[bytes], seconds: float = 180, port: int = PORT) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


def _fresh_copy(source: Path, work: Path) -> Path:
    copy = work / "run.sqlite3"
    for stale in work.glob("run.sqlite3*"):
        stale.unlink()
    shutil.copy(source, copy)
    return copy


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        _pinned(0, sys.executable, "-m", "bench.serve", "--port", str(PORT)), env=env
    )
    _wait_healthy(server)
    return server


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()


def _variant(name: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    source = database_path(args.data, args.conversations, args.messages)
    tokens = str(tokens_path(args.data, args.conversations, args.messages))
    copy = _fresh_copy(source, work)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{copy}",
        "BROADCAST_URL": "memory://",
        "PARLEY_JWT_SECRET": SECRET,
        "PARLEY_JWT_MAX_LIFETIME_SECONDS": TOKEN_LIFETIME,
        # The load comes from a few accounts: lift the per-account limits (SECURITY.md), so
        # the phases measure the work, not the limiter's refusals.
        "PARLEY_RATE_LIMIT_SENDS": "1000000/minute",
        "PARLEY_RATE_LIMIT_WS_CONNECTIONS": "1000000/minute",
        "PARLEY_RATE_LIMIT_SUBSCRIPTIONS": "1000000/minute",
        **VARIANTS[name],
    }
    results: dict[str, Any] = {}
    server = _start(env)
    try:
        dataset = json.loads(Path(tokens).read_text())
        feed_conversation = dataset["conversations"][-1]  # untouched by the sends below
        wrk_env = {
            **env,
            "PARLEY_TOKEN": dataset["tokens"][str(feed_conversation["client"])],
            "PARLEY_CONVERSATION": str(feed_conversation["id"]),
        }
        url = f"http://127.0.0.1:{PORT}/graphql"
        ws = f"ws://127.0.0.1:{PORT}/graphql"
        # Warm the server (imports, caches) before measuring.
        _run(_pinned(1, "wrk", "-t1", "-c4", "-d2s", "-s", "bench/feed.lua", url), wrk_env, 60)
        results["feed"] = _run(
            _pinned(
                1,
                "wrk",
                "-t2",
                "-c32",
                f"-d{args.phase}s",
                "--latency",
                "-s",
                "bench/feed.lua",
                url,
            ),
            wrk_env,
            args.phase + 60,
        )
        python = [sys.executable, "-m"]
        results["room"] = _run(
            _pinned(
                1,
                *python,
                "bench.ws_latency",
                "--url",
                ws,
                "--tokens",
                tokens,
                "--scenario",
                "room",
                "--subscribers",
                "200",
                "--rate",
                "20",
                "--duration",
                str(args.phase),
            ),
            env,
            args.phase + 120,
        )
        results["pairs"] = _run(
            _pinned(
                1,
                *python,
                "bench.ws_latency",
                "--url",
                ws,
                "--tokens",
                tokens,
                "--scenario",
                "pairs",
                "--conversations",
                "100",
                "--rate",
                "100",
                "--duration",
                str(args.phase),
            ),
            env,
            args.phase + 120,
        )
        senders = ",".join(
            f"{dataset['tokens'][str(c[side])]}:{c['id']}"
            for c in dataset["conversations"][:SEND_CONVERSATIONS]
            for side in ("client", "freelancer")
        )
        results["sends"] = _run(
            _pinned(
                1,
                "wrk",
                "-t2",
                "-c32",
                f"-d{args.phase}s",
                "--latency",
                "-s",
                "bench/sends.lua",
                url,
            ),
            {**env, "PARLEY_SENDERS": senders, "PARLEY_RUN": name},
            args.phase + 60,
        )
    finally:
        _stop(server)
    # Idle memory on a fresh server: after the phases above, the heap holds freed memory
    # that new connections reuse without growing RSS, which under-counts them.
    _fresh_copy(source, work)
    server = _start(env)
    try:
        results["idle"] = _run(
            _pinned(
                1,
                *python,
                "bench.ws_idle",
                "--url",
                ws,
                "--tokens",
                tokens,
                "--pid",
                str(server.pid),
                "--connections",
                str(args.connections),
            ),
            env,
            600,
        )
    finally:
        _stop(server)
    return results


def _calibration() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 5): this machine's speed today.

    Machines of one type differ (this figure has varied ~2x between sessions), so runs are
    compared through it, and within one run only.
    """
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def _anchor(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The feed page from the Node anchor, on a fresh copy of the same dataset, same cores."""
    source = database_path(args.data, args.conversations, args.messages)
    dataset = json.loads(tokens_path(args.data, args.conversations, args.messages).read_text())
    copy = _fresh_copy(source, work)
    server = subprocess.Popen(
        _pinned(
            0,
            "node",
            str(ANCHOR / "server.mjs"),
            *("--db", str(copy), "--port", str(ANCHOR_PORT), "--secret", SECRET),
        ),
        env={**os.environ, "NODE_ENV": "production"},
    )
    try:
        _wait_healthy(server, port=ANCHOR_PORT)
        conversation = dataset["conversations"][-1]
        env = {
            **os.environ,
            "PARLEY_TOKEN": dataset["tokens"][str(conversation["client"])],
            "PARLEY_CONVERSATION": str(conversation["id"]),
        }
        url = f"http://127.0.0.1:{ANCHOR_PORT}/graphql"
        _run(_pinned(1, "wrk", "-t1", "-c4", "-d2s", "-s", "bench/feed.lua", url), env, 60)
        wrk = ["wrk", "-t2", "-c32", f"-d{args.phase}s", "--latency", "-s", "bench/feed.lua", url]
        return {"feed": _run(_pinned(1, *wrk), env, args.phase + 60)}
    finally:
        _stop(server)


def _table(runs: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| variant | feed req/s | feed p99 | room p50 / p99 / lost (p99 from createdAt) "
        "| pairs p50 / p99 / lost (p99 from createdAt) "
        "| sends/s (failed) | KiB per idle conn (N, receiving) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in runs.items():
        feed, room, pairs, idle, sends = r["feed"], r["room"], r["pairs"], r["idle"], r["sends"]
        lines.append(
            f"| {name} | {feed['rps']:.0f} | {feed['p99_ms']:.1f} ms "
            f"| {room['p50_ms']} / {room['p99_ms']} ms / {room['lost']} "
            f"({room.get('commit_p99_ms')} ms) "
            f"| {pairs['p50_ms']} / {pairs['p99_ms']} ms / {pairs['lost']} "
            f"({pairs.get('commit_p99_ms')} ms) "
            f"| {sends['sends_per_s']:.0f} ({sends['failed']}) "
            f"| {idle['kib_per_connection']} ({idle['connections']}, {idle['receiving']}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=Path("bench/data"))
    parser.add_argument("--variants", default="tuned")
    parser.add_argument("--phase", type=int, default=10, help="seconds per measured phase")
    parser.add_argument("--connections", type=int, default=2000, help="idle connections")
    parser.add_argument("--full", action="store_true", help="30 s phases, 10,000 connections")
    parser.add_argument("--no-anchor", action="store_true", help="skip the Node anchor's feed page")
    parser.add_argument(
        "--depth", type=int, default=1_000_000, help="keyset page depth (0: skip that phase)"
    )
    args = parser.parse_args(argv)
    if args.full:
        args.phase, args.connections = 30, 10_000
    conditions = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "loadavg_before": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python_loop_2m_ms": _calibration(),
        "dataset": f"{args.conversations}x{args.messages}",
        "phase_seconds": args.phase,
    }
    work = args.data / "work"
    work.mkdir(parents=True, exist_ok=True)
    results_dir = Path("bench/results")
    results_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    runs: dict[str, dict[str, Any]] = {}
    depth: dict[str, Any] | None = None
    anchor: dict[str, Any] | None = None

    def keep() -> None:
        (results_dir / f"{stamp}.json").write_text(
            json.dumps(
                {"conditions": conditions, "runs": runs, "anchor": anchor, "depth": depth},
                indent=1,
            )
        )

    for name in args.variants.split(","):
        runs[name] = _variant(name, args, work)
        keep()
    if not args.no_anchor:
        anchor = _anchor(args, work)
        keep()
    if args.depth:
        depth = _run(
            _pinned(0, sys.executable, "-m", "bench.depth", "--depth", str(args.depth)),
            dict(os.environ),
            1800,
        )
    conditions["loadavg_after"] = os.getloadavg()
    keep()
    print(json.dumps(conditions))
    print(_table(runs))
    if anchor is not None:
        feed = anchor["feed"]
        print(
            f"Node anchor (graphql-yoga + better-sqlite3), same run: feed {feed['rps']:.0f} req/s, "
            f"p99 {feed['p99_ms']:.1f} ms"
        )
    if depth is not None:
        print(
            f"keyset page at depth {depth['depth']:,} of {depth['items']:,}: "
            f"{depth['deep_median_ms']} ms vs newest {depth['newest_median_ms']} ms "
            f"(ratio {depth['ratio']})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
