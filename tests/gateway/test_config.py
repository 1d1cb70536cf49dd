"""Configuration loading: files, pyproject, clear errors, the feature flag."""

from __future__ import annotations

import pytest

from llmwright.config import load_config
from llmwright.errors import ConfigError


def test_llmwright_toml_and_pyproject(tmp_path, monkeypatch):
    monkeypatch.delenv("LLMWRIGHT_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llmwright.providers.groq]\nrpm = 30\n[tool.llmwright.audit]\nignore = ["LLM402"]\n'
    )
    from_pyproject = load_config(cwd=tmp_path)
    assert from_pyproject.providers["groq"].rpm == 30 and from_pyproject.audit.ignore == ["LLM402"]
    (tmp_path / "llmwright.toml").write_text(
        '[routes.main]\nchain = ["openai:gpt-4o-mini"]\n[cache]\nbackend = "memory"\n'
    )
    config = load_config(cwd=tmp_path)
    assert config.routes["main"].chain == ["openai:gpt-4o-mini"] and config.cache.backend == "memory"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[providers.openai]\nrpm = -1\n", "providers.openai.rpm"),
        ("[providers.openai]\napi_key = 'sk-x'\n", "unknown key 'api_key' in "),
        ("[cache]\nbackend = 'disk'\n", "cache.backend"),
        ("[routes.main]\nchain = []\n", "routes.main.chain"),
        ("[shared]\nbackend = 'memcached'\n", "shared.backend"),
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[gatway]\ndeadline_s = 5\n", "unknown table [gatway]; did you mean [gateway]?"),
        ("[gateway]\ndeadlin_s = 5\n", "unknown key 'deadlin_s' in [gateway]; did you mean 'deadline_s'?"),
        ("[providers.groq]\nrpmm = 5\n", "unknown key 'rpmm' in [providers.groq]; did you mean 'rpm'?"),
        ("[routes.main]\nchain = ['openai:gpt-4o']\nchian = 1\n", "unknown key 'chian' in [routes.main]"),
        ("[cache]\nttl = 5\n", "unknown key 'ttl' in [cache]; did you mean 'ttl_s'?"),
        ("[audit]\nexclud = []\n", "unknown key 'exclud' in [audit]; did you mean 'exclude'?"),
        ("[prompts]\nmodels = 'openai:gpt-4o'\n", "unknown key 'models' in [prompts]; did you mean 'model'?"),
        ("[sharde]\nbackend = 'redis'\n", "unknown table [sharde]; did you mean [shared]?"),
        ("[shared]\nbakend = 'redis'\n", "unknown key 'bakend' in [shared]; did you mean 'backend'?"),
        (
            "[gateway]\nmax_wait_shar = 0.5\n",
            "unknown key 'max_wait_shar' in [gateway]; did you mean 'max_wait_share'?",
        ),
        ("[zzz]\n", "unknown table [zzz]; valid tables: providers, routes, cache, gateway, shared, audit, prompts"),
    ],
)
def test_a_misspelled_table_or_key_is_named_with_the_closest_valid_name(tmp_path, text, message):
    path = tmp_path / "llmwright.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_pyproject_typos_are_named_under_tool_llmwright(tmp_path, monkeypatch):
    monkeypatch.delenv("LLMWRIGHT_CONFIG", raising=False)
    (tmp_path / "pyproject.toml").write_text("[tool.llmwright.gatway]\nenabled = false\n")
    with pytest.raises(ConfigError, match=r"unknown table \[tool\.llmwright\.gatway\]; did you mean"):
        load_config(cwd=tmp_path)


def test_an_api_key_in_the_file_is_refused_without_echoing_it(tmp_path):
    path = tmp_path / "llmwright.toml"
    path.write_text("[providers.openai]\napi_key = 'sk-canary-0123456789abcdef'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "sk-canary" not in str(caught.value) and "api_key_env" in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "."],
        ["usage"],
        ["call", "hi", "-m", "openai:gpt-4o-mini"],
        ["prompts", "list"],
        ["select", "--task", "chat"],
    ],
)
def test_every_door_answers_a_typo_with_exit_2_naming_it(tmp_path, command):
    from tests.support.cli import run_cli

    (tmp_path / "llmwright.toml").write_text("[gatway]\ndeadline_s = 5\n")
    result = run_cli(*command, cwd=tmp_path, env={"LLMWRIGHT_CONFIG": ""})
    assert result.returncode == 2, result.stderr
    assert "unknown table [gatway]; did you mean [gateway]?" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_configuration_example_is_a_valid_configuration():
    """Every table and key the README's gateway example shows exists (a renamed key fails here)."""
    import re
    import tomllib

    from llmwright.config import Config
    from tests.support.cli import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Configuration") :]
    example = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    config = Config.model_validate(tomllib.loads(example))
    assert config.shared.backend == "redis" and config.gateway.max_wait_share == 0.5
    assert config.providers["openai"].max_concurrency == 200
