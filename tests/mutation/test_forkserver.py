"""The mutation run's client over the real fork server: the tests reaching a mutant run first, and a
pass there never stands as a survival until the whole selection agrees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mutation import forkserver

ROOT = Path(__file__).resolve().parents[2]

TARGET = "def double(n: int) -> int:\n    return n * 2\n"
# The in-process test runs the line but cannot tell `n * 2` from `n + 2`; the one that can runs the
# code in a subprocess, where the baseline's tracing does not see it.
TESTS = textwrap.dedent(
    """\
    import subprocess
    import sys

    import target


    def test_in_process():
        assert target.double(2) == 4


    def test_in_a_subprocess():
        out = subprocess.run([sys.executable, "-c", "import target; print(target.double(3))"], capture_output=True, text=True)
        assert out.stdout.strip() == "6"
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A small project and a fork server started in it, stopped afterwards."""
    pytest.importorskip("coverage")
    (tmp_path / "target.py").write_text(TARGET, encoding="utf-8")
    (tmp_path / "source.py").write_text(TARGET, encoding="utf-8")
    (tmp_path / "test_target.py").write_text(TESTS, encoding="utf-8")
    socket_path = tmp_path / "server.sock"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)]), "PYTHONDONTWRITEBYTECODE": "1"}
    server = forkserver.start(socket_path, tmp_path, env)
    try:
        assert forkserver.ready(server)
        yield tmp_path, socket_path
    finally:
        server.kill()
        server.wait()


def client(project: Path, socket_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(project)])}
    command = [sys.executable, "-m", "tests.mutation.forkserver", "run", str(socket_path), *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_mutant_only_a_deselected_test_kills_is_killed_and_a_listed_equivalent_is_not_confirmed(project) -> None:
    root, socket_path = project
    whole = ["-x", "-q", "-p", "no:cacheprovider", "test_target.py"]
    traced = client(
        root,
        socket_path,
        "--",
        *whole[1:],
        *["-p", "tests.mutation.coverage_map", "--mutation-target=target.py", "--mutation-map=map.json"],
    )
    assert traced.returncode == 0, traced.stdout
    facts = json.loads((root / "map.json").read_text(encoding="utf-8"))
    assert facts["lines"]["2"] == ["test_target.py::test_in_process"]
    facts |= {"target": str(root / "target.py"), "original": str(root / "source.py"), "options": whole[:-1]}
    (root / "map.json").write_text(json.dumps(facts), encoding="utf-8")

    (root / "target.py").write_text(TARGET.replace("n * 2", "n + 2"), encoding="utf-8")
    killed = client(root, socket_path, "--select", "map.json", "--timeout", "60", "--", *whole)
    assert killed.returncode == 1, killed.stdout
    assert "== the 1 tests reaching the mutant" in killed.stdout and "== the whole selection" in killed.stdout

    facts["equivalent"] = [["return n * 2", "return n + 2"]]
    (root / "map.json").write_text(json.dumps(facts), encoding="utf-8")
    listed = client(root, socket_path, "--select", "map.json", "--timeout", "60", "--", *whole)
    assert listed.returncode == 0, listed.stdout
    assert "listed as equivalent" in listed.stdout and "== the whole selection" not in listed.stdout


@pytest.mark.slow
def test_a_run_past_its_cap_is_cut_short_as_a_kill(project) -> None:
    root, socket_path = project
    (root / "test_slow.py").write_text("import time\n\ndef test_slow():\n    time.sleep(30)\n", encoding="utf-8")
    started = time.monotonic()
    hung = client(root, socket_path, "--timeout", "1", "--", "-q", "-p", "no:cacheprovider", "test_slow.py")
    assert hung.returncode == 124 and "timeout after 1.0 s" in hung.stdout
    assert time.monotonic() - started < 20


@pytest.mark.slow
def test_a_test_past_ten_times_its_baseline_ends_the_run_as_hung(tmp_path: Path) -> None:
    (tmp_path / "test_slow.py").write_text(
        "import time\n\ndef test_quick():\n    pass\n\ndef test_slow():\n    time.sleep(60)\n", encoding="utf-8"
    )
    baseline = {"seconds": 0.01, "fixtures": [], "failed": False}
    facts = {"tests": {"test_slow.py::test_quick": baseline, "test_slow.py::test_slow": baseline}, "lines": {}}
    (tmp_path / "map.json").write_text(json.dumps(facts), encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run(
        [
            *[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.mutation.hung"],
            *["--mutation-caps=map.json", "test_slow.py"],
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 124, run.stdout + run.stderr
    assert "hung: test_slow.py::test_slow ran past 10.1 s" in run.stdout
    assert time.monotonic() - started < 40
