"""Benchmark: `llmwright audit` against `bandit -r` and plain `ast.parse` on the same large tree, in one run.

Run: python bench/audit.py [--path DIR] [--jobs N] [--rounds R]

The tree defaults to the installed site-packages (tens of thousands of real Python files,
available offline). Every tool runs as a subprocess so wall time and peak memory (max RSS of
each process, from `getrusage`/`wait4`) and CPU time (user + system, workers included) are
measured alike:

* `llmwright audit --jobs N` and `--jobs 1` (how the process pool scales);
* `bandit -r` (the baseline the targets name: >= 5x its lines/s);
* `ast.parse` of every file the audit reads, in one process (the parser's own speed).

Throughput is lines/s of the tree llmwright reads (`lines_analyzed`: every Python file it
walks; the byte scan decides which ones are parsed), per wall second and per CPU second. Rounds
alternate the tools and the median is reported, so a busy machine slows all of them alike; on
a machine shared with other work, the CPU-second figures are the stable ones. llmwright runs
through a small wrapper that stops the pool's fork server before exiting, so the workers' CPU
time and peak memory are counted (`peak MB` is then the main process + jobs x the largest
worker). Bandit is optional: without it the bench says so and prints the other figures.
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


# Runs the CLI, stops the fork server (which reaps the workers) and writes the rusage of the
# process itself and of its children, so the workers' CPU time and peak memory are counted.
CLI = """
import json, multiprocessing.forkserver, resource, runpy, sys
out, sys.argv = sys.argv[1], ["llmwright", *sys.argv[2:]]
code = 0
try:
    runpy.run_module("llmwright.server", run_name="__main__")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
finally:
    if multiprocessing.forkserver._forkserver._forkserver_pid is not None:
        multiprocessing.forkserver._forkserver._stop()
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"self_mb": me.ru_maxrss / 1024, "child_mb": kids.ru_maxrss / 1024}, open(out, "w"))
sys.exit(code)
"""


def _run(command: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (with waited-for descendants), peak RSS in MB and exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def llmwright(path: str, jobs: int, out: Path) -> dict:
    usage = out.with_suffix(".usage")
    command = [sys.executable, "-c", CLI, str(usage), "audit", path, "--format", "json", "--output", str(out)]
    command += ["--fail-on", "never", "--no-progress", "--jobs", str(jobs)]
    seconds, cpu, _, code = _run(command)
    if code != 0:
        raise SystemExit(f"llmwright audit failed with exit code {code}")
    report = json.loads(out.read_text())
    memory = json.loads(usage.read_text())
    workers = jobs if jobs > 1 and report["files_analyzed"] > 0 else 0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": memory["self_mb"] + workers * memory["child_mb"],
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
    seconds, cpu, peak_mb, _ = _run([found, "-r", path, "-q", "-f", "json", "-o", str(out)])
    report = json.loads(out.read_text())
    files = len([name for name in report.get("metrics", {}) if name != "_totals"])
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "files": files}


def parse_all(path: str, files: list[str], listing: Path) -> dict:
    listing.write_text(json.dumps(files))
    seconds, cpu, peak_mb, _ = _run([sys.executable, "-c", PARSE_ALL, path, str(listing)])
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "files": len(files)}


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
    print(f"{'tool':<24}{'wall s':>9}{'lines/s':>12}{'CPU s':>9}{'lines/CPU s':>13}{'peak MB':>9}")
    for label, name in rows:
        if runs[name]:
            seconds, cpu = median(name, "seconds"), median(name, "cpu")
            print(
                f"{label:<24}{seconds:>9.2f}{lines / seconds:>12,.0f}{cpu:>9.2f}{lines / cpu:>13,.0f}"
                f"{median(name, 'peak_mb'):>9,.0f}"
            )
    fast, fast_cpu = median("parallel", "seconds"), median("serial", "cpu")
    print(f"\nllmwright --jobs {args.jobs}: {lines / fast:,.0f} lines/s (target: >= 100,000 on 2 cores)")
    print(f"scaling --jobs {args.jobs} vs --jobs 1 (wall): x{median('serial', 'seconds') / fast:.2f}")
    print(
        f"against ast.parse of every file (1 process): x{median('parse', 'seconds') / fast:.2f} wall, "
        f"x{median('parse', 'cpu') / fast_cpu:.2f} CPU (--jobs 1)"
    )
    if not runs["bandit"]:
        print("bandit is not installed (pip install bandit): no baseline in this run")
        return
    print(
        f"against bandit -r: x{median('bandit', 'seconds') / fast:.2f} lines/s (target: >= 5), "
        f"x{median('bandit', 'cpu') / fast_cpu:.2f} lines per CPU second (--jobs 1)"
    )


if __name__ == "__main__":
    main()
