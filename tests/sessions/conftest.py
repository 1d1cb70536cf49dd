"""A throwaway project per test, the canary keys in the environment, and a guard on the repo."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import ROOT, llmwright_command

CANARY = "sk-canary-0123456789abcdefghijklmnop"  # key-shaped
PLAIN_CANARY = "groq-canary-value-4242"  # not key-shaped: only the env lookup catches it
ANTHROPIC_SHAPED = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
REPO_SESSIONS = ROOT / ".claude" / "sessions"


def _session_files() -> set[Path]:
    return {p for p in REPO_SESSIONS.rglob("*") if p.is_file() and p.name != ".gitkeep"}


@pytest.fixture(autouse=True)
def _repo_sessions_untouched() -> Iterator[None]:
    """No test may leave a session file or lock in the repository's own .claude/sessions/."""
    before = _session_files()
    yield
    assert _session_files() == before, "a test wrote into the repository's .claude/sessions/"


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("GROQ_API_KEY", PLAIN_CANARY)
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder.resolve()


def run_in(project: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None):
    """The real `llmwright` CLI, run from inside the project as a person would."""
    full_env = {k: v for k, v in os.environ.items() if k != "CLAUDE_PROJECT_DIR"}
    # The checkout first (for `tests`), then whatever the caller had (a mutation run's package copy).
    full_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.run(
        [*llmwright_command(), *args],
        capture_output=True,
        text=True,
        input=input,
        cwd=project,
        env={**full_env, **(env or {})},
        timeout=120,
    )
