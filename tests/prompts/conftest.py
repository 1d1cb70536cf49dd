"""The fake provider, keys and isolated directories for prompt-library tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.conftest import KEYS
from tests.support.fake_provider import FakeProvider


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider() as server:
        yield server


@pytest.fixture(autouse=True)
def _keys_and_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LLMWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("LLMWRIGHT_ENABLED", "LLMWRIGHT_CONFIG", "LLMWRIGHT_PROMPTS_DIR"):
        monkeypatch.delenv(name, raising=False)
