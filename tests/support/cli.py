"""Run the real `llmwright` entry point in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def llmwright_command() -> list[str]:
    """The `llmwright` script installed beside the interpreter running the tests (never another
    copy found on PATH), else `python -m llmwright.server`."""
    script = Path(sys.executable).with_name("llmwright")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "llmwright.server"]


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
    cwd: Path | str = ROOT,
):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*llmwright_command(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=cwd,
    )
