"""Mutation testing of the modules users trust, with cosmic-ray, and a score table per module.

    python -m tests.mutation.run                     # every module in modules.toml
    python -m tests.mutation.run --module secrets    # one (repeatable)
    python -m tests.mutation.run --list              # the modules and their tests

Each module runs in its own copy of the checkout under `.mutation/NAME/` (git-ignored), with the
package laid out beside it as it installs (`llmwright` <- tools/, `llmwright.server` <-
mcp_server/) and put first on PYTHONPATH. cosmic-ray mutates that copy in place, so the checkout
is never changed, edits made during a run do not change what it measures, and two modules run side
by side. The tests run through a warm fork server (`forkserver.py`), at `nice -n 10`, so the run
leaves the CPU to interactive work. A traced baseline (`coverage_map.py`) notes which tests run
each line, so each mutant runs first only the tests that reach it, in their order; when they all
pass, the whole selection confirms the survival (`selection.py`). The longest modules start first.
A survivor listed in modules.toml as equivalent counts as not failing; the score is
(killed + equivalent) / mutants, and the command fails when a module scores under `fail_under`.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cosmic_ray.commands import init as cosmic_ray_init
from cosmic_ray.modules import find_modules
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

from tests.mutation import forkserver
from tests.mutation.selection import changed_lines

ROOT = Path(__file__).resolve().parents[2]
MODULES_FILE = Path(__file__).with_name("modules.toml")
WORKDIR = ROOT / ".mutation"
SWAP = re.compile(r"^core/Replace(?:Binary|Comparison|Unary)Operator_(\w+)$")
# The package as it installs: (folder in the checkout, where it lands under the import root).
LAYOUT = (("tools", "llmwright"), ("mcp_server", "llmwright/server"), ("prompts", "llmwright/prompts/bundled"))
Span = tuple[tuple[int, int], tuple[int, int]]  # (line, column) from, to


@dataclass
class Module:
    name: str
    path: str
    tests: list[str]
    timeout_s: float
    equivalent: list[dict[str, str]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # only these (qualified names) are mutated; [] = all


@dataclass
class Score:
    name: str
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    survivors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unused_equivalents: list[dict[str, str]] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return 100.0 * (self.killed + self.equivalent) / self.mutants if self.mutants else 100.0


def load_modules() -> tuple[dict, dict[str, Module]]:
    data = tomllib.loads(MODULES_FILE.read_text(encoding="utf-8"))
    modules = {
        name: Module(
            name,
            table["path"],
            list(table["tests"]),
            float(table["timeout_s"]),
            table.get("equivalent", []),
            list(table.get("functions", [])),
        )
        for name, table in data["modules"].items()
    }
    return data, modules


def lay_out_package(checkout: Path, site: Path) -> None:
    """The package as it installs, compiled so that only an edited file is recompiled."""
    shutil.rmtree(site, ignore_errors=True)
    for folder, target in LAYOUT:
        shutil.copytree(checkout / folder, site / target)
    compileall.compile_dir(site, quiet=1, invalidation_mode=compileall.py_compile.PycInvalidationMode.CHECKED_HASH)


def installed_path(path: str) -> Path:
    """Where a file of the checkout lands in the package as it installs (tools/x.py -> llmwright/x.py)."""
    for folder, target in LAYOUT:
        if Path(path).is_relative_to(folder):
            return Path(target) / Path(path).relative_to(folder)
    raise SystemExit(f"{path}: not in the package (it lays out {', '.join(f for f, _ in LAYOUT)})")


def copy_checkout(target: Path) -> None:
    """The checkout's files as they are now (tracked or new, not ignored): edits made during a run
    (a test being written) cannot change what the run measures."""
    shutil.rmtree(target, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def annotation_spans(source: str) -> list[Span]:
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
            annotations += [a.annotation for a in every if a is not None]
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        spans += [
            ((a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0))
            for a in annotations
            if a is not None
        ]
    return spans


def function_spans(source: str, names: list[str]) -> list[Span]:
    """Where the named functions (qualified: `Class.method`, `function`, `outer.inner`) lie, whole,
    decorators included; a name that matches nothing is an error, so a rename cannot silently
    leave a module with nothing to mutate."""
    found: dict[str, Span] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found[name] = ((first, 0), (child.end_lineno or child.lineno, child.end_col_offset or 0))
                visit(child, f"{name}.")

    visit(ast.parse(source), "")
    missing = [name for name in names if name not in found]
    if missing:
        raise SystemExit(f"functions not found in the module: {', '.join(missing)}")
    return [found[name] for name in names]


def prepare_session(module: Module, target: Path, session: Path, swaps: set[str]) -> int:
    """The work list: every mutant of the module (or of its listed `functions`), less operator
    swaps not kept and annotations."""
    source = target.read_text(encoding="utf-8")
    spans = annotation_spans(source)
    kept = function_spans(source, module.functions) if module.functions else None
    session.unlink(missing_ok=True)
    skipped = 0
    with use_db(str(session), WorkDB.Mode.create) as db:
        cosmic_ray_init(find_modules([target]), db, {})
        for item in db.pending_work_items:
            (mutation,) = item.mutations
            swap = SWAP.match(mutation.operator_name)
            in_annotation = any(start <= mutation.start_pos < end for start, end in spans)
            outside = kept is not None and not any(start <= mutation.start_pos < end for start, end in kept)
            if (swap and swap.group(1) not in swaps) or in_annotation or outside:
                skipped += 1
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not run"))
    return skipped


def tally(module: Module, session: Path) -> Score:
    score = Score(module.name)
    equivalents = {(e["line"].strip(), e["mutant"].strip()): e for e in module.equivalent}
    used: set[tuple[str, str]] = set()
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome in (WorkerOutcome.SKIPPED, WorkerOutcome.NO_TEST):
                score.skipped += 1
                continue
            (mutation,) = item.mutations
            where = f"{module.path}:{mutation.start_pos[0]} {mutation.operator_name}"
            if result.worker_outcome != WorkerOutcome.NORMAL:  # cosmic-ray could not make this mutant
                score.errors.append(f"{where}: {(result.output or '').strip().splitlines()[-1:]}")
                continue
            score.mutants += 1
            if result.test_outcome != TestOutcome.SURVIVED:
                score.killed += 1
                continue
            key = changed_lines(result.diff or "")
            if key in equivalents:
                score.equivalent += 1
                used.add(key)
            else:
                score.survivors.append(f"{where}\n    - {key[0]}\n    + {key[1]}")
    score.unused_equivalents = [e for k, e in equivalents.items() if k not in used]
    return score


PYTEST = ["-q", "-p", "no:cacheprovider", "--hypothesis-profile=mutation"]
TAKES_VALUE = ("-k", "-m", "-p")


def pytest_options(tests: list[str]) -> list[str]:
    """A selection's options (`-k EXPR`, `-m EXPR`) without its files and test ids."""
    return [arg for i, arg in enumerate(tests) if arg.startswith("-") or (i and tests[i - 1] in TAKES_VALUE)]


