"""A pytest plugin for a mutant's runs: a test running past its cap (selection.test_caps: ten times
its traced baseline plus 10 s) has hung, and the run ends at once with exit status 124, which the
client counts as a kill, as a timeout of the whole run always was. A hung mutant then costs one
test's cap rather than the whole run's ceiling (modules.toml's timeout_s).

    pytest -p tests.mutation.hung --mutation-caps=MAP ...
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.mutation.forkserver import TIMED_OUT
from tests.mutation.selection import test_caps


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("mutation hang caps").addoption("--mutation-caps", help="the coverage map with test times")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("mutation_caps")
    if path:
        caps = test_caps(json.loads(Path(path).read_text(encoding="utf-8")))
        config.pluginmanager.register(Caps(caps), "mutation-hang-caps")


class Caps:
    def __init__(self, caps: dict[str, float]) -> None:
        self.caps = caps

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        cap = self.caps.get(item.nodeid)
        if cap is None:
            return (yield)

        def hung(signum: int, frame: object) -> None:
            with contextlib.suppress(Exception):  # pytest captures the test's output: say it past that
                item.config.pluginmanager.getplugin("capturemanager").suspend_global_capture(in_=True)
            with contextlib.suppress(Exception):
                sys.stdout.write(f"\nhung: {item.nodeid} ran past {cap:.1f} s\n")
                sys.stdout.flush()
            os._exit(TIMED_OUT)  # the fork server then ends whatever the test started

        previous = signal.signal(signal.SIGALRM, hung)
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            return (yield)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
