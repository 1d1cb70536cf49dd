"""Which selected tests run each line of a mutated module, so that a mutant runs only the tests
that reach it (as mutmut 3 does).

The baseline of a module's run loads this file as a pytest plugin (`-p tests.mutation.coverage_map
--mutation-target FILE --mutation-map OUT`): coverage.py traces the target file only, with one
dynamic context per test (its node id), so the map says which tests ran each line and how long
each test took. Lines run by a fixture shared between tests (module or session scope) belong to
every test that uses the fixture, not to the one that happened to set it up first; lines run
outside any test (imports, collection) are marked as such.

`selection.py` reads the map for each mutant.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import coverage
import pytest

from tests.mutation.selection import OUTSIDE, SHARED


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mutation coverage map")
    group.addoption("--mutation-target", help="the file whose lines are mapped to the tests that run them")
    group.addoption("--mutation-map", help="where to write the map (JSON)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Start tracing before the first conftest imports llmwright."""
    options = early_config.known_args_namespace
    if options.mutation_target and options.mutation_map:
        recorder = Recorder(Path(options.mutation_target), Path(options.mutation_map))
        early_config.pluginmanager.register(recorder, "mutation-coverage-map")


class Recorder:
    """Traces one file and notes, per test, its context, the fixtures it uses, its time and outcome."""

    def __init__(self, target: Path, out: Path) -> None:
        self.target = target.resolve()
        self.out = out
        self.tests: dict[str, dict] = {}
        self.fixtures: dict[str, float] = {}  # the setup time of each shared fixture
        self.context = OUTSIDE
        self.coverage = coverage.Coverage(data_file=None, include=[str(self.target)], config_file=False)
        self.coverage.start()

    def _switch(self, context: str) -> str:
        previous, self.context = self.context, context
        self.coverage.switch_context(context)
        return previous

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        self.tests[item.nodeid] = {"fixtures": sorted(getattr(item, "fixturenames", ())), "failed": False}
        self._switch(item.nodeid)
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            self.tests[item.nodeid]["seconds"] = round(time.perf_counter() - started, 4)
            self._switch(OUTSIDE)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
        if fixturedef.scope == "function":
            return (yield)
        previous = self._switch(SHARED + fixturedef.argname)
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            took = round(time.perf_counter() - started, 4)
            self.fixtures[fixturedef.argname] = max(took, self.fixtures.get(fixturedef.argname, 0.0))
            self._switch(previous)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and report.nodeid in self.tests:
            self.tests[report.nodeid]["failed"] = True

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        self.coverage.stop()
        data = self.coverage.get_data()
        measured = [name for name in data.measured_files() if Path(name).resolve() == self.target]
        lines = data.contexts_by_lineno(measured[0]) if measured else {}
        self.out.write_text(
            json.dumps(
                {
                    "tests": self.tests,
                    "fixtures": self.fixtures,
                    "lines": {str(n): sorted(c) for n, c in lines.items()},
                }
            ),
            encoding="utf-8",
        )
