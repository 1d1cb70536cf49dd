"""Gateway configurations pointing at the per-test fake provider server (tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmwright.config import Config
from tests.support.env import isolate
from tests.support.fake_provider import FakeProvider
from tests.support.redis_server import redis_server

CANARY = "sk-canary-0123456789abcdefghijklmnop"
KEYS = {"OPENAI_API_KEY": CANARY, "ANTHROPIC_API_KEY": "ant-test-key-000000", "GROQ_API_KEY": "gsk-test-key-000000"}


@pytest.fixture(autouse=True)
def _keys_and_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path, KEYS)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server for this test (skips, saying why, without one)."""
    with redis_server(tmp_path) as url:
        yield url


def config_for(fake: FakeProvider, tmp_path: Path, **overrides: Any) -> Config:
    """openai → /p1, anthropic → /p2, ollama → /p3, groq → /p4 on the fake server; fast backoff."""
    providers: dict[str, dict[str, Any]] = {
        "openai": {"base_url": fake.url("p1"), "max_retries": 2, "timeout_s": 5},
        "anthropic": {"base_url": fake.url("p2", "anthropic"), "max_retries": 2, "timeout_s": 5},
        "ollama": {"base_url": fake.url("p3", "ollama"), "max_retries": 2, "timeout_s": 5},
        "groq": {"base_url": fake.url("p4"), "max_retries": 2, "timeout_s": 5},
    }
    for name, extra in overrides.pop("providers", {}).items():
        providers.setdefault(name, {}).update(extra)
    data: dict[str, Any] = {
        "providers": providers,
        "cache": {"backend": "off"},
        "gateway": {"ledger_path": str(tmp_path / "usage.jsonl"), "backoff_base_s": 0.01, "backoff_max_s": 0.05},
    }
    for key, value in overrides.items():
        data[key] = {**data.get(key, {}), **value}
    return Config.model_validate(data)


def config_toml(
    fake: FakeProvider, tmp_path: Path, extra: str = "", providers: dict[str, dict[str, Any]] | None = None
) -> Path:
    """The same configuration as a file, for CLI and MCP tests (`providers`: other [providers.*] tables)."""
    if providers is None:
        providers = {
            "openai": {"base_url": fake.url("p1"), "timeout_s": 5},
            "anthropic": {"base_url": fake.url("p2", "anthropic"), "timeout_s": 5},
        }
    lines = []
    for name, table in providers.items():
        lines.append(f"[providers.{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path = tmp_path / "llmwright.toml"
    path.write_text(
        "\n".join(lines)
        + f"""
[cache]
backend = "sqlite"
url = "{tmp_path / "cache.sqlite3"}"
[gateway]
ledger_path = "{tmp_path / "usage.jsonl"}"
backoff_base_s = 0.01
{extra}
""",
        encoding="utf-8",
    )
    return path
