"""Gateway configurations that point at the per-test fake provider (tests/conftest.py).

Providers keep their real names (openai, anthropic, groq) so the catalog prices every
answer; only their base URLs move to the loopback fake: openai → /p1, anthropic → /p2,
groq → /p4, mistral → /p5.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmwright.config import Config
from tests.gateway.conftest import config_toml
from tests.support.env import isolate
from tests.support.fake_provider import FakeProvider

KEYS = {
    "OPENAI_API_KEY": "sk-test-0000",
    "ANTHROPIC_API_KEY": "ant-test-0000",
    "GROQ_API_KEY": "gsk-test-0000",
    "MISTRAL_API_KEY": "mis-test-0000",
}
CLOSED_PORT_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens, connections are refused


@pytest.fixture(autouse=True)
def _keys_and_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path, KEYS)


def provider_tables(fake: FakeProvider) -> dict[str, dict[str, Any]]:
    fast = {"max_retries": 1, "timeout_s": 5}
    return {
        "openai": {"base_url": fake.url("p1"), **fast},
        "anthropic": {"base_url": fake.url("p2", "anthropic"), **fast},
        "groq": {"base_url": fake.url("p4"), **fast},
        "mistral": {"base_url": fake.url("p5"), **fast},
    }


def gateway_config(fake: FakeProvider, tmp_path: Path, cache: str = "off", **providers: dict[str, Any]) -> Config:
    tables = provider_tables(fake)
    for name, extra in providers.items():
        tables[name] = {**tables[name], **extra}
    return Config.model_validate(
        {
            "providers": tables,
            "cache": {"backend": cache},
            "gateway": {"ledger_path": str(tmp_path / "usage.jsonl"), "backoff_base_s": 0.01, "backoff_max_s": 0.05},
        }
    )


def config_file(fake: FakeProvider, tmp_path: Path, extra: str = "") -> Path:
    """The same as an llmwright.toml, with the sqlite cache, for CLI and MCP tests."""
    return config_toml(fake, tmp_path, extra, providers=provider_tables(fake))