def test_command(module: Module, socket_path: Path, select: Path | None = None) -> list[str]:
    """The client command for one mutant: the selection stops at its first failure, each pytest run
    capped at the module's timeout; with `select`, the tests reaching the mutant run first."""
    options = ["--timeout", str(module.timeout_s), *(["--select", str(select)] if select else [])]
    return [
        *[sys.executable, "-m", "tests.mutation.forkserver", "run", str(socket_path), *options, "--"],
        *["-x", *PYTEST, *module.tests],
    ]


def map_coverage(
    module: Module, socket_path: Path, target: Path, stamp: Path, home: Path, env: dict, out
) -> Path | None:
    """The baseline: the whole selection once, traced, so that each mutant runs only the tests that
    reach it (coverage_map.py). A test that fails only while traced (timing) stays in every partial
    run; when the selection fails untraced too, the module cannot be measured. None when tracing
    wrote no map: every mutant then runs the whole selection."""
    coverage_map = home / "coverage.json"
    coverage_map.unlink(missing_ok=True)
    traced = [
        *[sys.executable, "-m", "tests.mutation.forkserver", "run", str(socket_path), "--"],
        *[*PYTEST, *module.tests, "-p", "tests.mutation.coverage_map"],
        # `--opt=value`: pytest would take a separate path argument for a test path and look above it for
        # its rootdir (the checkout's parent project, when .mutation/ lies inside it), renaming every test.
        f"--mutation-target={target}",
        f"--mutation-map={coverage_map}",
    ]
    baseline = subprocess.run(traced, cwd=home / "checkout", env=env, capture_output=True, text=True)
    out.write(baseline.stdout)
    if baseline.returncode != 0:
        untraced = subprocess.run(
            test_command(module, socket_path), cwd=home / "checkout", env=env, capture_output=True, text=True
        )
        out.write(untraced.stdout)
        if untraced.returncode != 0:
            raise SystemExit(f"{module.name}: the selected tests fail without any mutation:\n{untraced.stdout[-3000:]}")
    if not coverage_map.exists():
        return None
    facts = json.loads(coverage_map.read_text(encoding="utf-8"))
    strays = [name for name in facts["tests"] if not (home / "checkout" / name.split("::")[0]).is_file()]
    if strays:  # test ids pytest would not find from the checkout: a partial run could only fail to start
        out.write(f"no test selection: {strays[0]} is not a test file of the checkout\n")
        return None
    facts |= {
        "target": str(target),
        "original": str(stamp),
        "options": ["-x", *PYTEST, *pytest_options(module.tests)],
        "equivalent": [[e["line"].strip(), e["mutant"].strip()] for e in module.equivalent],
    }
    coverage_map.write_text(json.dumps(facts), encoding="utf-8")
    return coverage_map


