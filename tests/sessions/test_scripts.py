"""The plugin's bash scripts: the launcher, the explicit append script and the SubagentStop hook."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from llmwright import __version__
from llmwright.sessions import show_session, start_session
from tests.support.cli import ROOT

SCRIPTS = ROOT / ".claude" / "scripts"
LAUNCHER, UPDATE, HOOK = SCRIPTS / "llmwright.sh", SCRIPTS / "update-active-session.sh", SCRIPTS / "subagent-stop.sh"
BASH = shutil.which("bash") or "/bin/bash"


def clean_env(**extra: str) -> dict[str, str]:
    """Offline: the launcher runs in place with the test's Python (or $LLMWRIGHT_PYTHON) or stops;
    it never installs from PyPI and never touches the user's plugin data."""
    base = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_PROJECT_DIR", "PYTHONPATH")}
    offline = {
        "LLMWRIGHT_PYTHON": os.environ.get("LLMWRIGHT_PYTHON") or sys.executable,
        "LLMWRIGHT_NO_INSTALL": "1",
        "CLAUDE_PLUGIN_DATA": str(Path(tempfile.gettempdir()) / "llmwright-tests-no-plugin-data"),
    }
    return {**base, **offline, **extra}


@functools.cache
def _launcher_problem() -> str | None:
    result = subprocess.run([BASH, str(LAUNCHER), "--version"], capture_output=True, text=True, env=clean_env())
    return result.stderr.strip().splitlines()[0] if result.returncode == 3 else None


def require_in_place() -> None:
    """Skip, saying why, when the launcher could only run after installing from PyPI."""
    problem = _launcher_problem()
    if problem:
        pytest.skip(f"{problem} (set LLMWRIGHT_PYTHON to a Python with llmwright's dependencies)")


def run(script: Path, *args: str, cwd: Path, input: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [BASH, str(script), *args],
        capture_output=True,
        text=True,
        input=input,
        cwd=cwd,
        env=clean_env(**(env or {})),
        timeout=120,
    )


def no_python_path(tmp_path: Path) -> str:
    """A PATH whose only python3 is too old: the launcher must say so, not crash."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "dirname").symlink_to(shutil.which("dirname") or "/usr/bin/dirname")
    fake = folder / "python3"
    fake.write_text("#!/bin/sh\necho 'Python 3.8.10'\nexit 1\n")
    fake.chmod(0o755)
    return str(folder)


def test_scripts_are_executable_bash_with_strict_mode() -> None:
    for script in (LAUNCHER, UPDATE, HOOK):
        text = script.read_text()
        assert os.access(script, os.X_OK), f"{script.name} is not executable"
        assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text


def test_launcher_runs_the_cli_in_place(project: Path) -> None:
    require_in_place()
    result = run(LAUNCHER, "--version", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"llmwright, version {__version__}\n"
    assert result.stderr == "", "nothing but the command's own output when the dependencies are present"


def test_launcher_without_a_recent_python_says_what_to_do(project: Path, tmp_path: Path) -> None:
    env = {"PATH": no_python_path(tmp_path), "LLMWRIGHT_PYTHON": ""}
    result = run(LAUNCHER, "--version", cwd=project, env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert "Python 3.11 or newer is required" in result.stderr and "LLMWRIGHT_PYTHON" in result.stderr


def test_update_active_session_appends_and_says_where(project: Path) -> None:
    require_in_place()
    start_session(project, "scripted")
    for agent in ("llm-ml-engineer", "llm-cost-optimizer"):
        (project / f"{agent}.md").write_text(f"# {agent} findings\n\nall numbers from the tools\n")
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    running = [
        subprocess.Popen(
            [BASH, str(UPDATE), agent, f"{agent}.md"],
            cwd=project,
            env=clean_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for agent in ("llm-ml-engineer", "llm-cost-optimizer")
    ]
    outputs = [process.communicate(timeout=120) for process in running]
    assert all(process.returncode == 0 for process in running), outputs
    assert all(out.startswith("appended report ") and ".claude/sessions/active/" in out for out, _ in outputs)
    piped = run(UPDATE, "llm-integration-specialist", "-", "--title", "Fallback chain", cwd=project, input="done")
    assert piped.returncode == 0 and piped.stdout.startswith("appended report 3 ('Fallback chain')"), piped.stderr
    reports = show_session(project).reports
    assert sorted(r.agent for r in reports[:2]) == ["llm-cost-optimizer", "llm-ml-engineer"]
    assert [r.n for r in reports] == [1, 2, 3]

    usage = run(UPDATE, "only-one-argument", cwd=project)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: update-active-session.sh AGENT REPORT.md|-")


def test_subagent_stop_hook_script_records_and_never_fails(project: Path, tmp_path: Path) -> None:
    require_in_place()
    start_session(project, "hooked")
    event = {
        "hook_event_name": "SubagentStop",
        "agent_type": "llmwright:llm-integration-specialist",
        "last_assistant_message": "# Retry added\n\nexponential backoff with jitter",
    }
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    recorded = run(HOOK, cwd=tmp_path, input=json.dumps(event), env=env)
    assert recorded.returncode == 0 and recorded.stdout == "" and "appended report 1" in recorded.stderr
    assert [r.source for r in show_session(project).reports] == ["hook"]

    no_python_env = {**env, "PATH": no_python_path(tmp_path), "LLMWRIGHT_PYTHON": ""}
    no_python = run(HOOK, cwd=tmp_path, input=json.dumps(event), env=no_python_env)
    assert no_python.returncode == 0 and "the report was not recorded" in no_python.stderr
