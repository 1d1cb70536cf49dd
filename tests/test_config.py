"""Configuration: the search rule, the documented defaults, and every unknown key refused by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwright.config import (
    AuditConfig,
    CacheConfig,
    Config,
    GatewayConfig,
    PromptsConfig,
    ProviderConfig,
    RouteConfig,
    ServerConfig,
    find_config_file,
    load_config,
)
from llmwright.errors import ConfigError

# Each table a file may hold, the TOML that opens it, and its model.
TABLES = {
    "providers.groq": ("[providers.groq]\n", ProviderConfig),
    "routes.main": ('[routes.main]\nchain = ["openai:gpt-4o-mini"]\n', RouteConfig),
    "cache": ("[cache]\n", CacheConfig),
    "gateway": ("[gateway]\n", GatewayConfig),
    "audit": ("[audit]\n", AuditConfig),
    "prompts": ("[prompts]\n", PromptsConfig),
    "server": ("[server]\n", ServerConfig),
}
names = st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True)


@pytest.fixture(autouse=True)
def _no_config_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMWRIGHT_CONFIG", raising=False)
    monkeypatch.delenv("LLMWRIGHT_ENABLED", raising=False)


def _refusal(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message, "one line"
    return message


@given(table=st.sampled_from(sorted(TABLES)), key=names, pyproject=st.booleans())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_unknown_key_in_every_table_is_refused_by_name(tmp_path, table, key, pyproject) -> None:
    opening, model = TABLES[table]
    valid = list(model.model_fields)
    if key in valid:
        return
    prefix = "tool.llmwright." if pyproject else ""
    text = opening.replace("[", f"[{prefix}", 1) + f"{key} = 1\n"
    message = _refusal(tmp_path / ("pyproject.toml" if pyproject else "llmwright.toml"), text)
    assert f"unknown key {key!r} in [{prefix}{table}]" in message
    suggestion = re.search(r"did you mean '(\w+)'\?", message)
    if suggestion:
        assert suggestion.group(1) in valid
    else:
        assert f"valid keys: {', '.join(valid)}" in message


@given(table=names, pyproject=st.booleans())
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_unknown_table_is_refused_by_name(tmp_path, table, pyproject) -> None:
    if table in Config.model_fields:
        return
    prefix = "tool.llmwright." if pyproject else ""
    message = _refusal(tmp_path / ("pyproject.toml" if pyproject else "llmwright.toml"), f"[{prefix}{table}]\nx = 1\n")
    assert f"unknown table [{prefix}{table}]" in message
    suggestion = re.search(r"did you mean \[(?:tool\.llmwright\.)?(\w+)\]\?", message)
    if suggestion:
        assert suggestion.group(1) in Config.model_fields
    else:
        assert f"valid tables: {', '.join(Config.model_fields)}" in message


def test_an_api_key_typed_into_a_provider_table_says_where_keys_go(tmp_path) -> None:
    message = _refusal(tmp_path / "llmwright.toml", "[providers.openai]\napi_key = 'sk-not-here-0123456789'\n")
    assert "unknown key 'api_key' in [providers.openai]; did you mean 'api_key_env'?" in message
    assert "Keys come only from the environment: api_key_env names the variable" in message
    assert "sk-not-here" not in message


def test_a_bad_value_names_its_place(tmp_path) -> None:
    message = _refusal(tmp_path / "pyproject.toml", "[tool.llmwright.gateway]\nbudget_warn_at = 1.5\n")
    assert message.startswith(f"invalid configuration in [tool.llmwright] in {tmp_path / 'pyproject.toml'}: ")
    assert "tool.llmwright.gateway.budget_warn_at: Input should be less than or equal to 1" in message


def test_the_defaults_are_the_documented_ones(tmp_path) -> None:
    config = load_config(cwd=tmp_path)
    assert config.file is None
    provider = ProviderConfig()
    assert (provider.timeout_s, provider.max_retries, provider.fail_max, provider.reset_timeout_s) == (60, 2, 5, 30)
    assert (config.cache.backend, config.cache.ttl_s) == ("sqlite", 3600)
    gateway = config.gateway
    assert (gateway.enabled, gateway.deadline_s, gateway.redact, gateway.ledger, gateway.log_prompts) == (
        True,
        120,
        "off",
        True,
        False,
    )
    assert (gateway.budget_warn_at, gateway.backoff_base_s, gateway.backoff_max_s, gateway.retry_after_max_s) == (
        0.8,
        0.5,
        20,
        30,
    )
    assert (gateway.max_wait_share, gateway.allow_retired) == (0.5, False)  # retired models refused unless asked
    assert (provider.max_concurrency, provider.max_connections) == (200, None)
    assert (config.shared.backend, config.shared.prefix, config.shared.timeout_s) == ("none", "llmwright", 1.0)
    server = config.server
    assert (server.max_text_bytes, server.max_request_bytes, server.max_items, server.max_depth) == (
        2_000_000,
        8_000_000,
        10_000,
        32,
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("[providers.x]\nrpm = 0\n", "providers.x.rpm"),
        ("[providers.x]\ntpm = 0\n", "providers.x.tpm"),
        ("[providers.x]\ntimeout_s = 0\n", "providers.x.timeout_s"),
        ("[providers.x]\nmax_retries = -1\n", "providers.x.max_retries"),
        ("[providers.x]\nmax_retries = 11\n", "providers.x.max_retries"),
        ("[providers.x]\nfail_max = 0\n", "providers.x.fail_max"),
        ("[providers.x]\nreset_timeout_s = 0\n", "providers.x.reset_timeout_s"),
        ("[providers.x]\ndaily_usd = -0.01\n", "providers.x.daily_usd"),
        ("[providers.x]\nmax_concurrency = -1\n", "providers.x.max_concurrency"),  # 0: no cap
        ("[providers.x]\nmax_connections = 0\n", "providers.x.max_connections"),
        ("[routes.r]\nchain = ['a:b']\ncache_ttl_s = -1\n", "routes.r.cache_ttl_s"),
        ("[cache]\nttl_s = -1\n", "cache.ttl_s"),
        ("[gateway]\ndeadline_s = 0\n", "gateway.deadline_s"),
        ("[gateway]\nbudget_warn_at = 0\n", "gateway.budget_warn_at"),
        ("[gateway]\nbackoff_max_s = -1\n", "gateway.backoff_max_s"),
        ("[audit.severity]\nLLM101 = 'urgent'\n", "audit.severity.LLM101"),
        ("[providers.x]\ndaily_tokens = -1\n", "providers.x.daily_tokens"),
        ("[routes.r]\nchain = ['a:b']\ndaily_usd = -1\n", "routes.r.daily_usd"),
        ("[routes.r]\nchain = ['a:b']\ndaily_tokens = -1\n", "routes.r.daily_tokens"),
        ("[gateway]\nbackoff_base_s = -0.1\n", "gateway.backoff_base_s"),
        ("[gateway]\nretry_after_max_s = -1\n", "gateway.retry_after_max_s"),
        ("[server]\nmax_text_bytes = 999\n", "server.max_text_bytes"),
        ("[server]\nmax_request_bytes = 999\n", "server.max_request_bytes"),
        ("[server]\nmax_items = 9\n", "server.max_items"),
        ("[server]\nmax_depth = 1\n", "server.max_depth"),
        ("[gateway]\nmax_wait_share = 0\n", "gateway.max_wait_share"),
        ("[gateway]\nmax_wait_share = 1.01\n", "gateway.max_wait_share"),
        ("[shared]\nprefix = ''\n", "shared.prefix"),
        ("[shared]\ntimeout_s = 0\n", "shared.timeout_s"),
        ("[shared]\ntimeout_s = 10.5\n", "shared.timeout_s"),
    ],
)
def test_values_out_of_range_are_refused(tmp_path, text: str, place: str) -> None:
    assert f"{place}: " in _refusal(tmp_path / "llmwright.toml", text)


def test_limits_at_their_edges_are_accepted(tmp_path) -> None:
    path = tmp_path / "llmwright.toml"
    path.write_text(
        "[providers.x]\nmax_retries = 10\nfail_max = 1\ndaily_usd = 0\ndaily_tokens = 0\nmax_concurrency = 1\n"
        "[routes.r]\nchain = ['a:b']\ncache_ttl_s = 0\n[cache]\nttl_s = 0\n"
        "[gateway]\nbudget_warn_at = 1\nbackoff_base_s = 0\nbackoff_max_s = 0\nretry_after_max_s = 0\n"
    )
    config = load_config(path)
    assert config.providers["x"].max_retries == 10 and config.gateway.budget_warn_at == 1
    path.write_text(
        "[providers.y]\nrpm = 0.5\ntpm = 0.5\ntimeout_s = 0.5\nreset_timeout_s = 0.5\nmax_retries = 0\n"
        "max_connections = 1\n[routes.r]\nchain = ['a:b']\ndaily_usd = 0\ndaily_tokens = 0\n"
        "[gateway]\ndeadline_s = 0.5\nbudget_warn_at = 0.01\n"
        "[server]\nmax_text_bytes = 1000\nmax_request_bytes = 1000\nmax_items = 10\nmax_depth = 2\n"
    )
    config = load_config(path)
    assert (config.providers["y"].rpm, config.providers["y"].max_retries, config.gateway.deadline_s) == (0.5, 0, 0.5)
    assert (config.server.max_text_bytes, config.server.max_items, config.server.max_depth) == (1000, 10, 2)
    path.write_text(
        "[providers.z]\nmax_concurrency = 0\n[gateway]\nmax_wait_share = 1\n[shared]\nprefix = 'a'\ntimeout_s = 10\n"
    )
    config = load_config(path)
    assert (config.providers["z"].max_concurrency, config.gateway.max_wait_share) == (0, 1)  # 0: no cap
    assert (config.shared.prefix, config.shared.timeout_s) == ("a", 10)
    path.write_text("[gateway]\nmax_wait_share = 0.01\n[shared]\ntimeout_s = 0.01\n")
    config = load_config(path)
    assert (config.gateway.max_wait_share, config.shared.timeout_s) == (0.01, 0.01)


def test_a_name_close_to_none_lists_the_valid_ones(tmp_path) -> None:
    message = _refusal(tmp_path / "llmwright.toml", "[cache]\nzzzzzz = 1\n")
    assert message.endswith("unknown key 'zzzzzz' in [cache]; valid keys: backend, ttl_s, url")


def test_the_search_rule(tmp_path, monkeypatch) -> None:
    assert find_config_file(cwd=tmp_path) == (None, False)
    (tmp_path / "pyproject.toml").write_text("[tool.llmwright.cache]\nbackend = 'memory'\n")
    assert find_config_file(cwd=tmp_path) == (tmp_path / "pyproject.toml", True)
    assert load_config(cwd=tmp_path).cache.backend == "memory"
    (tmp_path / "llmwright.toml").write_text("[cache]\nbackend = 'off'\n")
    assert find_config_file(cwd=tmp_path) == (tmp_path / "llmwright.toml", False)
    other = tmp_path / "other.toml"
    other.write_text("[cache]\nbackend = 'redis'\n")
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(other))
    assert load_config(cwd=tmp_path).cache.backend == "redis" and load_config(cwd=tmp_path).file == other
    assert load_config(tmp_path / "llmwright.toml", cwd=tmp_path).cache.backend == "off", "--config wins"
    monkeypatch.setenv("LLMWRIGHT_CONFIG", "")
    assert load_config(cwd=tmp_path).cache.backend == "off", "an empty variable is no choice"
    monkeypatch.chdir(tmp_path)
    assert load_config().file == tmp_path / "llmwright.toml"


def test_a_pyproject_without_our_table_gives_the_defaults(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n[tool.ruff]\nline-length = 99\n")
    config = load_config(cwd=tmp_path)
    assert config.cache.backend == "sqlite" and config.file == tmp_path / "pyproject.toml"
    named = tmp_path / "sub" / "pyproject.toml"
    named.parent.mkdir()
    named.write_text("[tool.llmwright.gateway]\ndeadline_s = 5\n")
    assert load_config(named).gateway.deadline_s == 5, "--config pointing at a pyproject.toml reads our table"


def test_prompt_dirs_are_relative_to_the_file(tmp_path) -> None:
    path = tmp_path / "conf" / "llmwright.toml"
    path.parent.mkdir()
    absolute = tmp_path / "abs"
    path.write_text(f"[prompts]\ndirs = ['team', '{absolute}']\n")
    assert load_config(path).prompts.dirs == [tmp_path / "conf" / "team", absolute]


@pytest.mark.parametrize(("flag", "enabled"), [("0", False), ("false", False), (" No ", False), ("OFF", False),
                                              ("1", True), ("yes", True), ("", True)])  # fmt: skip
def test_the_feature_flag(tmp_path, monkeypatch, flag: str, enabled: bool) -> None:
    monkeypatch.setenv("LLMWRIGHT_ENABLED", flag)
    assert load_config(cwd=tmp_path).gateway.enabled is enabled


def test_unreadable_files_say_why(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist; check the path given to --config"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"is a directory; name a TOML file"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match=r"^cannot read configuration file .*: File name too long$"):
        load_config(tmp_path / ("x" * 300 + ".toml"))
    (tmp_path / "latin.toml").write_bytes(b"[cache]\nurl = '\xff'\n")
    with pytest.raises(ConfigError, match=r"is not valid TOML"):
        load_config(tmp_path / "latin.toml")


def test_ledger_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LLMWRIGHT_DATA_DIR", str(tmp_path))
    assert GatewayConfig().ledger_file() == tmp_path / "usage.jsonl"
    assert GatewayConfig(ledger_path=str(tmp_path / "x.jsonl")).ledger_file() == tmp_path / "x.jsonl"
    assert GatewayConfig(ledger=False, ledger_path="x").ledger_file() is None
