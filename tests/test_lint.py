"""`ruff check` is clean: style is part of the build, not a suggestion."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.cli import ROOT


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' installs it)")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
