"""50 processes append at once: 50 intact reports, none interleaved, numbered in the order of the lock."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

from llmwright.sessions import append_report, show_session, start_session

WORKERS = 50
LINES = 150  # ~15 KB a report: large enough that unlocked writes would tear


def _body(index: int) -> str:
    lines = [f"worker {index:02d} line {line:03d} " + "abcdefghij" * 8 for line in range(LINES)]
    return f"# Report from worker {index:02d}\n\n" + "\n".join(lines) + f"\n\nend of worker {index:02d}"


def _append(project: str, index: int, barrier, results) -> None:
    barrier.wait()  # all 50 race for the lock together
    result = append_report(Path(project), f"agent-{index:02d}", _body(index))
    results.put((index, result.n))


def test_fifty_concurrent_appends_from_separate_processes(project: Path) -> None:
    start_session(project, "concurrency")
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    workers = [context.Process(target=_append, args=(str(project), i, barrier, results)) for i in range(WORKERS)]
    for worker in workers:
        worker.start()
    numbers = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    view = show_session(project)
    # The number each process was given under the lock is its report's place in the file.
    assert [r.n for r in view.reports] == list(range(1, WORKERS + 1))
    in_file_order = [int(r.agent.removeprefix("agent-")) for r in view.reports]
    assert sorted(in_file_order) == list(range(WORKERS)), "every report is there exactly once"
    assert [numbers[index] for index in in_file_order] == list(range(1, WORKERS + 1))

    # Each report block is exactly what its worker wrote: no torn or interleaved lines.
    blocks = re.split(r"^<!-- llmwright:report .* -->$", view.content, flags=re.MULTILINE)[1:]
    assert len(blocks) == WORKERS
    for index, block in zip(in_file_order, blocks, strict=True):
        expected_lines = [f"worker {index:02d} line {line:03d} " + "abcdefghij" * 8 for line in range(LINES)]
        body_lines = [line for line in block.splitlines() if line.startswith("worker ")]
        assert body_lines == expected_lines
        assert f"end of worker {index:02d}" in block and f"## Report from worker {index:02d}" in block
