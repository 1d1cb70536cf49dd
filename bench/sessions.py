"""Benchmark: locked, redacted session appends against a bare `open(..., "a").write` loop, same run.

Run: python bench/sessions.py [--appends 2000] [--procs 4]

Both sides append the same ~2 KB markdown report to one file in a temporary project,
first from one process, then from N processes at once (forked, released together by a
barrier). The bare loop takes no lock and redacts nothing: it is the floor a safe append
is measured against, and with several processes it is what may interleave. llmwright's
appends are checked afterwards: every report there once, numbered 1..total.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from llmwright.sessions import append_report, show_session, start_session

REPORT = "# Cost review\n\n" + "\n".join(
    f"- model {i}: $0.{i:02d}/call at 10k calls/day; a leaked sk-canary-0123456789abcdefghij{i:02d}" for i in range(20)
)


def bare_appends(path: Path, count: int) -> None:
    for _ in range(count):
        with open(path, "a", encoding="utf-8") as handle:  # the naive loop, on purpose
            handle.write(REPORT + "\n")


def llmwright_appends(project: Path, count: int) -> None:
    for _ in range(count):
        append_report(project, "llm-cost-optimizer", REPORT)


def _worker(work: Callable[[Path, int], None], target: Path, count: int, barrier, times) -> None:
    barrier.wait()
    start = time.perf_counter()
    work(target, count)
    times.put((start, time.perf_counter()))


def timed(work: Callable[[Path, int], None], target: Path, total: int, procs: int) -> float:
    """Appends per second: wall time from the first worker's start to the last one's end."""
    if procs == 1:
        start = time.perf_counter()
        work(target, total)
        return total / (time.perf_counter() - start)
    context = multiprocessing.get_context("fork")
    barrier, times = context.Barrier(procs), context.Queue()
    share = total // procs
    workers = [context.Process(target=_worker, args=(work, target, share, barrier, times)) for _ in range(procs)]
    for worker in workers:
        worker.start()
    spans = [times.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return share * procs / (max(end for _, end in spans) - min(start for start, _ in spans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appends", type=int, default=2000, help="appends per measurement")
    parser.add_argument("--procs", type=int, default=4, help="processes for the concurrent measurement")
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "sk-canary-0123456789abcdefghij00")
    print(f"{args.appends} appends of a {len(REPORT):,}-byte report (cores: {os.cpu_count()})")
    print(f"{'processes':<11}{'bare appends/s':>16}{'llmwright appends/s':>21}{'ratio':>8}")
    for procs in (1, args.procs):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp).resolve()
            start_session(project, "bench")
            bare = timed(bare_appends, project / "bare.md", args.appends, procs)
            ours = timed(llmwright_appends, project, args.appends, procs)
            reports = show_session(project).reports
            expected = (args.appends // procs) * procs
            if [r.n for r in reports] != list(range(1, expected + 1)):
                raise SystemExit(f"integrity check failed: {len(reports)} reports, expected {expected} numbered 1..n")
        print(f"{procs:<11}{bare:>16,.0f}{ours:>21,.0f}{ours / bare:>8.3f}")
    print("ratio = llmwright / bare (higher is better; the bare loop takes no lock and redacts nothing)")


if __name__ == "__main__":
    main()
