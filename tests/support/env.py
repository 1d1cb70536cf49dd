"""The environment every gateway-backed test starts from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest


def isolate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keys: Mapping[str, str], unset: Iterable[str] = ()
) -> None:
    """Test keys for the fake providers, a private cache dir, and no llmwright switch inherited from the shell."""
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LLMWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("LLMWRIGHT_ENABLED", "LLMWRIGHT_CONFIG", *unset):
        monkeypatch.delenv(name, raising=False)
