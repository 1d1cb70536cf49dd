"""Configuration loading: files, pyproject, clear errors, the feature flag."""

from __future__ import annotations

import pytest

from llmwright.config import load_config
from llmwright.errors import ConfigError


def test_llmwright_toml_and_pyproject(tmp_path, monkeypatch):
    monkeypatch.delenv("LLMWRIGHT_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llmwright.providers.groq]\nrpm = 30\n[tool.llmwright.audit]\nx = 1\n"
    )
    assert load_config(cwd=tmp_path).providers["groq"].rpm == 30
    (tmp_path / "llmwright.toml").write_text(
        '[routes.main]\nchain = ["openai:gpt-4o-mini"]\n[cache]\nbackend = "memory"\n'
    )
    config = load_config(cwd=tmp_path)
    assert config.routes["main"].chain == ["openai:gpt-4o-mini"] and config.cache.backend == "memory"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[providers.openai]\nrpm = -1\n", "providers.openai.rpm"),
        ("[providers.openai]\napi_key = 'sk-x'\n", "providers.openai.api_key: Extra inputs"),
        ("[cache]\nbackend = 'disk'\n", "cache.backend"),
        ("[routes.main]\nchain = []\n", "routes.main.chain"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_configuration_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config(path)


def test_feature_flag_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_ENABLED", "0")
    assert load_config(cwd=tmp_path).gateway.enabled is False
