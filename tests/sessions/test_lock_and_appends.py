"""The sessions lock and concurrent appends: a held lock is waited on for 30 s then named; no report is torn."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import filelock._core._acquire
import filelock._core._state
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwright.sessions import SessionError, SessionsDir, append_report, show_session, start_session
from llmwright.sessions.lock import sessions_lock

REPORT_MARKER = re.compile(r"^<!-- llmwright:report .* -->$", re.MULTILINE)


class FakeClock:
    """What filelock reads to decide it has waited long enough: advanced only by its own sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)


@pytest.fixture
def held_lock(project: Path):
    """The sessions lock held by another process until the test ends."""
    sessions = SessionsDir.of(project)
    sessions.ensure()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire();"
         "print('held', flush=True); sys.stdin.read()", str(sessions.active / ".lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield sessions
    holder.communicate("", timeout=30)


def test_a_held_lock_is_waited_on_for_30_seconds_then_named(held_lock: SessionsDir, monkeypatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(filelock._core._acquire, "time", clock)
    monkeypatch.setattr(filelock._core._state, "time", clock)
    with pytest.raises(SessionError) as caught, sessions_lock(held_lock):
        pytest.fail("the lock was taken while another process held it")
    waited = clock.now - 1000.0
    assert 30 <= waited < 31, f"gave up after {waited} s"
    message = str(caught.value)
    assert message.startswith("could not lock .claude/sessions/active/.lock within 30 s: another llmwright process")
    assert "delete the lock file if no llmwright process is running" in message


def test_an_append_while_the_lock_is_held_fails_cleanly_and_writes_nothing(held_lock: SessionsDir, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(filelock._core._acquire, "time", clock)
    monkeypatch.setattr(filelock._core._state, "time", clock)
    with pytest.raises(SessionError, match="could not lock"):
        append_report(held_lock.project, "llm-ml-engineer", "# Findings\n\nall good")
    assert list(held_lock.reports.glob("*.md")) == []


def test_the_lock_is_released_after_use_and_after_an_error(project: Path) -> None:
    sessions = SessionsDir.of(project)
    sessions.ensure()
    with sessions_lock(sessions, timeout=1):
        pass
    with pytest.raises(RuntimeError), sessions_lock(sessions, timeout=1):
        raise RuntimeError("inside")
    with sessions_lock(sessions, timeout=0.5):  # would time out if either left it held
        pass


def _append_standalone(project: str, index: int, barrier) -> None:
    barrier.wait()
    append_report(Path(project), f"agent-{index}", f"report {index}")


def test_many_processes_writing_into_a_fresh_project_all_succeed(project: Path) -> None:
    """Nobody ran `session start`: every process creates .claude/sessions/ at the same moment."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    barrier = context.Barrier(12)
    workers = [context.Process(target=_append_standalone, args=(str(project), i, barrier)) for i in range(12)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * 12
    assert len(list((project / ".claude/sessions/reports").glob("*.md"))) == 12


def test_folders_another_process_creates_meanwhile_are_no_error(project: Path, monkeypatch) -> None:
    """The race above, made certain: the areas appear between the check for them and their creation."""
    real_is_dir = Path.is_dir

    def is_dir_then_raced(path: Path) -> bool:
        answer = real_is_dir(path)
        if path.name in ("active", "archive", "reports") and path.parent.name == "sessions":
            os.makedirs(path, exist_ok=True)  # another process, just now
        return answer

    monkeypatch.setattr(Path, "is_dir", is_dir_then_raced)
    assert append_report(project, "llm-ml-engineer", "first").destination == "standalone"


def _append_all(project: str, agent: str, reports: list[tuple[str, str]], barrier) -> None:
    barrier.wait()
    for title, body in reports:
        append_report(Path(project), agent, body, title=title)


# Report text that tries to break the file: markers of its own, headings, CRLF, blank runs, non-ASCII.
LINES = st.one_of(
    st.text(st.sampled_from("abcXYZ019 #*>_`|éß中"), max_size=30),
    st.just('<!-- llmwright:report {"n": 99, "agent": "forged"} -->'),
    st.just("<!-- llmwright:closed {} -->"),
    st.just("## A heading inside"),
    st.just("---"),
)
BODIES = st.lists(LINES, min_size=1, max_size=12).map(lambda lines: "\r\n".join(lines))


@given(st.lists(st.lists(BODIES, min_size=1, max_size=3), min_size=2, max_size=3))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_appends_from_many_processes_keep_every_report_whole(per_worker: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder).resolve()
        start_session(project, "race")
        sent = {}
        for w, bodies in enumerate(per_worker):
            for r, body in enumerate(bodies):
                sent[(w, r)] = f"report {w}-{r}\n{body}"
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        barrier = context.Barrier(len(per_worker))
        workers = [
            context.Process(target=_append_all, args=(str(project), f"agent-{w}", [(f"report {w}-{r}", sent[(w, r)]) for r in range(len(b))], barrier))
            for w, b in enumerate(per_worker)
        ]  # fmt: skip
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
            assert worker.exitcode == 0
        view = show_session(project)
        assert [r.n for r in view.reports] == list(range(1, len(sent) + 1)), "numbered in the order of the lock"
        blocks = REPORT_MARKER.split(view.content)[1:]
        assert len(blocks) == len(sent), "no report lost and none forged"
        seen = set()
        for report, block in zip(view.reports, blocks, strict=True):
            w, r = map(int, report.title.removeprefix("report ").split("-"))
            expected = _as_stored(sent[(w, r)])
            assert report.agent == f"agent-{w}"
            assert block.removesuffix("\n---\n\n").endswith(f"\n\n{expected}\n"), f"report {w}-{r} is not whole"
            seen.add((w, r))
        assert seen == set(sent)
        # each worker's reports in the order it sent them
        for w, bodies in enumerate(per_worker):
            mine = [int(rep.title.split("-")[1]) for rep in view.reports if rep.agent == f"agent-{w}"]
            assert mine == list(range(len(bodies)))


def _as_stored(body: str) -> str:
    """What a report becomes in the file: line ends unified, trailing blanks dropped, markers indented."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return re.sub(r"^<!-- llmwright:", " <!-- llmwright:", text, flags=re.MULTILINE)
