"""Benchmark: `llmwright audit` against `bandit -r` and plain `ast.parse` on the same large tree, in one run.

Run: python bench/audit.py [--path DIR] [--jobs N] [--rounds R]

The tree defaults to the installed site-packages (tens of thousands of real Python files,
available offline). Every tool runs as a subprocess so wall time and peak memory (max RSS of
the process and its waited-for workers, from `wait4`) are measured alike:

* `llmwright audit --jobs N` and `--jobs 1` (how the process pool scales);
* `bandit -r` (the baseline the targets name: >= 5x its lines/s);
* `ast.parse` of every file the audit reads, in one process (the parser's own speed).

Throughput is lines/s of the tree llmwright reads (`lines_analyzed`: every Python file it
walks; the byte scan decides which ones are parsed). Rounds alternate the tools and the
median is reported, so a busy machine slows all of them alike. Bandit is optional: without
it the bench says so and prints the other figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARSE_ALL = """
import ast, json, sys, warnings
warnings.simplefilter("ignore")
root, files = sys.argv[1], json.load(open(sys.argv[2]))
for rel in files:
    try:
        ast.parse(open(f"{root}/{rel}", "rb").read())
    except Exception:
        pass
"""


def _run(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB and exit status of one subprocess."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def llmwright(path: str, jobs: int, out: Path) -> dict:
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
        "parsed": report["files_parsed"],
        "lines": report["lines_analyzed"],
        "sites": report["llm_calls"],
        "findings": len(report["findings"]),
    }


def bandit(path: str, out: Path) -> dict | None:
    found = shutil.which("bandit") or shutil.which("bandit", path=str(Path(sys.executable).parent))
    if found is None:
        return None
    seconds, peak_mb, _ = _run([found, "-r", path, "-q", "-f", "json", "-o", str(out)])
    report = json.loads(out.read_text())
    files = len([name for name in report.get("metrics", {}) if name != "_totals"])
    return {"seconds": seconds, "peak_mb": peak_mb, "files": files}


def parse_all(path: str, files: list[str], listing: Path) -> dict:
    listing.write_text(json.dumps(files))
    seconds, peak_mb, _ = _run([sys.executable, "-c", PARSE_ALL, path, str(listing)])
    return {"seconds": seconds, "peak_mb": peak_mb, "files": len(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default=sysconfig.get_paths()["purelib"], help="tree to audit")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="llmwright worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    args = parser.parse_args()
    os.chdir(ROOT)
    from llmwright.audit.walk import python_files

    files, _ = python_files(Path(args.path))
    runs: dict[str, list[dict]] = {"parallel": [], "serial": [], "bandit": [], "parse": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            runs["parallel"].append(llmwright(args.path, args.jobs, Path(tmp) / "a.json"))
            runs["serial"].append(llmwright(args.path, 1, Path(tmp) / "b.json"))
            theirs = bandit(args.path, Path(tmp) / "bandit.json")
            if theirs is not None:
                runs["bandit"].append(theirs)
            runs["parse"].append(parse_all(args.path, files, Path(tmp) / "files.json"))

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    ours = runs["parallel"][0]
    lines = ours["lines"]
    print(f"tree: {args.path}  (cores: {os.cpu_count()}, rounds: {args.rounds}, medians)")
    print(
        f"{lines:,} lines in {ours['files']:,} files; {ours['parsed']:,} files parsed by the audit, "
        f"{ours['sites']:,} LLM call sites, {ours['findings']:,} findings"
    )
    rows = [
        (f"llmwright --jobs {args.jobs}", "parallel"),
        ("llmwright --jobs 1", "serial"),
        ("bandit -r", "bandit"),
        ("ast.parse, 1 process", "parse"),
    ]
    print(f"{'tool':<24}{'seconds':>9}{'lines/s':>12}{'peak MB':>9}")
    for label, name in rows:
        if runs[name]:
            seconds = median(name, "seconds")
            print(f"{label:<24}{seconds:>9.2f}{lines / seconds:>12,.0f}{median(name, 'peak_mb'):>9,.0f}")
    rate = lines / median("parallel", "seconds")
    print(f"\nllmwright --jobs {args.jobs}: {rate:,.0f} lines/s (target: >= 100,000 on 2 cores)")
    print(f"scaling --jobs {args.jobs} vs --jobs 1: x{median('serial', 'seconds') / median('parallel', 'seconds'):.2f}")
    fast = median("parallel", "seconds")
    print(f"against ast.parse of every file (1 process): x{median('parse', 'seconds') / fast:.2f}")
    if not runs["bandit"]:
        print("bandit is not installed (pip install bandit): no baseline in this run")
        return
    print(f"against bandit -r (lines/s): x{median('bandit', 'seconds') / fast:.2f} (target: >= 5)")


if __name__ == "__main__":
    main()
