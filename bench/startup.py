"""Benchmark: how long a fresh `llmwright` process takes, beside a bare `python -c "import tiktoken"`.

Run: python bench/startup.py [--runs 10]

Each command is started `--runs` times as a new process (the catalog cache warmed by one
run first, as after the first command of the day); the report gives the median and best
wall time and the ratio of the median to the median of the baseline, measured in the same
run. The goal is `estimate` and `models` within 0.5 s on 2 cores: what a command does not
need (the gateway's SDKs, the audit engine, the MCP server) is imported only when used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ("bare `python -c 'import tiktoken'`", [sys.executable, "-c", "import tiktoken"])
COMMANDS = [
    ("llmwright --version", ["--version"]),
    ("llmwright models", ["models"]),
    ("llmwright models --search gpt-4o-mini", ["models", "--search", "gpt-4o-mini"]),
    ("llmwright estimate -m openai:gpt-4o-mini", ["estimate", "-m", "openai:gpt-4o-mini", "Hello, world"]),
    ("llmwright estimate -m anthropic:claude-sonnet-4-6", ["estimate", "-m", "anthropic:claude-sonnet-4-6", "Hello"]),
    (
        "llmwright estimate (2 models, 2 KB prompt)",
        ["estimate", "-m", "openai:gpt-4o", "-m", "anthropic:claude-haiku-4-5", "Summarise the ticket. " * 100],
    ),
]


def llmwright() -> list[str]:
    beside = Path(sys.executable).parent / "llmwright"
    return [str(beside)] if beside.is_file() else [shutil.which("llmwright") or "llmwright"]


def timed(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:4])} failed: {result.stderr.decode()[:300]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LLMWRIGHT_")}
        env |= {"LLMWRIGHT_CACHE_DIR": f"{tmp}/cache", "LLMWRIGHT_DATA_DIR": f"{tmp}/data"}
        timed([*llmwright(), "models", "--search", "warm-up"], env, 1)  # builds today's catalog cache once
        base = statistics.median(timed(BASELINE[1], env, runs))
        print(f"python {sys.version.split()[0]}; {os.cpu_count()} cores; {runs} fresh processes each")
        print(f"{BASELINE[0]:52} median {base:6.3f} s  (baseline)")
        for label, args in COMMANDS:
            times = timed([*llmwright(), *args], env, runs)
            median = statistics.median(times)
            print(f"{label:52} median {median:6.3f} s  best {min(times):6.3f} s  ratio {median / base:5.1f}x")


if __name__ == "__main__":
    main()
