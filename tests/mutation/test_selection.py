"""The mutation run's test selection: a mutant runs only the tests that ran its line, and runs the
whole selection whenever the map cannot say (import-time code, lines no test ran in process)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.mutation.selection import listed_equivalent, selection

ROOT = Path(__file__).resolve().parents[2]

MODULE = textwrap.dedent(
    '''\
    LIMIT = 3


    def capped(n: int, cap: int = LIMIT) -> int:
        """At most cap."""
        if n > cap:
            return cap
        return n


    def doubled(n: int) -> int:
        return (
            n * 2
        )


    class Table:
        size = 2

        def rows(self) -> list[int]:
            return [0] * self.size


    def unused() -> int:
        return 0
    '''
)

TESTS = textwrap.dedent(
    """\
    import pytest

    import target


    @pytest.fixture(scope="module")
    def table():
        return target.Table().rows()


    def test_capped_small():
        assert target.capped(1) == 1


    def test_capped_big():
        assert target.capped(9) == 3


    def test_doubled():
        assert target.doubled(2) == 4


    def test_table_has_two_rows(table):
        assert len(table) == 2


    def test_table_is_zeros(table):
        assert set(table) == {0}
    """
)


@pytest.fixture(scope="module")
def coverage_map(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The map the baseline writes, from a real traced pytest run over a small project."""
    pytest.importorskip("coverage")
    project = tmp_path_factory.mktemp("project")
    (project / "target.py").write_text(MODULE, encoding="utf-8")
    (project / "test_target.py").write_text(TESTS, encoding="utf-8")
    out = project / "map.json"
    run = subprocess.run(
        [
            *[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.mutation.coverage_map"],
            *["--mutation-target", str(project / "target.py"), "--mutation-map", str(out), "test_target.py"],
        ],
        cwd=project,
        env={"PYTHONPATH": f"{ROOT}:{project}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def mutated(old: str, new: str) -> str:
    assert MODULE.count(old) == 1
    return MODULE.replace(old, new)


def test_a_mutant_in_a_function_runs_only_the_tests_that_ran_its_line(coverage_map: dict) -> None:
    assert sorted(selection(coverage_map, MODULE, mutated("if n > cap:", "if n >= cap:")) or []) == [
        "test_target.py::test_capped_big",
        "test_target.py::test_capped_small",
    ]
    assert selection(coverage_map, MODULE, mutated("return cap\n", "return n\n")) == ["test_target.py::test_capped_big"]


def test_the_tests_run_in_the_order_of_the_whole_selection_whatever_their_times(coverage_map: dict) -> None:
    tests = coverage_map["tests"]
    slow_small = {**tests["test_target.py::test_capped_small"], "seconds": 2.0}
    facts = {**coverage_map, "tests": {**tests, "test_target.py::test_capped_small": slow_small}}
    assert selection(facts, MODULE, mutated("if n > cap:", "if n >= cap:")) == [
        "test_target.py::test_capped_small",
        "test_target.py::test_capped_big",
    ]


def test_a_line_of_a_statement_spanning_several_lines_counts_as_the_statement(coverage_map: dict) -> None:
    assert selection(coverage_map, MODULE, mutated("n * 2", "n / 2")) == ["test_target.py::test_doubled"]


def test_a_line_run_by_a_shared_fixture_selects_every_test_using_it(coverage_map: dict) -> None:
    chosen = selection(coverage_map, MODULE, mutated("[0] * self.size", "[1] * self.size"))
    assert sorted(chosen or []) == ["test_target.py::test_table_has_two_rows", "test_target.py::test_table_is_zeros"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("LIMIT = 3", "LIMIT = 4"),  # module level: runs at import
        ("cap: int = LIMIT", "cap: int = 4"),  # a default: runs at import, with the def line
        ("size = 2", "size = 3"),  # class level
        ("return 0\n", "return 1\n"),  # no test ran it in this process (a subprocess may)
    ],
)
def test_a_mutant_the_map_cannot_place_runs_the_whole_selection(coverage_map: dict, old: str, new: str) -> None:
    assert selection(coverage_map, MODULE, mutated(old, new)) is None


def test_a_test_failing_in_the_traced_baseline_runs_for_every_mutant(coverage_map: dict) -> None:
    flaky = {**coverage_map["tests"]["test_target.py::test_table_is_zeros"], "failed": True}
    facts = {**coverage_map, "tests": {**coverage_map["tests"], "test_target.py::test_table_is_zeros": flaky}}
    assert sorted(selection(facts, MODULE, mutated("n * 2", "n / 2")) or []) == [
        "test_target.py::test_doubled",
        "test_target.py::test_table_is_zeros",
    ]


def test_a_listed_equivalent_is_recognised_by_its_changed_line() -> None:
    facts = {"equivalent": [["return cap", "return n"]]}
    assert listed_equivalent(facts, MODULE, mutated("return cap\n", "return n\n"))
    assert not listed_equivalent(facts, MODULE, mutated("return n\n", "return cap\n"))
