"""Benchmark: `llmwright audit` against `bandit -r` on the same large offline tree, in the same run.

Run: python bench/audit.py [--path DIR] [--jobs N]

The tree defaults to the installed site-packages (tens of thousands of real Python
files, available offline). Both tools run as subprocesses so each one's wall time and
peak memory (max RSS of the process and its waited-for workers, from `wait4`) are
measured alike. Throughput is files/s and lines/s of what each tool actually analysed
(llmwright skips vendored and build directories by design; bandit reads everything).
Bandit is optional: without it the bench says so and prints llmwright's figures alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB and exit status of one subprocess."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def bench_llmwright(path: str, jobs: int, out: Path) -> dict:
    command = [sys.executable, "-m", "llmwright.server", "audit", path, "--format", "json", "--output", str(out)]
    command += ["--fail-on", "never", "--no-progress", "--jobs", str(jobs)]
    seconds, peak_mb, code = _run(command)
    if code != 0:
        raise SystemExit(f"llmwright audit failed with exit code {code}")
    report = json.loads(out.read_text())
    return {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "files": report["files_analyzed"],
        "lines": report["lines_analyzed"],
        "findings": len(report["findings"]),
        "skipped": len(report["skipped"]),
    }


def bench_bandit(path: str, out: Path) -> dict | None:
    bandit = shutil.which("bandit")
    if bandit is None:
        return None
    seconds, peak_mb, _ = _run([bandit, "-r", path, "-q", "-f", "json", "-o", str(out)])
    report = json.loads(out.read_text())
    totals = report.get("metrics", {}).get("_totals", {})
    files = len([name for name in report.get("metrics", {}) if name != "_totals"])
    return {"seconds": seconds, "peak_mb": peak_mb, "files": files, "lines": int(totals.get("loc", 0))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default=sysconfig.get_paths()["purelib"], help="tree to audit")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="llmwright worker processes")
    args = parser.parse_args()
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        ours = bench_llmwright(args.path, args.jobs, Path(tmp) / "llmwright.json")
        theirs = bench_bandit(args.path, Path(tmp) / "bandit.json")
    print(f"tree: {args.path}  (cores: {os.cpu_count()}, llmwright jobs: {args.jobs})")
    rows = [("llmwright audit", ours)] + ([("bandit -r", theirs)] if theirs else [])
    print(f"{'tool':<16}{'files':>8}{'lines':>12}{'seconds':>10}{'files/s':>10}{'lines/s':>12}{'peak MB':>9}")
    for name, r in rows:
        print(
            f"{name:<16}{r['files']:>8,}{r['lines']:>12,}{r['seconds']:>10.1f}"
            f"{r['files'] / r['seconds']:>10,.0f}{r['lines'] / r['seconds']:>12,.0f}{r['peak_mb']:>9,}"
        )
    print(f"llmwright: {ours['findings']} findings, {ours['skipped']} files skipped (reported as info)")
    if theirs is None:
        print("bandit is not installed (pip install bandit): no baseline in this run")
        return
    ratio_files = (ours["files"] / ours["seconds"]) / (theirs["files"] / theirs["seconds"])
    ratio_lines = (ours["lines"] / ours["seconds"]) / max(theirs["lines"] / theirs["seconds"], 1e-9)
    print(f"ratio llmwright/bandit: files/s x{ratio_files:.2f}, lines/s x{ratio_lines:.2f} (target: >= 1)")


if __name__ == "__main__":
    main()
