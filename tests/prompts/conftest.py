"""Keys and isolated directories for prompt-library tests (the `fake` server is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gateway.conftest import KEYS
from tests.support.env import isolate


@pytest.fixture(autouse=True)
def _keys_and_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path, KEYS, unset=["LLMWRIGHT_PROMPTS_DIR"])