def reopen_survivors(session: Path, source: str, stamp: Path) -> bool:
    """Keep the last run's verdicts but run its survivors again, when the module is the one it mutated."""
    if not session.exists() or not stamp.exists() or stamp.read_text() != source:
        return False
    with sqlite3.connect(session) as db:
        db.execute("DELETE FROM work_results WHERE worker_outcome = 'NORMAL' AND test_outcome = 'SURVIVED'")
    return True


def run_module(module: Module, swaps: set[str], workdir: Path, log: bool, resume: bool = False) -> Score:
    started = time.monotonic()
    home = workdir / module.name
    home.mkdir(parents=True, exist_ok=True)
    checkout, site = home / "checkout", home / "site"
    copy_checkout(checkout)
    lay_out_package(checkout, site)
    target = site / installed_path(module.path)
    session, stamp = home / "session.sqlite", home / "source.py"
    source = target.read_text(encoding="utf-8")
    if not (resume and reopen_survivors(session, source, stamp)):
        prepare_session(module, target, session, swaps)
        stamp.write_text(source, encoding="utf-8")
    socket_path = home / "forkserver.sock"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    config = home / "cosmic-ray.toml"
    with (home / "log.txt").open("w", encoding="utf-8") as out:
        server = forkserver.start(socket_path, checkout, env, stderr=out)
        try:
            if not forkserver.ready(server):
                raise SystemExit(f"{module.name}: the fork server did not start; see {home / 'log.txt'}")
            coverage_map = map_coverage(module, socket_path, target, stamp, home, env, out)
            # The client caps each of its (at most two) pytest runs; cosmic-ray's own cap is a backstop.
            config.write_text(
                "[cosmic-ray]\n"
                f"module-path = {json.dumps(str(target))}\n"
                f"timeout = {2 * module.timeout_s + 30}\n"
                "excluded-modules = []\n"
                f"test-command = {json.dumps(subprocess.list2cmdline(test_command(module, socket_path, coverage_map)))}\n"
                '[cosmic-ray.distributor]\nname = "local"\n',
                encoding="utf-8",
            )
            subprocess.run(
                [sys.executable, "-m", "cosmic_ray.cli", "exec", str(config), str(session)],
                cwd=checkout,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
            if server.poll() is not None:  # every run after it died would have counted as a kill
                raise SystemExit(f"{module.name}: the fork server died during the run; see {home / 'log.txt'}")
        finally:
            server.kill()
            server.wait()
            socket_path.unlink(missing_ok=True)
    score = tally(module, session)
    score.seconds = time.monotonic() - started
    (home / "seconds.txt").write_text(f"{score.seconds:.0f}\n", encoding="utf-8")
    if log:
        print(f"{module.name}: {score.score:.1f}% in {score.seconds:.0f} s", file=sys.stderr, flush=True)
    return score


def expected_cost(module: Module, workdir: Path) -> float:
    """The module's last run time in seconds; a module never run comes first (its file's size in
    bytes, thousands, stands in)."""
    last = workdir / module.name / "seconds.txt"
    if last.exists():
        return float(last.read_text(encoding="utf-8"))
    return float((ROOT / module.path).stat().st_size)


def table(scores: list[Score]) -> str:
    rows = [("module", "mutants", "killed", "survived", "equivalent", "score", "time")]
    for s in scores:
        survived = s.mutants - s.killed - s.equivalent
        rows.append((s.name, s.mutants, s.killed, survived, s.equivalent, f"{s.score:.1f}%", f"{s.seconds:.0f} s"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.run", description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", help="run only this module (repeatable); default: all")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="modules run side by side")
    parser.add_argument(
        "--workdir", type=Path, default=WORKDIR, help="scratch copies and sessions (default .mutation/)"
    )
    parser.add_argument("--json", type=Path, help="also write the scores and survivors to this file")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, run nothing")
    parser.add_argument("--no-nice", action="store_true", help="do not lower the run's CPU priority")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="run only the last run's survivors again (after adding tests), if the module is unchanged",
    )
    parser.add_argument(
        "--tally",
        action="store_true",
        help="score the last run's sessions in --workdir again (after listing equivalents)",
    )
    args = parser.parse_args(argv)
    data, modules = load_modules()
    if args.list:
        for module in modules.values():
            where = f"{module.path} ({', '.join(module.functions)})" if module.functions else module.path
            print(f"{module.name:<20} {where:<32} {' '.join(module.tests)}")
        return 0
    unknown = [name for name in args.module or [] if name not in modules]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; choose from: {', '.join(modules)}")
    chosen = [modules[name] for name in args.module or modules]
    if not args.no_nice:
        os.nice(10)
    swaps = set(data["operators"]["swaps"])
    if args.tally:
        scores = [tally(m, args.workdir / m.name / "session.sqlite") for m in chosen]
    else:
        # The longest first, so that the job slots finish together rather than one waiting on a late long module.
        longest_first = sorted(chosen, key=lambda m: expected_cost(m, args.workdir), reverse=True)
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            done = pool.map(lambda m: run_module(m, swaps, args.workdir, True, args.resume), longest_first)
            by_name = {score.name: score for score in done}
        scores = [by_name[m.name] for m in chosen]
    for s in scores:
        for survivor in s.survivors:
            print(f"survived: {survivor}")
        for error in s.errors:
            print(f"error: {error}")
        for stale in s.unused_equivalents:
            print(f"note: equivalent listed for {s.name} matched no survivor: {stale['line']!r} -> {stale['mutant']!r}")
    print(table(scores))
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ | {"score": s.score} for s in scores], indent=2), encoding="utf-8")
    below = [s.name for s in scores if s.score < float(data["fail_under"])]
    if below:
        print(f"under {data['fail_under']}%: {', '.join(below)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
